import type * as tfTypes from '@tensorflow/tfjs';
import { createHash } from 'node:crypto';
import { InputError } from '../util/errors';
import { createRandom, shuffledIndices } from '../util/random';
import type { TF } from '../platform/tf';
import { encodeTable } from './table/encode';
import { fitPreparation } from './table/fit';
import type { GivenKinds } from './table/kinds';
import { chooseLabel, type LabelOptions } from './table/label';
import type { Preparation } from './table/preparation';
import { readTable, type ReadProgress } from './table/read';
import { toTensors, type RowRange, type TargetStyle } from './table/tensors';
import type { DataSplit, WorkloadDefinition } from './workload';

export type { TargetStyle };

export interface DataFileOptions extends LabelOptions, GivenKinds {
  /** Standardize numeric features and a regression target (statistics from the training rows). @default true */
  standardize: boolean;
  seed: number;
  validationSplit: number;
  onProgress?: (progress: ReadProgress) => void;
  /** The sha256 the file must have (the tuner's, for a process that reads the file itself); else refused. */
  sha256?: string;
}

/** What a data file became, for the model built on it and the output. */
export interface LoadedDataFile {
  preparation: Preparation;
  trainRows: number;
  /** The sha256 of the file's bytes. */
  sha256: string;
  loadData(tf: TF, targetStyle: TargetStyle): DataSplit;
}

/**
 * Reads, checks and prepares a data file now (so bad input fails before any backend
 * starts); tensors are made later, on the chosen backend. Rows without a label are
 * dropped; the rest are split into training and validation by a seeded shuffle, and
 * the preparation is fitted on the training rows only.
 */
export async function loadDataFile(file: string, options: DataFileOptions): Promise<LoadedDataFile> {
  // Hashed from the bytes the reader reads: one read of the file, not two.
  const hash = createHash('sha256');
  const table = await readTable(file, { onProgress: options.onProgress, onBytes: (bytes) => hash.update(bytes) });
  const sha256 = hash.digest('hex');
  if (options.sha256 !== undefined && sha256 !== options.sha256) {
    throw new InputError(`${file}: the file changed since the tuner read it (sha256 ${sha256.slice(0, 12)}…, not ${options.sha256.slice(0, 12)}…); refused: run the tuner again`);
  }
  const label = chooseLabel(table, options);
  const rows = label.kept.length;
  const valCount = Math.round(rows * options.validationSplit);
  if (valCount < 1 || valCount >= rows) {
    throw new InputError(`${file}: ${rows} rows${label.droppedRows ? ` with a label` : ''} cannot be split ${Math.round(options.validationSplit * 100)} % for validation`);
  }
  // Positions in the labelled rows.
  const order = shuffledIndices(rows, createRandom(options.seed ^ 0x5eed));
  const trainPositions = order.slice(valCount);
  const preparation = fitPreparation(table, label, trainPositions.map((p) => label.kept[p]), options);
  // Encoded in the shuffled order, validation rows first: each part is a range of the encoded rows, used as it is.
  const places = new Int32Array(rows);
  order.forEach((position, place) => (places[position] = place));
  const encoded = encodeTable(preparation, table, places);
  const validation = { start: 0, count: valCount };
  const train = { start: valCount, count: trainPositions.length };
  return {
    preparation,
    trainRows: trainPositions.length,
    sha256,
    loadData(tf, style) {
      // Every row here has a label: chooseLabel kept only those.
      const part = (range: RowRange) => {
        const { x, y } = toTensors(tf, encoded, range, preparation, style);
        return { x, y: y! };
      };
      return { train: part(train), validation: part(validation) };
    },
  };
}

/**
 * The default model for a data file: an MLP sized to it, two hidden ReLU layers of
 * max(16, min(128, 2 × features)) and half that, softmax over the classes or one
 * linear output, Adam at 1e-3.
 */
export function defaultMlp(preparation: Preparation, seed: number): Pick<WorkloadDefinition, 'buildModel' | 'loss' | 'optimizer' | 'notes'> {
  const width = preparation.features.length;
  const hidden = Math.max(16, Math.min(128, 2 * width));
  const classes = preparation.label.classes?.length ?? 0;
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
