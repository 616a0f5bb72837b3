/**
 * Reading the elements of a user's `tf.data` Dataset: each `{ xs, ys }` checked and made a
 * pair of tensors of autobatch's TensorFlow.js, and the passes over the dataset that the
 * other phases build on.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import { createHash } from 'node:crypto';
import type { TF } from '../../platform/tf';
import { InputError, describeError } from '../../util/errors';

/** What a workload module's dataset is, as far as autobatch uses it: something to iterate, pass after pass. */
export interface UserDataset {
  iterator(): Promise<{ next(): Promise<IteratorResult<unknown>> }>;
  size?: number | null;
}

/** One element as autobatch holds it: features and target of one sample. */
export interface Element {
  x: tfTypes.Tensor;
  y: tfTypes.Tensor;
}

/** True for a value that can be iterated as a `tf.data` Dataset. */
export function isUserDataset(value: unknown): value is UserDataset {
  return !!value && typeof (value as { iterator?: unknown }).iterator === 'function';
}

/**
 * An element as a pair of our tensors. A tensor of another copy of TensorFlow.js (a
 * module that required its own) is copied through its values and released.
 * @throws InputError naming `where` for anything but `{ xs, ys }` of tensors.
 */
export function toElement(tf: TF, value: unknown, where: string): Element {
  if (!value || typeof value !== 'object' || !('xs' in value) || !('ys' in value)) {
    // The element is ours to release: the dataset made it for us.
    tf.dispose(value as tfTypes.TensorContainer);
    const keys = value && typeof value === 'object' ? Object.keys(value).join(', ') : typeof value;
    throw new InputError(`${where}: an element must be { xs, ys } (as model.fitDataset takes), got ${keys ? `{ ${keys} }` : 'nothing'}`);
  }
  const { xs, ys } = value as { xs: unknown; ys: unknown };
  return { x: ownTensor(tf, xs, `${where}.xs`), y: ownTensor(tf, ys, `${where}.ys`) };
}

function ownTensor(tf: TF, value: unknown, where: string): tfTypes.Tensor {
  if (value instanceof tf.Tensor) return value.dtype === 'float32' ? value : swap(value, value.toFloat());
  const foreign = value as { dataSync?: () => ArrayLike<number>; shape?: number[]; dispose?: () => void } | null;
  if (foreign && typeof foreign.dataSync === 'function' && Array.isArray(foreign.shape)) {
    const copy = tf.tensor(Float32Array.from(foreign.dataSync()), foreign.shape, 'float32');
    foreign.dispose?.();
    return copy;
  }
  if (Array.isArray(value) || typeof value === 'number') return tf.tensor(value as number[], undefined, 'float32');
  throw new InputError(`${where}: expected a tensor, got ${value === null ? 'null' : typeof value}`);
}

function swap(old: tfTypes.Tensor, next: tfTypes.Tensor): tfTypes.Tensor {
  old.dispose();
  return next;
}

/** The elements of one pass over `dataset`, in its order, made ours; the caller disposes each. */
export async function* onePass(tf: TF, dataset: UserDataset, name: string): AsyncGenerator<Element> {
  let iterator: Awaited<ReturnType<UserDataset['iterator']>>;
  try {
    iterator = await dataset.iterator();
  } catch (err) {
    throw new InputError(`${name}: the dataset could not be iterated: ${describeError(err)}`, { cause: err });
  }
  for (let index = 0; ; index++) {
    let result: IteratorResult<unknown>;
    try {
      result = await iterator.next();
    } catch (err) {
      throw new InputError(`${name}: element ${index} of the dataset failed: ${describeError(err)}`, { cause: err });
    }
    if (result.done) return;
    yield toElement(tf, result.value, `${name}: element ${index}`);
  }
}

/** A hash of an element's shapes and values: how two passes are compared, and the data identified. */
export function hashElement(element: Element): string {
  const hash = createHash('sha256');
  for (const t of [element.x, element.y]) {
    hash.update(JSON.stringify(t.shape));
    const values = t.dataSync();
    hash.update(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
  }
  return hash.digest('hex');
}

/** Elements compared between two passes to tell a dataset that repeats itself from one that does not. */
const COMPARED = 4;

/**
 * Checks that `dataset` can be read as autobatch reads it, pass after pass, the same each
 * time: its first elements are read twice, from two iterators. Returns their hashes (the
 * data's identity in the workload's fingerprint) and the first element's shapes.
 * @throws InputError, one line saying what to export instead, for an infinite dataset, an
 *   empty one, one that a second pass finds empty (`tf.data.func`), or one whose passes differ.
 */
export async function checkPasses(tf: TF, dataset: UserDataset, name: string): Promise<{ hashes: string[]; shape: { x: number[]; y: number[] } }> {
  if (dataset.size === Number.POSITIVE_INFINITY) {
    throw new InputError(`${name}: the dataset is infinite (.repeat()?); export one pass over the data: autobatch repeats it itself`);
  }
  const first = await leadingHashes(tf, dataset, name);
  if (first.hashes.length === 0) throw new InputError(`${name}: the dataset has no elements`);
  const second = await leadingHashes(tf, dataset, name);
  if (second.hashes.length === 0) {
    throw new InputError(
      `${name}: a second pass over the dataset is empty (single-pass, as tf.data.func's is): autobatch reads it once per epoch and run; ` +
        'export createDataset(tf) that builds it anew, or build it with tf.data.generator(() => a new iterator)',
    );
  }
  if (second.hashes.some((h, i) => h !== first.hashes[i])) {
    throw new InputError(
      `${name}: two passes over the dataset give different elements (a .shuffle(), or a single-pass source such as tf.data.func that goes on where the last pass stopped): ` +
        'autobatch shuffles with its own seed and holds out the same elements every pass; export the elements in a fixed order, ' +
        'with tf.data.generator(() => a new iterator) or createDataset(tf)',
    );
  }
  return first;
}

async function leadingHashes(tf: TF, dataset: UserDataset, name: string): Promise<{ hashes: string[]; shape: { x: number[]; y: number[] } }> {
  const hashes: string[] = [];
  let shape = { x: [] as number[], y: [] as number[] };
  for await (const element of onePass(tf, dataset, name)) {
    if (hashes.length === 0) shape = { x: element.x.shape, y: element.y.shape };
    hashes.push(hashElement(element));
    tf.dispose([element.x, element.y]);
    if (hashes.length >= COMPARED) break;
  }
  return { hashes, shape };
}
