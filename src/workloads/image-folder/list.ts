import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InputError } from '../../util/errors';
import { createRandom, shuffledIndices } from '../../util/random';
import { IMAGE_EXTENSIONS, type ImagePreparation } from './preparation';

/** One image file of a class folder. */
export interface ImageFile {
  /** Relative to the folder, with `/` separators: `cats/001.png`. */
  file: string;
  label: number;
  bytes: number;
}

export interface ImageListing {
  classes: string[];
  /** Sorted by class, then by name. */
  files: ImageFile[];
  /** sha256 of the relative paths and sizes: the folder's identity without reading every file. */
  sha256: string;
}

/** True when `dir` is a folder (`--data DIR`), false for a file; a path that does not exist is neither. */
export function isFolder(dir: string): boolean {
  try {
    return fs.statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Lists a folder of class sub-folders as Keras's `image_dataset_from_directory` does: the
 * classes are the sub-folders' names in sorted order (hidden ones left out), and each
 * class's images are the files with an image extension anywhere below its folder, in
 * sorted order. Files directly in `dir` belong to no class and are not read.
 * @throws InputError for a folder with fewer than two classes or no image at all.
 */
export function listImageFolder(dir: string): ImageListing {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    throw new InputError(`${dir}: cannot read the folder (${(err as NodeJS.ErrnoException).code})`, { cause: err });
  }
  const classes = entries
    .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort(compareNames);
  if (classes.length < 2) {
    throw new InputError(`${dir}: a folder of images needs one sub-folder per class, at least two; it has ${classes.length === 0 ? 'none' : `only ${classes[0]}`}`);
  }
  const files: ImageFile[] = [];
  classes.forEach((name, label) => {
    for (const file of imagesBelow(path.join(dir, name))) files.push({ file: `${name}/${file.relative}`, label, bytes: file.bytes });
  });
  if (files.length === 0) {
    throw new InputError(`${dir}: no image files in its ${classes.length} class folders (${IMAGE_EXTENSIONS.join(', ')})`);
  }
  const hash = createHash('sha256');
  for (const f of files) hash.update(`${f.file}\0${f.bytes}\n`);
  return { classes, files, sha256: hash.digest('hex') };
}

/** Image files below `dir`, depth first, each folder's entries in sorted order. */
function imagesBelow(dir: string, prefix = ''): { relative: string; bytes: number }[] {
  const out: { relative: string; bytes: number }[] = [];
  const entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => compareNames(a.name, b.name));
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...imagesBelow(full, relative));
    else if ((IMAGE_EXTENSIONS as readonly string[]).includes(path.extname(entry.name).toLowerCase())) {
      out.push({ relative, bytes: fs.statSync(full).size });
    }
  }
  return out;
}

/** Code-point order, as Python's `sorted` orders Keras's class names: the same labels in both. */
function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The seeded split of a file list, as `holdOut` splits tensors: a shuffle by `seed`, the
 * first `round(n × share)` files for validation, the rest for training, both in the
 * shuffled order (so the training part's first files, the train loss's sample, are not
 * all of one class). The same list, share and seed always give the same parts.
 * @throws InputError when a part would be empty.
 */
export function splitFiles<T>(files: readonly T[], share: number, seed: number, dir: string): { train: T[]; validation: T[] } {
  const n = files.length;
  const valCount = Math.round(n * share);
  if (valCount < 1 || valCount >= n) {
    throw new InputError(`${dir}: ${n} images cannot be split ${Math.round(share * 100)} % for validation; change --val-split or add images`);
  }
  const order = shuffledIndices(n, createRandom(seed ^ 0x5eed));
  return { train: order.slice(valCount).map((i) => files[i]), validation: order.slice(0, valCount).map((i) => files[i]) };
}

/**
 * The training and validation files a tuned run read from `files` (a listing of its
 * folder): those it could not decode left out, then `splitFiles` with its share and seed.
 */
export function splitAsPrepared<T extends { file: string }>(files: readonly T[], preparation: Pick<ImagePreparation, 'files' | 'validationSplit' | 'seed'>, dir: string): { train: T[]; validation: T[] } {
  const skipped = new Set(preparation.files.skipped.map((s) => s.file));
  return splitFiles(files.filter((f) => !skipped.has(f.file)), preparation.validationSplit, preparation.seed, dir);
}
