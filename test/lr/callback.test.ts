import type * as tfTypes from '@tensorflow/tfjs';
import { UsageError } from '../../src/util/errors';
import { learningRateSchedule } from '../../src/lr/callback';
import { learningRateAt, type LearningRateSchedule } from '../../src/lr/schedule';
import { loadTf } from '../../src/platform/tf';
import { useTestBackend } from '../helpers/backend';

const tf = loadTf();
beforeAll(async () => {
  await useTestBackend(tf, 'cpu');
});

/** 64 samples, batch 8, 2 epochs: 16 updates. */
function setup(optimizer: tfTypes.Optimizer) {
  const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 1, kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) })] });
  model.compile({ optimizer, loss: 'meanSquaredError' });
  const x = tf.randomNormal([64, 4], 0, 1, 'float32', 3);
  const y = tf.randomNormal([64, 1], 0, 1, 'float32', 4);
  return { model, x, y };
}

const schedule: LearningRateSchedule = { kind: 'linear-decay', peakLearningRate: 0.1, warmupSteps: 4, totalSteps: 16, finalLearningRate: 0 };

/** The rate each update of a real `fit` used, read back from the optimizer after the update. */
async function ratesDuringFit(optimizer: tfTypes.Optimizer, read: (o: tfTypes.Optimizer) => number, extra: tfTypes.CustomCallbackArgs[] = []) {
  const { model, x, y } = setup(optimizer);
  const seen: number[] = [];
  await model.fit(x, y, {
    batchSize: 8,
    epochs: 2,
    shuffle: false,
    verbose: 0,
    callbacks: [...extra.map((e) => new tf.CustomCallback(e)), learningRateSchedule({ recommendation: { schedule } }), new tf.CustomCallback({ onBatchEnd: async () => void seen.push(read(model.optimizer)) })],
  });
  tf.dispose([x, y]);
  model.dispose();
  return seen;
}

const expected = Array.from({ length: 16 }, (_, step) => learningRateAt(schedule, step));

describe('learningRateSchedule in model.fit', () => {
  test('Adam: every update uses the schedule\'s rate for its step', async () => {
    const seen = await ratesDuringFit(tf.train.adam(0.001), (o) => (o as unknown as { learningRate: number }).learningRate);
    expect(seen).toHaveLength(16);
    seen.forEach((rate, i) => expect(rate).toBeCloseTo(expected[i], 9));
  });

  test('Momentum: the cached rate the update reads is replaced every step', async () => {
    // SGD and momentum apply -η from a scalar tensor made once: setting the field alone would do nothing.
    const read = (o: tfTypes.Optimizer) => -(o as unknown as { c: tfTypes.Scalar }).c.dataSync()[0];
    const seen = await ratesDuringFit(tf.train.momentum(0.001, 0.9), read);
    expect(seen).toHaveLength(16);
    seen.forEach((rate, i) => expect(rate).toBeCloseTo(expected[i], 6));
  });

  test('the schedule changes the training: the weights differ from a constant-rate fit', async () => {
    const final = async (withSchedule: boolean) => {
      const { model, x, y } = setup(tf.train.sgd(0.1));
      await model.fit(x, y, { batchSize: 8, epochs: 2, shuffle: false, verbose: 0, callbacks: withSchedule ? [learningRateSchedule(schedule)] : [] });
      const w = model.getWeights()[0].dataSync().slice();
      tf.dispose([x, y]);
      model.dispose();
      return Array.from(w);
    };
    expect(await final(true)).not.toEqual(await final(false));
  });

  test('no tensors are left behind', async () => {
    const { model, x, y } = setup(tf.train.momentum(0.01, 0.9));
    await model.fit(x, y, { batchSize: 8, epochs: 1, verbose: 0, callbacks: [learningRateSchedule(schedule)] });
    const before = tf.memory().numTensors;
    await model.fit(x, y, { batchSize: 8, epochs: 1, verbose: 0, callbacks: [learningRateSchedule(schedule)] });
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y]);
    model.dispose();
  });

  test('a result without a recommendation is refused with a clear error', () => {
    expect(() => learningRateSchedule({ recommendation: null })).toThrow(UsageError);
    expect(() => learningRateSchedule({ recommendation: null })).toThrow(/needs a result with a recommendation/);
  });
});
