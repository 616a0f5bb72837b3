import type { TF } from '../../platform/tf';
import { InputError } from '../../util/errors';
import type { StreamSurvey, WorkloadSettings } from '../workload';
import type { BatchedDatasetSource } from './batched-source';
import { checkPasses, type UserDataset } from './elements';
import { countElements, datasetOf, finite, givenSize, type DatasetExports } from './module-exports';
import { openBatchedDataset } from './open-batched';
import { DatasetSource } from './source';

export type { DatasetExports } from './module-exports';

/** True when a module gives its data as a dataset. */
export function hasDataset(exports: DatasetExports): boolean {
  return exports.dataset !== undefined || typeof exports.createDataset === 'function' || exports.batched !== undefined;
}

/**
 * Which form a module's dataset has, as its `batched` export says: `batched = true` for a
 * factory of batches, else unbatched elements. Never guessed from the function's
 * parameters (a default or a rest parameter hides them), but a `createDataset` declared
 * with a second parameter and no `batched` is refused: it could be either.
 * @throws InputError, one line, for an export that does not say which form it is.
 */
export function datasetForm(exports: DatasetExports, file: string): 'elements' | 'batched' {
  const { batched, createDataset } = exports;
  if (batched !== undefined && typeof batched !== 'boolean') throw new InputError(`${file}: batched must be true or false, got ${JSON.stringify(batched)}`);
  if (batched === true) {
    if (typeof createDataset !== 'function') {
      throw new InputError(`${file}: batched = true needs createDataset(tf, { batchSize }), a function autobatch calls at every batch size it trains${exports.dataset !== undefined ? ' (a dataset export cannot be asked for a size)' : ''}`);
    }
    if (exports.dataset !== undefined) throw new InputError(`${file}: exports both dataset and a batched createDataset: export one of them`);
    return 'batched';
  }
  if (batched === undefined && typeof createDataset === 'function' && createDataset.length >= 2) {
    throw new InputError(
      `${file}: createDataset takes a second parameter, but the module does not say which form it gives: ` +
        'export batched = true if it gives batches of options.batchSize, or batched = false if it gives unbatched elements',
    );
  }
  return 'elements';
}

/**
 * Opens a module's dataset in this process, checked (see `checkPasses`, and for a batched
 * factory `openBatchedDataset`): its size from `sizes` (what the tuner counted), the
 * module's `size`, or the dataset's own, else counted here in one pass, and said.
 * @throws InputError, one line, for a dataset autobatch cannot read as it must.
 */
export async function openModuleDataset(tf: TF, exports: DatasetExports, file: string, settings: WorkloadSettings, sizes?: StreamSurvey['datasetSizes']): Promise<DatasetSource | BatchedDatasetSource> {
  if (datasetForm(exports, file) === 'batched') return openBatchedDataset(tf, exports, file, sizes);
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
