import type * as tfTypes from '@tensorflow/tfjs';
import type { TF } from '../../platform/tf';
import type { WorkloadDefinition } from '../workload';
import type { ImagePreparation } from './preparation';

/** Convolution blocks of the default CNN: fewer on small images, so none pools below 4 pixels. */
function blocksFor(preparation: ImagePreparation): number {
  let blocks = 0;
  while (blocks < 3 && Math.min(preparation.width, preparation.height) / 2 ** (blocks + 1) >= 4) blocks++;
  return Math.max(1, blocks);
}

/**
 * The default model for a folder of images, the small CNN of Keras's "image
 * classification from scratch" kind: up to three blocks of a 3×3 convolution ('same',
 * ReLU; 16, 32, 64 filters) and a 2×2 max-pool, then a dense layer of 64 and a softmax
 * over the classes; Adam at 1e-3 on sparse categorical cross-entropy (labels are class
 * indices). Seeded initializers: every process builds the same weights.
 */
export function defaultCnn(preparation: ImagePreparation, seed: number): Pick<WorkloadDefinition, 'buildModel' | 'loss' | 'optimizer' | 'notes'> {
  const blocks = blocksFor(preparation);
  const classes = preparation.classes.length;
  const filters = [16, 32, 64].slice(0, blocks);
  return {
    buildModel(tf: TF): tfTypes.LayersModel {
      const init = (offset: number) => tf.initializers.glorotUniform({ seed: seed + offset });
      const layers: tfTypes.layers.Layer[] = [];
      filters.forEach((n, i) => {
        layers.push(
          tf.layers.conv2d({
            ...(i === 0 ? { inputShape: [preparation.height, preparation.width, preparation.channels] } : {}),
            filters: n,
            kernelSize: 3,
            padding: 'same',
            activation: 'relu',
            kernelInitializer: init(i + 1),
          }),
          tf.layers.maxPooling2d({ poolSize: 2 }),
        );
      });
      layers.push(
        tf.layers.flatten(),
        tf.layers.dense({ units: 64, activation: 'relu', kernelInitializer: init(10) }),
        tf.layers.dense({ units: classes, activation: 'softmax', kernelInitializer: init(11) }),
      );
      return tf.sequential({ name: 'image_cnn', layers });
    },
    loss: 'sparseCategoricalCrossentropy',
    optimizer: { name: 'adam', learningRate: 0.001 },
    notes: [
      `no --model given: a default CNN for ${preparation.width}×${preparation.height}×${preparation.channels} images, ` +
        `${filters.map((n) => `conv ${n} 3×3 + max-pool`).join(', ')}, dense 64, softmax over ${classes} classes`,
    ],
  };
}
