import type * as tfTypes from '@tensorflow/tfjs';
import { InputError } from '../errors';
import { createRandom, shuffledIndices } from '../random';
import type { TF } from '../tf';
import { readTable } from './table';
import { prepareTable, type PreparedTable, type TabularOptions } from './tabular';
import type { DataSplit, WorkloadDefinition } from './workload';

export interface DataFileOptions extends TabularOptions {
  /** Standardize features to mean 0, variance 1 (statistics from the training rows). @default true */
  standardize: boolean;
  seed: number;
  validationSplit: number;
}

/** What a data file became, for the model built on it and the output. */
export interface LoadedDataFile {
  prepared: PreparedTable;
  trainRows: number;
  loadData(tf: TF, targetStyle: TargetStyle): DataSplit;
}

/** How class labels are fed: one-hot columns, one index column (sparse losses), or one 0/1 column (binary). */
export type TargetStyle = 'one-hot' | 'index';

/**
 * Reads and checks a data file now (so bad input fails before any backend starts);
 * tensors are made later, on the chosen backend. Rows are split into training and
 * validation by a seeded shuffle, and standardized with the training rows' statistics
 * only (the validation rows must not leak into them).
 */
export function loadDataFile(file: string, options: DataFileOptions): LoadedDataFile {
  const prepared = prepareTable(readTable(file), options);
  const { rows } = prepared;
  const valCount = Math.round(rows * options.validationSplit);
  if (valCount < 1 || valCount >= rows) {
    throw new InputError(`${file}: ${rows} rows cannot be split ${Math.round(options.validationSplit * 100)} % for validation`);
  }
  const order = shuffledIndices(rows, createRandom(options.seed ^ 0x5eed));
  const trainRows = order.slice(valCount);
  const valRows = order.slice(0, valCount);
  return {
    prepared,
    trainRows: trainRows.length,
    loadData(tf, targetStyle) {
      const width = prepared.featureNames.length;
      const classes = prepared.classes?.length ?? 0;
      const stats = options.standardize ? columnStats(prepared.x, trainRows, width) : null;
      const make = (indices: number[]) => {
        const x = new Float32Array(indices.length * width);
        indices.forEach((source, r) => {
          for (let j = 0; j < width; j++) {
            const v = prepared.x[source * width + j];
            x[r * width + j] = stats ? (v - stats.mean[j]) / stats.std[j] : v;
          }
        });
        const oneHot = classes > 0 && targetStyle === 'one-hot';
        const yWidth = oneHot ? classes : 1;
        const y = new Float32Array(indices.length * yWidth);
        indices.forEach((source, r) => {
          if (oneHot) y[r * yWidth + prepared.y[source]] = 1;
          else y[r] = prepared.y[source];
        });
        return { x: tf.tensor2d(x, [indices.length, width]), y: tf.tensor2d(y, [indices.length, yWidth]) };
      };
      return { train: make(trainRows), validation: make(valRows) };
    },
  };
}

/** Mean and standard deviation of each column over `rows`; a constant column gets std 1. */
export function columnStats(x: Float32Array, rows: readonly number[], width: number): { mean: Float64Array; std: Float64Array } {
  const mean = new Float64Array(width);
  const std = new Float64Array(width);
  for (let j = 0; j < width; j++) {
    let m = 0;
    for (const r of rows) m += x[r * width + j];
    m /= rows.length;
    let v = 0;
    for (const r of rows) v += (x[r * width + j] - m) ** 2;
    mean[j] = m;
    std[j] = Math.sqrt(v / rows.length) || 1;
  }
  return { mean, std };
}

/**
 * The default model for a data file: an MLP sized to it, two hidden ReLU layers of
 * max(16, min(128, 2 × features)) and half that, softmax over the classes or one
 * linear output, Adam at 1e-3.
 */
export function defaultMlp(prepared: PreparedTable, seed: number): Pick<WorkloadDefinition, 'buildModel' | 'loss' | 'optimizer' | 'notes'> {
  const width = prepared.featureNames.length;
  const hidden = Math.max(16, Math.min(128, 2 * width));
  const classes = prepared.classes?.length ?? 0;
  return {
    buildModel(tf: TF): tfTypes.LayersModel {
      const init = (offset: number) => tf.initializers.glorotUniform({ seed: seed + offset });
      return tf.sequential({
        layers: [
          tf.layers.dense({ inputShape: [width], units: hidden, activation: 'relu', kernelInitializer: init(1) }),
          tf.layers.dense({ units: Math.max(8, hidden >> 1), activation: 'relu', kernelInitializer: init(2) }),
          classes
            ? tf.layers.dense({ units: classes, activation: 'softmax', kernelInitializer: init(3) })
            : tf.layers.dense({ units: 1, kernelInitializer: init(3) }),
        ],
      });
    },
    loss: classes ? 'categoricalCrossentropy' : 'meanSquaredError',
    optimizer: { name: 'adam', learningRate: 0.001 },
    notes: [`no --model given: a default MLP ${width}-${hidden}-${Math.max(8, hidden >> 1)}-${classes || 1} sized to the data`],
  };
}
