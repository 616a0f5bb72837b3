import { findLearningRate, setLearningRate } from '../../src/lr/range-test';
import { loadTf } from '../../src/platform/tf';
import { exampleWorkload } from '../../src/workloads/examples/index';
import { createWorkload, disposeModel } from '../../src/workloads/workload';

import { SETTINGS } from '../helpers/tiny-workload';
import { useTestBackend } from '../helpers/backend';
import { tensorsOf } from '../../src/workloads/tensor-source';

const tf = loadTf();
beforeAll(async () => {
  await useTestBackend(tf, 'cpu');
});

describe('findLearningRate', () => {
  test('sweeps upwards, stops on divergence, and suggests a rate below where it diverged', async () => {
    const workload = await createWorkload(tf, exampleWorkload('synthetic-regression', 1), SETTINGS);
    const before = tf.memory().numTensors;
    const result = await findLearningRate(tf, workload, { batchSize: 32, steps: 80 });
    expect(tf.memory().numTensors).toBe(before);
    workload.dispose();
    const lrs = result.points.map((p) => p.lr);
    expect(lrs).toEqual([...lrs].sort((a, b) => a - b));
    // SGD on this regression diverges well before lr = 10.
    expect(result.ended).toBe('diverged');
    expect(result.suggestion).toBeGreaterThan(1e-5);
    expect(result.suggestion).toBeLessThan(lrs[lrs.length - 1]);
    // The loss at the suggestion is well below the starting loss: the rate trains.
    const at = result.points.findIndex((p) => p.lr >= result.suggestion!);
    expect(Math.min(...result.points.slice(at).map((p) => p.loss))).toBeLessThan(result.points[0].loss);
  });
});

describe('setLearningRate', () => {
  test.each(['sgd', 'momentum', 'adam', 'rmsprop', 'adagrad', 'adamax', 'adadelta'] as const)('%s takes the new rate', async (name) => {
    // The same step from the same weights moves the weights further at the larger rate.
    const moved = async (lr: number) => {
      const workload = await createWorkload(tf, { ...exampleWorkload('synthetic-regression', 1), optimizer: { name, learningRate: 1e-9 } }, SETTINGS);
      const model = await workload.createModel();
      setLearningRate(model.optimizer, lr);
      const w0 = Array.from(model.getWeights()[0].dataSync());
      await model.trainOnBatch(tf.slice(tensorsOf(workload).train.x, 0, 16), tf.slice(tensorsOf(workload).train.y, 0, 16));
      const w1 = model.getWeights()[0].dataSync();
      const distance = w0.reduce((a: number, v: number, i: number) => a + Math.abs(v - w1[i]), 0);
      disposeModel(model);
      workload.dispose();
      return distance;
    };
    expect(await moved(1e-2)).toBeGreaterThan(10 * (await moved(1e-4)));
  });
});
