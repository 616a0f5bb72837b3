import type { TF } from '../../src/platform/tf';
import type { WorkloadDefinition } from '../../src/workloads/workload';

/**
 * A 4-8-2 classifier on 64 seeded samples: trains in milliseconds on any backend.
 * `conv` and `conv3d` put a convolution first (wasm refuses Conv3D's gradients).
 */
export function tinyWorkload(options: { conv?: boolean; conv3d?: boolean } = {}): WorkloadDefinition {
  return {
    name: 'tiny',
    source: 'example',
    loss: 'categoricalCrossentropy',
    optimizer: { name: 'adam', learningRate: 0.01 },
    buildModel(tf: TF) {
      if (options.conv3d) {
        return tf.sequential({
          layers: [
            tf.layers.reshape({ inputShape: [4], targetShape: [2, 2, 1, 1] }),
            tf.layers.conv3d({ filters: 2, kernelSize: 1, kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
            tf.layers.flatten(),
            tf.layers.dense({ units: 2, activation: 'softmax' }),
          ],
        });
      }
      if (options.conv) {
        return tf.sequential({
          layers: [
            tf.layers.reshape({ inputShape: [4], targetShape: [2, 2, 1] }),
            tf.layers.conv2d({ filters: 2, kernelSize: 2, kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
            tf.layers.flatten(),
            tf.layers.dense({ units: 2, activation: 'softmax' }),
          ],
        });
      }
      return tf.sequential({
        layers: [
          tf.layers.dense({ inputShape: [4], units: 8, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
          tf.layers.dense({ units: 2, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
        ],
      });
    },
    loadData(tf: TF) {
      const make = (n: number, offset: number) => {
        const x = Array.from({ length: n }, (_, i) => [0, 1, 2, 3].map((j) => Math.sin(i + offset + j)));
        const labels = x.map((row) => (row[0] + row[1] > 0 ? 1 : 0));
        return { x: tf.tensor2d(x), y: tf.oneHot(tf.tensor1d(labels, 'int32'), 2) };
      };
      return { train: make(64, 0), validation: make(16, 100) };
    },
  };
}

/** Workload settings for tests: fixed seed, the default validation share. */
export const SETTINGS = { seed: 42, validationSplit: 0.2 };
