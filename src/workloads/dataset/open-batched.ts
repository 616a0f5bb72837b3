import type { TF } from '../../platform/tf';
import { InputError } from '../../util/errors';
import type { StreamSurvey } from '../workload';
import { BatchedDatasetSource, checkedBatches, type BatchFactory } from './batched-source';
import { checkPasses, hashElement } from './elements';
import { countElements, datasetOf, finite, givenSize, type DatasetExports } from './module-exports';

/**
 * Sizes a batched factory is tried at before any training: two, so one that ignores the
 * size (a fixed `.batch(32)`) cannot pass by matching it.
 */
const CHECK_SIZES = [2, 3] as const;
/** The batch size a pass is counted at when the module gives no `size`. */
const COUNT_SIZE = 32;

/**
 * Opens a module's batched factory (`batched = true`, `createDataset(tf, { batchSize, seed })`)
 * in this process: its batches checked at two sizes before any training, its samples a
 * pass from `sizes` (the tuner's count), the module's `size`, or counted here once, and
 * its validation elements (required: unbatched, checked as an unbatched dataset is).
 * @throws InputError, one line, for a factory whose batches are another size, or a module without validation.
 */
export async function openBatchedDataset(tf: TF, exports: DatasetExports, file: string, sizes?: StreamSurvey['datasetSizes']): Promise<BatchedDatasetSource> {
  if (exports.validation === undefined) {
    throw new InputError(
      `${file}: a batched createDataset needs a validation export (unbatched { xs, ys } elements, a dataset or a function of tf giving one): ` +
        'autobatch cannot hold samples out of batches it does not make',
    );
  }
  const create = exports.createDataset!;
  const factory: BatchFactory = (batchSize, seed) => datasetOf(tf, (t: TF) => create(t, { batchSize, seed }), file, `createDataset(tf, { batchSize: ${batchSize} })`, 'batched');
  const notes: string[] = [];
  const first = await leadingBatch(tf, factory, CHECK_SIZES[0], file);
  await leadingBatch(tf, factory, CHECK_SIZES[1], file);
  // The same seed twice: a pipeline that ignores it cannot be identified by its batches.
  const seeded = (await leadingBatch(tf, factory, CHECK_SIZES[0], file)).hash === first.hash;
  if (!seeded) notes.push(`${file}: createDataset(tf, { batchSize, seed }) gives other batches for the same seed: runs cannot be repeated exactly; seed its shuffle and augmentation with options.seed`);
  const size = sizes?.elements ?? givenSize(exports.size, file) ?? (await countSamples(tf, factory, file, notes));
  const given = await datasetOf(tf, exports.validation, file, 'validation');
  const { hashes, shape } = await checkPasses(tf, given, `${file} (validation)`);
  if (shape.x.length !== first.shape.x.length) {
    const what = shape.x.length === first.shape.x.length + 1 ? 'batches' : 'of another rank';
    throw new InputError(`${file}: the validation elements are ${what} (xs [${shape.x.join(', ')}], a training sample [${first.shape.x.join(', ')}]): export them unbatched; autobatch batches them for evaluation`);
  }
  const validationSize = sizes?.validation ?? finite(given.size) ?? (await countElements(tf, given, `${file} (validation)`, notes));
  return new BatchedDatasetSource(tf, {
    name: file,
    factory,
    size,
    validation: { dataset: given, size: validationSize, shape },
    sampleShape: first.shape,
    hashes: [seeded ? first.hash : 'unseeded', ...hashes],
    notes,
  });
}

/** The first batch of a pass at `batchSize` (the second read too, so a short first batch followed by more is caught): its hash and one sample's shapes. */
async function leadingBatch(tf: TF, factory: BatchFactory, batchSize: number, file: string): Promise<{ hash: string; shape: { x: number[]; y: number[] } }> {
  let first: { hash: string; shape: { x: number[]; y: number[] } } | null = null;
  let read = 0;
  for await (const batch of checkedBatches(tf, await factory(batchSize, 0), batchSize, file)) {
    first ??= { hash: hashElement(batch), shape: { x: batch.x.shape.slice(1), y: batch.y.shape.slice(1) } };
    tf.dispose([batch.x, batch.y]);
    if (++read === 2) break;
  }
  return first!;
}

/** The samples of one pass at `COUNT_SIZE`, every batch checked; said, with how to skip it. */
async function countSamples(tf: TF, factory: BatchFactory, file: string, notes: string[]): Promise<number> {
  const started = performance.now();
  let count = 0;
  for await (const batch of checkedBatches(tf, await factory(COUNT_SIZE, 0), COUNT_SIZE, file)) {
    count += batch.x.shape[0];
    tf.dispose([batch.x, batch.y]);
  }
  const seconds = (performance.now() - started) / 1000;
  notes.push(`${file}: createDataset's ${count} samples were counted in one pass at batch size ${COUNT_SIZE} (${seconds.toFixed(1)} s); export size = ${count} to skip it`);
  return count;
}
