import { activateBackend } from '../../src/platform/backend';
import { CONV3D_REFUSAL } from '../../src/kernels/conv3d-refusal';
import { loadTf, type TF } from '../../src/platform/tf';

const tf = loadTf();
type Model = ReturnType<TF['sequential']>;

beforeAll(async () => {
  expect(await activateBackend(tf, 'wasm')).toBeNull();
});

/**
 * Losses of `steps` full-batch steps on fixed data; asserts no tensor outlives them. A
 * first short run warms up: tfjs-layers keeps a few tensors on first use.
 */
async function trainSteps(build: () => Model, x: () => ReturnType<TF['tensor']>, y: () => ReturnType<TF['tensor']>, optimizer: string, steps: number): Promise<number[]> {
  await train(build, x, y, optimizer, 1);
  const before = tf.memory().numTensors;
  const losses = await train(build, x, y, optimizer, steps);
  expect(tf.memory().numTensors).toBe(before);
  return losses;
}

async function train(build: () => Model, x: () => ReturnType<TF['tensor']>, y: () => ReturnType<TF['tensor']>, optimizer: string, steps: number): Promise<number[]> {
  const model = build();
  model.compile({ optimizer, loss: 'categoricalCrossentropy' });
  const xs = x();
  const ys = y();
  const losses: number[] = [];
  for (let i = 0; i < steps; i++) losses.push(Number(await model.trainOnBatch(xs, ys)));
  xs.dispose();
  ys.dispose();
  model.dispose();
  model.optimizer.dispose();
  return losses;
}

const labels = (n: number, classes: number) => tf.tidy(() => tf.oneHot(tf.tensor1d(Array.from({ length: n }, (_, i) => i % classes), 'int32'), classes));
const seeded = (seed: number) => tf.initializers.glorotUniform({ seed });

const cnn = () =>
  tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [8, 8, 1], filters: 4, kernelSize: 3, activation: 'relu', kernelInitializer: seeded(1) }),
      tf.layers.separableConv2d({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', depthwiseInitializer: seeded(2), pointwiseInitializer: seeded(3) }),
      tf.layers.batchNormalization(),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dropout({ rate: 0.1, seed: 4 }),
      tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: seeded(5) }),
    ],
  });

const textModel = () =>
  tf.sequential({
    layers: [
      tf.layers.embedding({ inputDim: 50, outputDim: 8, inputLength: 6, embeddingsInitializer: seeded(1) }),
      tf.layers.lstm({ units: 8, kernelInitializer: seeded(2), recurrentInitializer: seeded(3) }),
      tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: seeded(4) }),
    ],
  });

describe('models train on wasm with the training kernels', () => {
  test.each(['adam', 'sgd', 'rmsprop'])('a small CNN (conv, separable conv, batch norm, pooling) with %s: finite, decreasing loss', async (optimizer) => {
    const x = () => tf.tidy(() => tf.sin(tf.range(0, 16 * 64).reshape([16, 8, 8, 1]).mul(0.37)));
    const losses = await trainSteps(cnn, x, () => labels(16, 3), optimizer, 6);
    expect(tf.getBackend()).toBe('wasm');
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses[losses.length - 1]).toBeLessThan(losses[0]);
  });

  test.each(['adam', 'sgd'])('an Embedding + LSTM text model with %s: finite, decreasing loss', async (optimizer) => {
    const x = () => tf.tensor2d(Array.from({ length: 12 * 6 }, (_, i) => (i * 7) % 50), [12, 6]);
    const losses = await trainSteps(textModel, x, () => labels(12, 3), optimizer, 6);
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses[losses.length - 1]).toBeLessThan(losses[0]);
  });

  test('a Conv3D model is refused on wasm, with the reason, and leaks nothing', async () => {
    const conv3d = () =>
      tf.sequential({ layers: [tf.layers.conv3d({ inputShape: [4, 4, 4, 1], filters: 2, kernelSize: 2, strides: 2 }), tf.layers.flatten(), tf.layers.dense({ units: 3, activation: 'softmax' })] });
    const model = conv3d();
    model.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
    const x = tf.ones([3, 4, 4, 4, 1]);
    const y = labels(3, 3);
    await expect(model.trainOnBatch(x, y)).rejects.toThrow(CONV3D_REFUSAL);
    tf.dispose([x, y]);
    model.dispose();
  });
});
