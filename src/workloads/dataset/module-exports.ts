/**
 * What a workload module exports for streamed data, and reading those exports: a dataset
 * (or a function giving one), its size, its validation set. Shared by both forms of a
 * module's dataset: unbatched elements (`open.ts`) and the batched factory (`open-batched.ts`).
 */
import type { TF } from '../../platform/tf';
import { InputError, describeError } from '../../util/errors';
import { isUserDataset, onePass, type UserDataset } from './elements';

/** What `createDataset` is given in the batched form (see `DatasetExports.batched`). */
export interface BatchedDatasetOptions {
  /** Samples a batch: every batch of a pass has this many, the last may have fewer. */
  batchSize: number;
  /** The run's data-order seed: seed the pipeline's shuffle and augmentation with it, so runs repeat and data orders differ. */
  seed: number;
}

/** What a workload module exports for streamed data (see docs/images-and-datasets.md). */
export interface DatasetExports {
  /** An unbatched `tf.data` Dataset of `{ xs, ys }`, iterated once per pass. */
  dataset?: unknown;
  /**
   * Called in every process that trains: returns a dataset (or a promise of one) of
   * unbatched elements, or with `batched = true`, of batches of `options.batchSize`.
   */
  createDataset?: (tf: TF, options?: BatchedDatasetOptions) => unknown;
  /**
   * True when `createDataset(tf, { batchSize, seed })` gives batches of that size (a
   * pipeline with batch-level steps: mixup, padding to the longest in the batch); autobatch
   * calls it at every size it trains. Said, never guessed from the function.
   * @default false: the dataset's elements are single samples, batched by autobatch
   */
  batched?: unknown;
  /** Validation elements, unbatched: a dataset, or a function of `tf` returning one. @default a seeded share held out (unbatched form only) */
  validation?: unknown;
  /** Elements in one pass over `dataset`. @default its `size` when finite, else counted once */
  size?: unknown;
}

/** What a module that gives no dataset is told to export instead, for each form. */
const DATASET_HINTS = {
  elements: 'export an unbatched dataset of { xs, ys }, e.g. tf.data.generator(…)',
  batched: 'return a dataset of { xs, ys } batches of options.batchSize, e.g. tf.data.generator(…).batch(options.batchSize)',
} as const;

/**
 * The dataset `value` is, or gives when it is a function (called with `tf`).
 * @throws InputError naming `what` when it throws or gives no dataset.
 */
export async function datasetOf(tf: TF, value: unknown, file: string, what: string, form: keyof typeof DATASET_HINTS = 'elements'): Promise<UserDataset> {
  let dataset = value;
  if (typeof value === 'function') {
    try {
      dataset = await (value as (tf: TF) => unknown)(tf);
    } catch (err) {
      throw new InputError(`${file}: ${what} threw: ${describeError(err)}`, { cause: err });
    }
  }
  if (!isUserDataset(dataset)) {
    throw new InputError(`${file}: ${what} is not a tf.data Dataset (${dataset === null ? 'null' : typeof dataset}); ${DATASET_HINTS[form]}`);
  }
  return dataset;
}

/** A dataset's own size where it knows one. */
export function finite(size: number | null | undefined): number | undefined {
  return typeof size === 'number' && Number.isFinite(size) && size >= 0 ? size : undefined;
}

/** The module's `size` export, checked. */
export function givenSize(value: unknown, file: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw new InputError(`${file}: size must be a whole number of elements, got ${JSON.stringify(value)}`);
  return value;
}

/** Counts the elements of one pass, reading them all (a streamed dataset says its size nowhere else). */
export async function countElements(tf: TF, dataset: UserDataset, name: string, notes: string[]): Promise<number> {
  const started = performance.now();
  let count = 0;
  for await (const element of onePass(tf, dataset, name)) {
    tf.dispose([element.x, element.y]);
    count++;
  }
  const seconds = (performance.now() - started) / 1000;
  notes.push(`${name}: the dataset's ${count} elements were counted in one pass over it (${seconds.toFixed(1)} s); export size = ${count} to skip it`);
  return count;
}
