import { prepareWorkload } from '../../src/platform/prepare';
import { trainingStep } from '../../src/runner/in-process';
import { loadTf } from '../../src/platform/tf';
import { exampleWorkload } from '../../src/workloads/examples/index';
import { disposeModel } from '../../src/workloads/workload';
import { testBackend } from '../helpers/backend';
import { tensorsOf } from '../../src/workloads/tensor-source';

const tf = loadTf();

describe('the mnist-cnn example', () => {
  test('the same digits and split as mnist-mlp, as 28×28×1 images; trains without tensor leaks', async () => {
    const selection = await prepareWorkload(tf, exampleWorkload('mnist-cnn', 1), { seed: 1, validationSplit: 0.2 }, testBackend('wasm'), 8, () => {});
    const workload = selection.value;
    try {
      expect(selection).toMatchObject({ name: testBackend('wasm'), fallbackReason: null });
      expect(workload.info).toMatchObject({ name: 'mnist-cnn', trainSamples: 8000, valSamples: 2000 });
      expect(tensorsOf(workload).train.x.shape).toEqual([8000, 28, 28, 1]);
      const model = await workload.createModel();
      const step = trainingStep(model, workload.data.batches(16, 'sequential', 0));
      await step(); // first use builds the optimizer's state
      const before = tf.memory().numTensors;
      const loss = await step();
      expect(tf.memory().numTensors).toBe(before);
      expect(Number.isFinite(loss)).toBe(true);
      disposeModel(model);
    } finally {
      workload.dispose();
    }
  });
});
