import type * as tfTypes from '@tensorflow/tfjs';
import { loadTf, type TF } from '../../platform/tf';
import { InputError, UsageError } from '../../util/errors';
import { createRandom, shuffledIndices } from '../../util/random';
import { listImageFolder, splitAsPrepared } from './list';
import type { ImagePreparation } from './preparation';
import { ImageFolderSource } from './source';

export interface ImageFolderDatasetOptions {
  /** Images a batch (the last batch of a pass may be smaller, as Keras's is). */
  batchSize: number;
  /**
   * Which part of the folder: the training files or the validation files of the
   * preparation's split.
   * @default 'training'
   */
  subset?: 'training' | 'validation';
  /**
   * Shuffle the files again every pass (a seeded order, `seed` plus the pass).
   * @default true for 'training', false for 'validation'
   */
  shuffle?: boolean;
  /** @default the preparation's seed */
  seed?: number;
  /**
   * The TensorFlow.js the batches' tensors are made with, when it is not the copy autobatch
   * resolves (e.g. `require('@tensorflow/tfjs-node')`).
   * @default autobatch's own (`import { tf } from 'autobatch'`)
   */
  tf?: TF;
}

/**
 * A folder of images as a `tf.data` Dataset of `{ xs, ys }` batches for `model.fitDataset`,
 * read exactly as the tuner read it: the same classes, size, channels, scaling and split
 * (recorded in `result.imagePreparation`), decoded a batch at a time with the next batch
 * decoded while one trains. Files the tuner could not decode are left out. A folder with
 * other files (added since) is split by the same rule; one with other classes is refused.
 *
 *     await model.fitDataset(imageFolderDataset('photos', result.imagePreparation, { batchSize }),
 *       { epochs, callbacks: [learningRateSchedule(result)] })
 *
 * @throws InputError when the folder's classes are not the preparation's.
 */
export function imageFolderDataset(dir: string, preparation: ImagePreparation, options: ImageFolderDatasetOptions): tfTypes.data.Dataset<{ xs: tfTypes.Tensor; ys: tfTypes.Tensor }> {
  if (!Number.isInteger(options.batchSize) || options.batchSize < 1) {
    throw new UsageError(`imageFolderDataset: batchSize must be a whole number of at least 1, got ${JSON.stringify(options.batchSize)}`, { option: 'batchSize' });
  }
  const tf = options.tf ?? loadTf();
  const listing = listImageFolder(dir);
  if (listing.classes.join('\0') !== preparation.classes.join('\0')) {
    throw new InputError(`${dir}: its classes (${listing.classes.join(', ')}) are not the tuned folder's (${preparation.classes.join(', ')})`);
  }
  const parts = splitAsPrepared(listing.files, preparation, dir);
  const subset = options.subset ?? 'training';
  const files = subset === 'training' ? parts.train : parts.validation;
  const shuffle = options.shuffle ?? subset === 'training';
  const source = new ImageFolderSource(tf, { dir, preparation, train: parts.train, validation: parts.validation });
  const seed = options.seed ?? preparation.seed;
  let pass = 0;
  const dataset = tf.data.generator(async function* () {
    const order = shuffle ? shuffledIndices(files.length, createRandom(seed + pass++)).map((i) => files[i]) : files;
    for await (const batch of source.chunks(order, options.batchSize)) yield { xs: batch.x, ys: batch.y };
  });
  return dataset as unknown as tfTypes.data.Dataset<{ xs: tfTypes.Tensor; ys: tfTypes.Tensor }>;
}
