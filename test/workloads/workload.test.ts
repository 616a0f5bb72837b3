import { loadTf } from '../../src/platform/tf';
import { createWorkload, disposeModel, type WorkloadDefinition } from '../../src/workloads/workload';
import { tensorsOf } from '../../src/workloads/tensor-source';

const tf = loadTf();

beforeAll(async () => {
  await tf.setBackend('cpu');
});

test('createModel leaks no tensor when the factory compiles its model (its optimizer is released)', async () => {
  const definition: WorkloadDefinition = {
    name: 'compiled',
    source: 'module',
    buildModel: (t) => {
      const model = t.sequential({ layers: [t.layers.dense({ inputShape: [2], units: 1 })] });
      model.compile({ optimizer: t.train.adam(0.01), loss: 'meanSquaredError' });
      return model;
    },
    loadData: (t) => ({ train: { x: t.ones([10, 2]), y: t.ones([10, 1]) } }),
  };
  const workload = await createWorkload(tf, definition, { seed: 1, validationSplit: 0.2 });
  try {
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      const model = await workload.createModel({ learningRate: 0.1 });
      await model.trainOnBatch(tensorsOf(workload).train.x, tensorsOf(workload).train.y);
      disposeModel(model);
    }
    expect(tf.memory().numTensors).toBe(before);
  } finally {
    workload.dispose();
  }
});

describe('targets against the model output', () => {
  const classifier = (loss: string) => ({
    name: 'sparse',
    source: 'module' as const,
    buildModel: (t: typeof tf) => {
      const model = t.sequential({ layers: [t.layers.dense({ inputShape: [2], units: 3, activation: 'softmax' })] });
      model.compile({ optimizer: t.train.adam(0.01), loss });
      return model;
    },
  });
  test.each([
    ['class indices [N]', [20]],
    ['class indices [N, 1]', [20, 1]],
  ])('sparse categorical cross-entropy takes %s for 3 outputs, and trains', async (_name, shape) => {
    const definition: WorkloadDefinition = {
      ...classifier('sparseCategoricalCrossentropy'),
      loadData: (t) => ({ train: { x: t.randomNormal([20, 2], 0, 1, 'float32', 1), y: t.tensor(Array.from({ length: 20 }, (_, i) => i % 3), shape) } }),
    };
    const workload = await createWorkload(tf, definition, { seed: 1, validationSplit: 0.2 });
    try {
      const model = await workload.createModel({ learningRate: 0.1 });
      expect(Number.isFinite((await model.trainOnBatch(tensorsOf(workload).train.x, tensorsOf(workload).train.y)) as number)).toBe(true);
      disposeModel(model);
    } finally {
      workload.dispose();
    }
  });
  test('any other loss still wants the output\'s shape', async () => {
    const definition: WorkloadDefinition = {
      ...classifier('categoricalCrossentropy'),
      loadData: (t) => ({ train: { x: t.ones([20, 2]), y: t.zeros([20]) } }),
    };
    await expect(createWorkload(tf, definition, { seed: 1, validationSplit: 0.2 })).rejects.toThrow('the model outputs shape [3] but the targets have shape []');
  });
});
