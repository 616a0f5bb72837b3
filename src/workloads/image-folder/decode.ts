/**
 * Decoding one image file into the pixels the model reads, with sharp (libvips; its
 * prebuilt binary is an npm package). sharp is loaded on first use: a run without
 * images never loads it, and `--help` stays instant.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import type SharpType from 'sharp';
import { SetupError, describeError } from '../../util/errors';

/** What decoding needs of a preparation. */
export interface DecodeSettings {
  width: number;
  height: number;
  channels: 1 | 3;
}

let loaded: typeof SharpType | null = null;

function sharp(): typeof SharpType {
  if (loaded) return loaded;
  try {
    loaded = require('sharp') as typeof SharpType;
  } catch (err) {
    throw new SetupError(`images need sharp (libvips), which did not load: ${describeError(err).split('\n')[0]}; reinstall autobatch's dependencies (npm install)`, { cause: err });
  }
  // Its cache of decoded files helps a web server, not one pass over a folder: memory
  // must follow the batch, not the files read.
  loaded.cache(false);
  return loaded;
}

/**
 * The file's pixels resized to `width × height` (stretched, as Keras does without
 * `crop_to_aspect_ratio`; bilinear, Keras's default interpolation), in `channels`
 * (greyscale or RGB, alpha dropped), scaled to [0, 1], row-major HWC, written into `out`
 * at `offset`. Rejects for a file that does not decode.
 */
export async function decodeInto(file: string, settings: DecodeSettings, out: Float32Array, offset: number): Promise<void> {
  const raw = await decodeRaw(file, settings);
  for (let i = 0; i < raw.length; i++) out[offset + i] = raw[i] / 255;
}

/** The file's bytes of pixels as `decodeInto` reads them, before scaling; also how a file is checked. */
export async function decodeRaw(file: string, settings: DecodeSettings): Promise<Uint8Array> {
  let image = sharp()(file, { failOn: 'error' }).resize(settings.width, settings.height, { fit: 'fill', kernel: 'linear' });
  image = settings.channels === 1 ? image.greyscale() : image.toColourspace('srgb');
  const { data, info } = await image.removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const expected = settings.width * settings.height * settings.channels;
  if (info.channels !== settings.channels || data.length !== expected) {
    throw new Error(`decoded to ${info.width}×${info.height}×${info.channels}, not ${settings.width}×${settings.height}×${settings.channels}`);
  }
  return data;
}

/**
 * How many channels the file has, alpha aside: 1 for greyscale, 3 for colour, from its
 * header; and a full decode, so that a truncated file fails here rather than in training.
 * Read once into memory for both. (sharp's `stats()` would say both in one call, ten
 * times slower; a decoded image's own channels are sRGB's, whatever the file's.)
 */
export async function checkImage(file: string): Promise<1 | 3> {
  const bytes = await fs.promises.readFile(file);
  const { channels = 3, hasAlpha = false } = await sharp()(bytes).metadata();
  await sharp()(bytes, { failOn: 'error' }).raw().toBuffer();
  return channels - (hasAlpha ? 1 : 0) === 1 ? 1 : 3;
}

/** Files decoded at once: libuv's threads decode them; more in flight only queue. */
export function decodeConcurrency(): number {
  return Math.max(2, Math.min(16, 2 * os.availableParallelism()));
}

/** Runs `work` over `items`, at most `limit` at a time, in order of start; resolves with the results in order. */
export async function mapLimited<T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}
