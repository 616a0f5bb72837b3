import { loadTf } from '../../src/tf';
import { createWorkload, disposeModel, type WorkloadDefinition } from '../../src/workloads/workload';

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
      await model.trainOnBatch(workload.train.x, workload.train.y);
      disposeModel(model);
    }
    expect(tf.memory().numTensors).toBe(before);
  } finally {
    workload.dispose();
  }
});
