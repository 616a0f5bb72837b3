/**
 * A folder of images split for the leaderboard, before any method runs: the folder's
 * files (as autobatch lists them: classes sorted, files sorted within each) split by the
 * same seeded draw as a table's rows (`splitRows`), the dev files linked into a dev folder
 * and the test files into a test folder, both with every class sub-folder. autobatch, the
 * grid and the peers choose on the dev folder alone; the test folder is decoded through
 * the dev run's recorded image preparation (the same size, channels and scaling, with
 * autobatch's own decoder) and every pick is judged on it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TF } from '../src/platform/tf';
import { checkImage, decodeConcurrency, decodeInto, mapLimited } from '../src/workloads/image-folder/decode';
import { listImageFolder } from '../src/workloads/image-folder/list';
import type { ImagePreparation } from '../src/workloads/image-folder/preparation';
import type { Dataset } from '../src/workloads/workload';
import { splitRows } from './leaderboard-split';

/** One split of a folder: where its two parts are, and which files each has (relative to the folder). */
export interface ImageFolderSplit {
  devDir: string;
  testDir: string;
  devFiles: string[];
  testFiles: string[];
  /** Test files left out because they do not decode. */
  testDropped: string[];
}

/**
 * Splits `folder` by `testSeed` into `out/dev` and `out/test` (hard links where the file
 * system allows, else copies). Test files that do not decode are left out of the test
 * folder and named: they cannot be scored.
 * @throws RangeError when the folder has too few files for a test split.
 */
export async function splitImageFolder(folder: string, out: string, testSeed: number): Promise<ImageFolderSplit> {
  const listing = listImageFolder(folder);
  const { dev, test } = splitRows(listing.files.length, testSeed);
  const devDir = path.join(out, 'dev');
  const testDir = path.join(out, 'test');
  fs.rmSync(out, { recursive: true, force: true });
  for (const root of [devDir, testDir]) for (const c of listing.classes) fs.mkdirSync(path.join(root, c), { recursive: true });
  const devFiles = dev.map((i) => listing.files[i].file);
  const candidates = test.map((i) => listing.files[i].file);
  const decodes = await mapLimited(candidates, decodeConcurrency(), (f) => checkImage(path.join(folder, f)).then(() => true, () => false));
  const testFiles = candidates.filter((_, i) => decodes[i]);
  for (const f of devFiles) place(path.join(folder, f), path.join(devDir, f));
  for (const f of testFiles) place(path.join(folder, f), path.join(testDir, f));
  return { devDir, testDir, devFiles, testFiles, testDropped: candidates.filter((_, i) => !decodes[i]) };
}

function place(from: string, to: string): void {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  try {
    fs.linkSync(from, to);
  } catch {
    fs.copyFileSync(from, to);
  }
}

/**
 * Every image of a test folder as tensors, read through the dev run's image preparation:
 * decoded by autobatch's own decoder (`decodeInto`: the same resize, channels and [0, 1]
 * scaling its training batches get), labels the class indices of the preparation's
 * classes, shape [1] a sample (the default CNN's sparse loss).
 * @throws Error when the test folder's classes are not the dev folder's.
 */
export async function loadImageTestSet(tf: TF, dir: string, preparation: ImagePreparation): Promise<Dataset> {
  const listing = listImageFolder(dir);
  if (listing.classes.join('\0') !== preparation.classes.join('\0')) {
    throw new Error(`${dir}: its classes (${listing.classes.join(', ')}) are not the dev folder's (${preparation.classes.join(', ')})`);
  }
  const { width, height, channels } = preparation;
  const size = width * height * channels;
  const pixels = new Float32Array(listing.files.length * size);
  const labels = new Float32Array(listing.files.length);
  await mapLimited(listing.files, decodeConcurrency(), async (f, i) => {
    labels[i] = f.label;
    await decodeInto(path.join(dir, f.file), preparation, pixels, i * size);
  });
  return { x: tf.tensor4d(pixels, [listing.files.length, height, width, channels]), y: tf.tensor2d(labels, [listing.files.length, 1]) };
}
