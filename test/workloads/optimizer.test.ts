import { loadTf } from '../../src/platform/tf';
import { createOptimizer, createWorkload, disposeModel, optimizerSettings, type WorkloadDefinition } from '../../src/workloads/workload';
import { SETTINGS, tinyWorkload } from '../helpers/tiny-workload';

const tf = loadTf();

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** The tiny workload, its model compiled with `optimizer` and no override. */
function compiledWith(optimizer: () => unknown): WorkloadDefinition {
  const base = tinyWorkload();
  return {
    ...base,
    optimizer: undefined,
    async buildModel(t) {
      const model = await base.buildModel(t);
      model.compile({ loss: 'categoricalCrossentropy', optimizer: optimizer() as never });
      return model;
    },
  };
}

describe('the optimizer as the user compiled it (issue 28, item 8)', () => {
  it.each([
    ['momentum, Nesterov', () => tf.train.momentum(0.05, 0.95, true), 'momentum', 0.05, { momentum: 0.95, useNesterov: true }],
    ['Adam with its own betas', () => tf.train.adam(3e-4, 0.9, 0.98, 1e-6), 'adam', 3e-4, { beta1: 0.9, beta2: 0.98, epsilon: 1e-6 }],
    ['RMSProp, centred with momentum', () => tf.train.rmsprop(0.002, 0.8, 0.1, 1e-6, true), 'rmsprop', 0.002, { decay: 0.8, momentum: 0.1, epsilon: 1e-6, centered: true }],
  ])('%s: recorded, and every trial model rebuilt with the same settings at its own rate', async (_, make, name, rate, settings) => {
    const workload = await createWorkload(tf, compiledWith(make), SETTINGS);
    try {
      expect(workload.info.optimizer).toEqual({ name, learningRate: rate, settings });
      const model = await workload.createModel({ learningRate: 0.1 });
      try {
        expect(model.optimizer.getConfig()).toEqual({ learningRate: 0.1, ...settings });
      } finally {
        disposeModel(model);
      }
    } finally {
      workload.dispose();
    }
  });

  it('settings not given are recorded at their defaults, so the same optimizer reads the same however it was given', async () => {
    const workload = await createWorkload(tf, compiledWith(() => tf.train.adam(0.01)), SETTINGS);
    expect(workload.info.optimizer).toEqual({ name: 'adam', learningRate: 0.01, settings: { beta1: 0.9, beta2: 0.999, epsilon: expect.any(Number) } });
    const named = await createWorkload(tf, { ...tinyWorkload(), optimizer: { name: 'adam', learningRate: 0.01 } }, SETTINGS);
    expect(named.info.optimizer).toEqual(workload.info.optimizer);
    expect(named.fingerprint()).toBe(workload.fingerprint());
    workload.dispose();
    named.dispose();
  });

  it('a plain SGD has no settings to keep', async () => {
    const workload = await createWorkload(tf, compiledWith(() => tf.train.sgd(0.3)), SETTINGS);
    expect(workload.info.optimizer).toEqual({ name: 'sgd', learningRate: 0.3 });
    workload.dispose();
  });

  it('the settings a different optimizer would take are not carried over, nor values that are not numbers or booleans', () => {
    expect(optimizerSettings('adam', { beta1: 0.8, momentum: 0.9, useNesterov: true, epsilon: 'x' })).toEqual({ beta1: 0.8 });
    expect(optimizerSettings('momentum', { momentum: Number.NaN, useNesterov: false })).toEqual({ useNesterov: false });
  });

  it('without settings, TensorFlow.js defaults (momentum: 0.9, as Keras)', () => {
    const momentum = createOptimizer(tf, { name: 'momentum', learningRate: 0.01 });
    expect(momentum.getConfig()).toEqual({ learningRate: 0.01, momentum: 0.9, useNesterov: false });
    momentum.dispose();
    const adam = createOptimizer(tf, { name: 'adam', learningRate: 0.01 });
    expect(adam.getConfig()).toMatchObject({ learningRate: 0.01, beta1: 0.9, beta2: 0.999 });
    adam.dispose();
  });
});
