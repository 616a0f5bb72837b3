import * as path from 'node:path';
import { InputError, describeError } from '../../util/errors';
import type { ReadProgress } from '../table/read';
import { checkImage, decodeConcurrency, mapLimited } from './decode';
import { listImageFolder, splitFiles, type ImageFile } from './list';
import type { ImagePreparation } from './preparation';
import type { ImageFolderData } from './source';

export interface ImageFolderOptions {
  width: number;
  height: number;
  validationSplit: number;
  seed: number;
  /**
   * The preparation the tuner made of this folder: a trial process or a worker takes its
   * skipped files and channels instead of decoding every file again, after checking that
   * the folder lists the same files.
   */
  given?: ImagePreparation;
  onProgress?: (progress: ReadProgress) => void;
}

/**
 * Reads a folder of class sub-folders of images for training: lists it (see
 * `listImageFolder`), decodes every file once (a file that does not decode is left out,
 * counted and named; the channels are 1 when every image is greyscale, else 3), and
 * splits the rest by a seeded shuffle. Pixels are decoded again a batch at a time in
 * training, never all held.
 * @throws InputError for a folder without two classes, without a decodable image, or
 *   that changed since the tuner read it.
 */
export async function readImageFolder(dir: string, options: ImageFolderOptions): Promise<ImageFolderData> {
  const listing = listImageFolder(dir);
  const { given } = options;
  if (given && given.listingSha256 !== listing.sha256) {
    throw new InputError(`${dir}: the folder's files changed since the tuner read it (names or sizes); refused: run the tuner again`);
  }
  const checked = given
    ? { skipped: given.files.skipped, channels: given.channels }
    : await checkFiles(dir, listing.files, options);
  const skippedFiles = new Set(checked.skipped.map((s) => s.file));
  const good = listing.files.filter((f) => !skippedFiles.has(f.file));
  if (good.length === 0) throw new InputError(`${dir}: none of its ${listing.files.length} image files decodes (${checked.skipped[0]?.reason ?? 'unknown'})`);
  const { train, validation } = splitFiles(good, options.validationSplit, options.seed, dir);
  const preparation: ImagePreparation = {
    folder: dir,
    classes: listing.classes,
    width: options.width,
    height: options.height,
    channels: checked.channels,
    scaling: 'divide-255',
    labels: 'int',
    validationSplit: options.validationSplit,
    seed: options.seed,
    files: { train: train.length, validation: validation.length, skipped: checked.skipped },
    listingSha256: listing.sha256,
  };
  return { dir, preparation, train, validation };
}

/** Decodes every file once, a few at a time: which do not decode, and whether any has colour. */
async function checkFiles(dir: string, files: readonly ImageFile[], options: ImageFolderOptions): Promise<{ skipped: ImagePreparation['files']['skipped']; channels: 1 | 3 }> {
  const totalBytes = files.reduce((sum, f) => sum + f.bytes, 0);
  let bytes = 0;
  let done = 0;
  let lastReport = 0;
  const results = await mapLimited(files, decodeConcurrency(), async (f) => {
    try {
      return await checkImage(path.join(dir, f.file));
    } catch (err) {
      const message = describeError(err).split('\n')[0];
      // libvips says no more than this of a truncated or damaged file.
      return { reason: message === 'Unknown error' ? 'truncated or damaged: does not decode' : message };
    } finally {
      bytes += f.bytes;
      done++;
      if (options.onProgress && (done === files.length || Date.now() - lastReport > 250)) {
        lastReport = Date.now();
        options.onProgress({ file: dir, bytes, totalBytes, rows: done });
      }
    }
  });
  const skipped = files.flatMap((f, i) => (typeof results[i] === 'object' ? [{ file: f.file, reason: (results[i] as { reason: string }).reason }] : []));
  const channels = results.some((r) => r === 3) ? 3 : 1;
  return { skipped, channels };
}
