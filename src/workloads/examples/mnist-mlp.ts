import { createRandom, shuffledIndices } from '../../util/random';
import type { TF } from '../../platform/tf';
import type { WorkloadDefinition } from '../workload';

const PIXELS = 28 * 28;
const CLASSES = 10;

/** Share of the digits held out for validation. */
const VALIDATION_SHARE = 0.2;

/**
 * A 784-256-128-10 MLP on the 10,000 real MNIST digits that the `mnist` package ships
 * (pixels in [0, 1]), split 80/20 into train and validation after a seeded shuffle.
 */
export function mnistMlp(seed: number): WorkloadDefinition {
  return {
    name: 'mnist-mlp',
    source: 'example',
    loss: 'categoricalCrossentropy',
    optimizer: { name: 'adam', learningRate: 0.001 },
    buildModel(tf) {
      const init = (offset: number) => tf.initializers.glorotUniform({ seed: seed + offset });
      return tf.sequential({
        name: 'mnist_mlp',
        layers: [
          tf.layers.dense({ inputShape: [PIXELS], units: 256, activation: 'relu', kernelInitializer: init(1) }),
          tf.layers.dense({ units: 128, activation: 'relu', kernelInitializer: init(2) }),
          tf.layers.dense({ units: CLASSES, activation: 'softmax', kernelInitializer: init(3) }),
        ],
      });
    },
    loadData: (tf) => loadDigits(tf, seed, [PIXELS]),
  };
}

/**
 * The 10,000 digits split 80/20 into train and validation after a seeded shuffle, each
 * image shaped `inputShape` (784 pixels: `[784]` for an MLP, `[28, 28, 1]` for a CNN).
 */
export function loadDigits(tf: TF, seed: number, inputShape: number[]) {
  const { pixels, labels } = readDigits();
  const count = labels.length;
  const order = shuffledIndices(count, createRandom(seed));
  const valCount = Math.round(count * VALIDATION_SHARE);
  const take = (indices: number[]) => {
    const x = new Float32Array(indices.length * PIXELS);
    const y = new Float32Array(indices.length * CLASSES);
    indices.forEach((source, row) => {
      x.set(pixels.subarray(source * PIXELS, (source + 1) * PIXELS), row * PIXELS);
      y[row * CLASSES + labels[source]] = 1;
    });
    return { x: tf.tensor(x, [indices.length, ...inputShape]), y: tf.tensor2d(y, [indices.length, CLASSES]) };
  };
  return { train: take(order.slice(valCount)), validation: take(order.slice(0, valCount)) };
}

/** All digits the package ships, as one pixel array and one label array. */
function readDigits(): { pixels: Float32Array; labels: Uint8Array } {
  const perDigit: number[][] = [];
  for (let digit = 0; digit < CLASSES; digit++) {
    // The package's own loader draws samples with Math.random; the raw arrays are stable.
    perDigit.push((require(`mnist/src/digits/${digit}.json`) as { data: number[] }).data);
  }
  const count = perDigit.reduce((sum, raw) => sum + raw.length / PIXELS, 0);
  const pixels = new Float32Array(count * PIXELS);
  const labels = new Uint8Array(count);
  let row = 0;
  perDigit.forEach((raw, digit) => {
    pixels.set(raw, row * PIXELS);
    labels.fill(digit, row, row + raw.length / PIXELS);
    row += raw.length / PIXELS;
  });
  return { pixels, labels };
}
