import type { WorkloadDefinition } from '../workload';
import { loadDigits } from './mnist-mlp';

/**
 * The classic Keras MNIST CNN (conv 32 3×3, max-pool, conv 64 3×3, max-pool, dense 128,
 * dense 10) on the same digits and split as mnist-mlp, as 28×28×1 images. Without
 * tfjs-node it trains on wasm through autobatch's training kernels (src/kernels/).
 */
export function mnistCnn(seed: number): WorkloadDefinition {
  return {
    name: 'mnist-cnn',
    source: 'example',
    loss: 'categoricalCrossentropy',
    optimizer: { name: 'adam', learningRate: 0.001 },
    buildModel(tf) {
      const init = (offset: number) => tf.initializers.glorotUniform({ seed: seed + offset });
      return tf.sequential({
        name: 'mnist_cnn',
        layers: [
          tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 3, activation: 'relu', kernelInitializer: init(1) }),
          tf.layers.maxPooling2d({ poolSize: 2 }),
          tf.layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu', kernelInitializer: init(2) }),
          tf.layers.maxPooling2d({ poolSize: 2 }),
          tf.layers.flatten(),
          tf.layers.dense({ units: 128, activation: 'relu', kernelInitializer: init(3) }),
          tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: init(4) }),
        ],
      });
    },
    loadData: (tf) => loadDigits(tf, seed, [28, 28, 1]),
  };
}
