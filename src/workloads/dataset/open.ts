import type { TF } from '../../platform/tf';
import { InputError, describeError } from '../../util/errors';
import type { StreamSurvey, WorkloadSettings } from '../workload';
import { checkPasses, isUserDataset, onePass, type UserDataset } from './elements';
import { DatasetSource } from './source';

/** What a workload module exports for streamed data (see README: a module with a dataset). */
export interface DatasetExports {
  /** An unbatched `tf.data` Dataset of `{ xs, ys }`, iterated once per pass. */
  dataset?: unknown;
  /** Called in every process that trains: returns such a dataset (or a promise of one). */
  createDataset?: (tf: TF) => unknown;
  /** Validation elements: a dataset, or a function of `tf` returning one. @default a seeded share held out */
  validation?: unknown;
  /** Elements in one pass over `dataset`. @default its `size` when finite, else counted once */
  size?: unknown;
}

/** True when a module gives its data as a dataset. */
export function hasDataset(exports: DatasetExports): boolean {
  return exports.dataset !== undefined || typeof exports.createDataset === 'function';
}

/**
 * Opens a module's dataset in this process, checked (see `checkPasses`): its size from
 * `sizes` (what the tuner counted), the module's `size`, or the dataset's own, else
 * counted here in one pass, and said.
 * @throws InputError, one line, for a dataset autobatch cannot read as it must.
 */
export async function openModuleDataset(tf: TF, exports: DatasetExports, file: string, settings: WorkloadSettings, sizes?: StreamSurvey['datasetSizes']): Promise<DatasetSource> {
  const notes: string[] = [];
  const dataset = await datasetOf(tf, exports.createDataset ?? exports.dataset, file, exports.createDataset ? 'createDataset(tf)' : 'dataset');
  const { hashes, shape } = await checkPasses(tf, dataset, file);
  const size = sizes?.elements ?? givenSize(exports.size, file) ?? finite(dataset.size) ?? (await countElements(tf, dataset, file, notes));
  let validation: { dataset: UserDataset; size: number } | undefined;
  if (exports.validation !== undefined) {
    const given = await datasetOf(tf, exports.validation, file, 'validation');
    validation = { dataset: given, size: sizes?.validation ?? finite(given.size) ?? (await countElements(tf, given, `${file} (validation)`, notes)) };
  }
  return new DatasetSource(tf, { name: file, dataset, size, validation, validationSplit: settings.validationSplit, seed: settings.seed, hashes, sampleShape: shape, notes });
}

async function datasetOf(tf: TF, value: unknown, file: string, what: string): Promise<UserDataset> {
  let dataset = value;
  if (typeof value === 'function') {
    try {
      dataset = await (value as (tf: TF) => unknown)(tf);
    } catch (err) {
      throw new InputError(`${file}: ${what} threw: ${describeError(err)}`, { cause: err });
    }
  }
  if (!isUserDataset(dataset)) {
    throw new InputError(`${file}: ${what} is not a tf.data Dataset (${dataset === null ? 'null' : typeof dataset}); export an unbatched dataset of { xs, ys }, e.g. tf.data.generator(…)`);
  }
  return dataset;
}

function finite(size: number | null | undefined): number | undefined {
  return typeof size === 'number' && Number.isFinite(size) && size >= 0 ? size : undefined;
}

function givenSize(value: unknown, file: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw new InputError(`${file}: size must be a whole number of elements, got ${JSON.stringify(value)}`);
  return value;
}

/** Counts the elements of one pass, reading them all (a streamed dataset says its size nowhere else). */
async function countElements(tf: TF, dataset: UserDataset, name: string, notes: string[]): Promise<number> {
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
