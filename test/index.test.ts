import * as api from '../src/index';

test('the public API is exactly this list', () => {
  expect(Object.keys(api).sort()).toEqual(
    [
      'AutobatchError',
      'BackendError',
      'DEFAULT_OPTIONS',
      'DocumentSchema',
      'InputError',
      'MISSING_MARKERS',
      'SCHEMA_VERSION',
      'TrainingError',
      'UsageError',
      'applyPreparation',
      'estimateGradientNoise',
      'findLearningRate',
      'imageFolderDataset',
      'isOutOfMemoryError',
      'learningRateAt',
      'learningRateSchedule',
      'linearDecaySchedule',
      'normalizeOptions',
      'probeCapacity',
      'restoreTarget',
      'registerTrainingKernels',
      'tf',
      'tune',
    ].sort(),
  );
});

test('tf is the TensorFlow.js autobatch uses', () => {
  expect(typeof api.tf.tensor).toBe('function');
  expect(api.tf.version.tfjs).toMatch(/^4\./);
});
