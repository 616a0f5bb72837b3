import type { KernelBackendName } from '../../src/kernels/compose';
import { TRAINING_KERNELS } from '../../src/kernels/pack';
import { isPackKernel } from '../../src/kernels/register';
import { activateBackend } from '../../src/platform/backend';
import { loadTf } from '../../src/platform/tf';
import { testBackend } from '../helpers/backend';

const tf = loadTf();
const backend = testBackend('wasm');

/** The pack's kernels registered for `name` now (isPackKernel only reads the registry, so tensorflow can be asked too). */
const packKernelsOn = (name: string) => TRAINING_KERNELS.filter((k) => isPackKernel(tf, k.kernelName, name as KernelBackendName)).map((k) => k.kernelName);

beforeAll(async () => {
  expect(await activateBackend(tf, backend)).toBeNull();
});

describe(`activating ${backend} for training`, () => {
  test('registers the pack where the backend lacks kernels (wasm, cpu), and nothing of it on tensorflow', () => {
    const forBackend = TRAINING_KERNELS.filter((k) => (k.backends as readonly string[]).includes(backend)).map((k) => k.kernelName);
    expect(packKernelsOn(backend)).toEqual(forBackend);
    if (backend === 'tensorflow') {
      expect(forBackend).toEqual([]);
      // tfjs-node's own kernels train: each gradient the pack supplies elsewhere is TensorFlow's here.
      for (const k of TRAINING_KERNELS) expect(tf.getKernel(k.kernelName, 'tensorflow')).toBeDefined();
    }
  });

  test('a model with convolutions and an embedding trains on it: finite, falling loss, no tensor leaks', async () => {
    const seeded = (seed: number) => tf.initializers.glorotUniform({ seed });
    const build = () => {
      const image = tf.input({ shape: [6, 6, 1] });
      const conv = tf.layers.flatten().apply(tf.layers.separableConv2d({ filters: 2, kernelSize: 3, depthwiseInitializer: seeded(1), pointwiseInitializer: seeded(2) }).apply(tf.layers.conv2d({ filters: 3, kernelSize: 2, kernelInitializer: seeded(3) }).apply(image)));
      const tokens = tf.input({ shape: [4] });
      const embedded = tf.layers.flatten().apply(tf.layers.embedding({ inputDim: 10, outputDim: 3, embeddingsInitializer: seeded(4) }).apply(tokens));
      const joined = tf.layers.concatenate().apply([conv, embedded] as never) as never;
      const out = tf.layers.dense({ units: 1, kernelInitializer: seeded(5) }).apply(joined) as never;
      const model = tf.model({ inputs: [image, tokens], outputs: out });
      model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
      return model;
    };
    const x = [tf.tidy(() => tf.sin(tf.range(0, 8 * 36).reshape([8, 6, 6, 1]))), tf.tensor2d(Array.from({ length: 32 }, (_, i) => (i * 3) % 10), [8, 4], 'int32')];
    const y = tf.tidy(() => tf.range(0, 8).reshape([8, 1]).div(8));
    const train = async (steps: number) => {
      const model = build();
      const losses: number[] = [];
      for (let i = 0; i < steps; i++) losses.push(Number(await model.trainOnBatch(x, y)));
      model.optimizer.dispose();
      model.dispose();
      return losses;
    };
    await train(1); // first use: tfjs-layers keeps a few tensors
    const before = tf.memory().numTensors;
    const losses = await train(8);
    expect(tf.memory().numTensors).toBe(before);
    expect(tf.getBackend()).toBe(backend);
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses[losses.length - 1]).toBeLessThan(losses[0]);
    tf.dispose([...x, y]);
  });
});
