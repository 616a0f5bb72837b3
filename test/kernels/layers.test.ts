import type { Scalar, Tensor } from '@tensorflow/tfjs';
import { activateBackend } from '../../src/platform/backend';
import { registerTrainingKernels, restoreBuiltInKernels } from '../../src/kernels/register';
import { loadTf, type TF } from '../../src/platform/tf';

const tf = loadTf();
const seeded = (seed: number) => tf.initializers.glorotUniform({ seed });
const L = tf.layers;

/** Small models of each layer family whose training needs a pack kernel (or used to fail on wasm). */
const MODELS: [string, number[], () => ReturnType<TF['sequential']>][] = [
  ['Conv1D', [10, 3], () => tf.sequential({ layers: [L.conv1d({ inputShape: [10, 3], filters: 4, kernelSize: 3, strides: 2, kernelInitializer: seeded(1) }), L.flatten(), L.dense({ units: 3, kernelInitializer: seeded(2) })] })],
  ['SeparableConv2D', [7, 7, 3], () => tf.sequential({ layers: [L.separableConv2d({ inputShape: [7, 7, 3], filters: 4, kernelSize: 3, depthMultiplier: 2, padding: 'same', depthwiseInitializer: seeded(1), pointwiseInitializer: seeded(2) }), L.flatten(), L.dense({ units: 3, kernelInitializer: seeded(3) })] })],
  ['DepthwiseConv2D after a conv', [7, 7, 3], () => tf.sequential({ layers: [L.conv2d({ inputShape: [7, 7, 3], filters: 2, kernelSize: 1, kernelInitializer: seeded(1) }), L.depthwiseConv2d({ kernelSize: 3, strides: 2, depthMultiplier: 2, depthwiseInitializer: seeded(2) }), L.flatten(), L.dense({ units: 3, kernelInitializer: seeded(3) })] })],
  ['Conv2DTranspose', [4, 4, 2], () => tf.sequential({ layers: [L.conv2d({ inputShape: [4, 4, 2], filters: 2, kernelSize: 1, kernelInitializer: seeded(1) }), L.conv2dTranspose({ filters: 3, kernelSize: 3, strides: 2, padding: 'same', kernelInitializer: seeded(2) }), L.flatten(), L.dense({ units: 3, kernelInitializer: seeded(3) })] })],
  ['Conv2D, pooling, BatchNormalization', [8, 8, 2], () => tf.sequential({ layers: [L.conv2d({ inputShape: [8, 8, 2], filters: 3, kernelSize: 3, strides: 2, padding: 'same', kernelInitializer: seeded(1) }), L.batchNormalization(), L.averagePooling2d({ poolSize: 2 }), L.globalMaxPooling2d({}), L.dense({ units: 3, kernelInitializer: seeded(2) })] })],
  ['Embedding, GRU, SimpleRNN', [6], () => tf.sequential({ layers: [L.embedding({ inputDim: 20, outputDim: 4, inputLength: 6, embeddingsInitializer: seeded(1) }), L.gru({ units: 5, returnSequences: true, kernelInitializer: seeded(2), recurrentInitializer: seeded(3) }), L.simpleRNN({ units: 4, kernelInitializer: seeded(4), recurrentInitializer: seeded(5) }), L.dense({ units: 3, kernelInitializer: seeded(6) })] })],
];

/** The gradients of a softmax loss with respect to every weight, in training mode. */
function gradients(build: () => ReturnType<TF['sequential']>, inputShape: number[]): Float32Array[] {
  const model = build();
  const result = tf.tidy(() => {
    const count = 4 * inputShape.reduce((a, b) => a * b, 1);
    const embedding = inputShape.length === 1;
    const x = tf.tensor(Array.from({ length: count }, (_, i) => (embedding ? (i * 7) % 20 : Math.sin(i * 0.7))), [4, ...inputShape]);
    const y = tf.oneHot(tf.tensor1d([0, 1, 2, 1], 'int32'), 3);
    const { grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as Tensor) as Scalar);
    return model.trainableWeights.map((w) => grads[w.originalName].dataSync() as Float32Array);
  });
  model.dispose();
  return result;
}

afterAll(() => registerTrainingKernels(tf));

test.each(MODELS)('%s: gradients on wasm with the kernels match cpu with its own', async (_, inputShape, build) => {
  expect(await activateBackend(tf, 'cpu')).toBeNull();
  restoreBuiltInKernels(tf, 'cpu');
  const expected = gradients(build, inputShape);
  registerTrainingKernels(tf);
  expect(await activateBackend(tf, 'wasm')).toBeNull();
  const before = tf.memory().numTensors;
  const actual = gradients(build, inputShape);
  expect(tf.memory().numTensors).toBe(before);
  expect(actual).toHaveLength(expected.length);
  actual.forEach((grad, i) => {
    // A floor on the scale: a conv bias before BatchNormalization has a gradient of zero
    // in exact arithmetic, rounding noise (1e-8) on both backends.
    const scale = Math.max(1e-4, ...expected[i].map(Math.abs));
    const diff = Math.max(...grad.map((v, j) => Math.abs(v - expected[i][j])));
    expect(diff / scale).toBeLessThan(1e-3);
  });
});
