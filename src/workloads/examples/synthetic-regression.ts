import { createRandom, normalFrom } from '../../util/random';
import type { WorkloadDefinition } from '../workload';

const FEATURES = 16;
const TRAIN_SAMPLES = 8192;
const VAL_SAMPLES = 2048;
const NOISE_STD = 0.1;

/**
 * A seeded regression task: Gaussian inputs, a target that is linear plus a smooth
 * nonlinearity plus noise, fitted by a 16-64-64-1 MLP with plain SGD. Small and fast
 * on every backend; its SGD optimizer exercises the linear-regime learning-rate rule.
 */
export function syntheticRegression(seed: number): WorkloadDefinition {
  return {
    name: 'synthetic-regression',
    source: 'example',
    loss: 'meanSquaredError',
    optimizer: { name: 'sgd', learningRate: 0.01 },
    buildModel(tf) {
      const init = (offset: number) => tf.initializers.glorotUniform({ seed: seed + offset });
      return tf.sequential({
        name: 'synthetic_regression',
        layers: [
          tf.layers.dense({ inputShape: [FEATURES], units: 64, activation: 'relu', kernelInitializer: init(1) }),
          tf.layers.dense({ units: 64, activation: 'relu', kernelInitializer: init(2) }),
          tf.layers.dense({ units: 1, kernelInitializer: init(3) }),
        ],
      });
    },
    loadData(tf) {
      const random = createRandom(seed);
      const w = Array.from({ length: FEATURES }, () => normalFrom(random) / Math.sqrt(FEATURES));
      const v = Array.from({ length: FEATURES }, () => normalFrom(random) / Math.sqrt(FEATURES));
      const make = (count: number) => {
        const x = new Float32Array(count * FEATURES);
        const y = new Float32Array(count);
        for (let i = 0; i < count; i++) {
          let linear = 0;
          let inner = 0;
          for (let j = 0; j < FEATURES; j++) {
            const value = normalFrom(random);
            x[i * FEATURES + j] = value;
            linear += w[j] * value;
            inner += v[j] * value;
          }
          y[i] = linear + 0.5 * Math.sin(2 * inner) + NOISE_STD * normalFrom(random);
        }
        return { x: tf.tensor2d(x, [count, FEATURES]), y: tf.tensor2d(y, [count, 1]) };
      };
      return { train: make(TRAIN_SAMPLES), validation: make(VAL_SAMPLES) };
    },
  };
}
