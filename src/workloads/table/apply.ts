import type * as tfTypes from '@tensorflow/tfjs';
import { InputError } from '../../util/errors';
import { loadTf } from '../../platform/tf';
import { encodeTable } from './encode';
import type { Preparation } from './preparation';
import { readTable, tableFromItems } from './read';
import { toTensors, type TargetStyle, type TensorMaker } from './tensors';

export interface ApplyPreparationOptions {
  /**
   * The TensorFlow.js to make the tensors with: pass your own `tf` when your code
   * imports a different copy than autobatch's. @default autobatch's
   */
  tf?: TensorMaker;
  /** Class targets as one-hot rows (categorical cross-entropy) or one index column (sparse losses). @default 'one-hot' */
  target?: TargetStyle;
}

/** A table made ready for `model.fit`, exactly as the tuner's was. */
export interface PreparedData {
  /** `[rows, preparation.features.length]` */
  x: tfTypes.Tensor2D;
  /** The targets; null when the data has no label column (data to predict on). */
  y: tfTypes.Tensor2D | null;
  rows: number;
  /** Rows left out because their label is missing. */
  droppedRows: number;
}

/**
 * Applies a recorded preparation (`result.preparation`, or the `preparation` of a
 * saved document) to a table: a file path (.csv, .tsv, .txt, .json, .jsonl), or rows
 * as objects keyed by column name or as arrays in the original file's column order.
 * The medians, scales and categories are the recorded ones, not refitted, so
 * `model.fit` sees what the tuner saw. Regression targets come out transformed as
 * recorded: `restoreTarget` turns predictions back.
 * @throws InputError for a missing column, text in a numeric column, or an unknown class.
 */
export async function applyPreparation(preparation: Preparation, data: string | readonly unknown[], options: ApplyPreparationOptions = {}): Promise<PreparedData> {
  const table =
    typeof data === 'string'
      ? await readTable(data, { header: preparation.source.header, decimal: preparation.source.decimal })
      : Array.isArray(data)
        ? tableFromItems('rows', data, (i) => `row ${i + 1}`, 1, preparation.source.columns, preparation.source.decimal)
        : (() => {
            throw new InputError('applyPreparation: data must be a file path or an array of rows');
          })();
  const encoded = encodeTable(preparation, table);
  const { x, y } = toTensors(options.tf ?? loadTf(), encoded, null, preparation, options.target ?? 'one-hot');
  return { x, y, rows: encoded.rows, droppedRows: encoded.droppedRows };
}

/** A regression model's outputs in the target's own units: undoes the recorded transform. */
export function restoreTarget(preparation: Preparation, values: ArrayLike<number>): number[] {
  const { mean, std } = preparation.label.transform ?? { mean: 0, std: 1 };
  return Array.from(values, (v) => v * std + mean);
}
