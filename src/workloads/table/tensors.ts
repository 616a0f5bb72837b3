import type * as tfTypes from '@tensorflow/tfjs';
import type { EncodedTable } from './encode';
import type { Preparation } from './preparation';

/** How class labels are fed: one-hot columns, or one index column (sparse losses, binary). */
export type TargetStyle = 'one-hot' | 'index';

/** The part of TensorFlow.js tensors are made with: autobatch's copy or the user's. */
export type TensorMaker = Pick<typeof tfTypes, 'tensor2d'>;

/** The tensors of some encoded rows (all when `positions` is null), with targets in the form the model's loss expects. */
export function toTensors(tf: TensorMaker, encoded: EncodedTable, positions: readonly number[] | null, preparation: Preparation, style: TargetStyle): { x: tfTypes.Tensor2D; y: tfTypes.Tensor2D | null } {
  const { width } = encoded;
  const count = positions ? positions.length : encoded.rows;
  const x = new Float32Array(count * width);
  const classes = preparation.label.classes?.length ?? 0;
  const yWidth = classes > 0 && style === 'one-hot' ? classes : 1;
  const y = new Float32Array(count * yWidth);
  for (let i = 0; i < count; i++) {
    const source = positions ? positions[i] : i;
    x.set(encoded.x.subarray(source * width, (source + 1) * width), i * width);
    if (!encoded.y) continue;
    const target = encoded.y[source];
    if (yWidth > 1) y[i * yWidth + target] = 1;
    else y[i] = target;
  }
  return { x: tf.tensor2d(x, [count, width]), y: encoded.y ? tf.tensor2d(y, [count, yWidth]) : null };
}

