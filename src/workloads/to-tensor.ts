import type * as tfTypes from '@tensorflow/tfjs';
import { InputError } from '../util/errors';
import type { TF } from '../platform/tf';
import type { DataSplit, Dataset } from './workload';

/**
 * A tensor on autobatch's TensorFlow.js from what a user gave: one of our tensors, a
 * tensor of another tfjs copy (copied through its values: two copies of tfjs-core do
 * not share tensors), a typed array or nested arrays.
 * @throws InputError naming `what` when the value is none of these, or holds NaN/Inf.
 */
export function toTensor(tf: TF, value: unknown, what: string, owned = true): tfTypes.Tensor {
  let tensor: tfTypes.Tensor;
  // A caller's tensor stays the caller's: autobatch works on a copy it may dispose.
  if (value instanceof tf.Tensor) tensor = owned ? value : value.clone();
  else if (value && typeof (value as { arraySync?: unknown }).arraySync === 'function' && Array.isArray((value as { shape?: unknown }).shape)) {
    tensor = tf.tensor((value as { arraySync(): number[] }).arraySync());
  } else if (Array.isArray(value) && value.length > 0 && value.every((v) => v instanceof tf.Tensor || (v && typeof (v as { arraySync?: unknown }).arraySync === 'function'))) {
    // Ours to release, as a tensor given alone would be.
    if (owned) for (const t of value) (t as { dispose?: () => void }).dispose?.();
    throw new InputError(`${what}: an array of ${value.length} tensors (one a model input or output): models with several inputs or outputs are not supported yet`);
  } else if (Array.isArray(value) || ArrayBuffer.isView(value)) {
    try {
      tensor = tf.tensor(value as number[]);
    } catch (err) {
      throw new InputError(`${what}: not a rectangular array of numbers (${(err as Error).message})`, { cause: err });
    }
  } else {
    throw new InputError(`${what}: expected a tensor or an array, got ${value === null ? 'null' : typeof value}`);
  }
  if (tensor.rank === 0) {
    tensor.dispose();
    throw new InputError(`${what}: a scalar is not a data set`);
  }
  if (tensor.dtype !== 'float32') tensor = replace(tensor, tensor.toFloat());
  const bad = tf.tidy(() => tf.logicalNot(tf.isFinite(tensor)).any().dataSync()[0]);
  if (bad) {
    tensor.dispose();
    throw new InputError(`${what}: contains NaN or infinite values`);
  }
  return tensor;
}

/**
 * The data autobatch is handed becomes its own: a tensor replaced by a converted copy is
 * disposed, as are tensors given back on a failed check.
 */
function replace(old: tfTypes.Tensor, next: tfTypes.Tensor): tfTypes.Tensor {
  if (next !== old) old.dispose();
  return next;
}

/** `{ x, y }` from user values; a rank-1 target becomes a column. `owned`: the tensors given are autobatch's to dispose. */
export function toDataset(tf: TF, value: unknown, what: string, owned = true): Dataset {
  if (!value || typeof value !== 'object' || !('x' in value) || !('y' in value)) {
    throw new InputError(`${what}: expected an object with x and y`);
  }
  const { x, y } = value as { x: unknown; y: unknown };
  const xt = toTensor(tf, x, `${what}.x`, owned);
  let yt: tfTypes.Tensor;
  try {
    yt = toTensor(tf, y, `${what}.y`, owned);
  } catch (err) {
    xt.dispose();
    throw err;
  }
  if (yt.rank === 1) yt = replace(yt, yt.expandDims(1));
  if (xt.shape[0] !== yt.shape[0]) {
    tf.dispose([xt, yt]);
    throw new InputError(`${what}: x has ${xt.shape[0]} samples but y has ${yt.shape[0]}`);
  }
  return { x: xt, y: yt };
}

/** `{ train, validation? }` or plain `{ x, y }` (all training data). */
export function toDataSplit(tf: TF, value: unknown, what: string, owned = true): DataSplit {
  if (value && typeof value === 'object' && 'train' in value) {
    const { train, validation } = value as { train: unknown; validation?: unknown };
    const trainSet = toDataset(tf, train, `${what}.train`, owned);
    if (validation === undefined) return { train: trainSet };
    try {
      return { train: trainSet, validation: toDataset(tf, validation, `${what}.validation`, owned) };
    } catch (err) {
      tf.dispose([trainSet.x, trainSet.y]);
      throw err;
    }
  }
  return { train: toDataset(tf, value, what, owned) };
}
