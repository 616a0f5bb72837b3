import type * as tfTypes from '@tensorflow/tfjs';
import type { EncodedTable } from './encode';
import type { Preparation } from './preparation';

/** How class labels are fed: one-hot columns, or one index column (sparse losses, binary). */
export type TargetStyle = 'one-hot' | 'index';

/** The part of TensorFlow.js tensors are made with: autobatch's copy or the user's. */
export type TensorMaker = Pick<typeof tfTypes, 'tensor2d'>;

/** Consecutive encoded rows: `count` of them from `start`. */
export interface RowRange {
  start: number;
  count: number;
}

/**
 * The tensors of some consecutive encoded rows (all when `range` is null), with targets
 * in the form the model's loss expects. The features are the encoded numbers themselves,
 * not a copy: tensors never change their values.
 */
export function toTensors(tf: TensorMaker, encoded: EncodedTable, range: RowRange | null, preparation: Preparation, style: TargetStyle): { x: tfTypes.Tensor2D; y: tfTypes.Tensor2D | null } {
  const { width } = encoded;
  const { start, count } = range ?? { start: 0, count: encoded.rows };
  const x = encoded.x.subarray(start * width, (start + count) * width);
  if (!encoded.y) return { x: tf.tensor2d(x, [count, width]), y: null };
  const classes = preparation.label.classes?.length ?? 0;
  const yWidth = classes > 0 && style === 'one-hot' ? classes : 1;
  const y = new Float32Array(count * yWidth);
  for (let i = 0; i < count; i++) {
    const target = encoded.y[start + i];
    if (yWidth > 1) y[i * yWidth + target] = 1;
    else y[i] = target;
  }
  return { x: tf.tensor2d(x, [count, width]), y: tf.tensor2d(y, [count, yWidth]) };
}
