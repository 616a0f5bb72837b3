import * as fs from 'node:fs';
import * as path from 'node:path';
import sharp from 'sharp';
import { createRandom } from '../../src/util/random';

/** The classes `writeShapeImages` draws: a filled square, a ring, a horizontal bar. */
export const SHAPES = ['bar', 'ring', 'square'] as const;

/**
 * A folder of class sub-folders of PNGs the test owns: `perClass` images of each shape in
 * `SHAPES`, `size` pixels square, drawn at a seeded position and shade on a noisy
 * background, colour (`channels: 3`) or greyscale. `corrupt` files per class are not
 * images: a truncated PNG and a text file with a .png name.
 */
export async function writeShapeImages(dir: string, options: { perClass: number; size?: number; channels?: 1 | 3; corrupt?: number; seed?: number }): Promise<string[]> {
  const size = options.size ?? 16;
  const channels = options.channels ?? 3;
  const random = createRandom(options.seed ?? 1);
  const corrupt: string[] = [];
  for (const shape of SHAPES) {
    fs.mkdirSync(path.join(dir, shape), { recursive: true });
    for (let i = 0; i < options.perClass; i++) {
      const pixels = drawShape(shape, size, channels, random);
      const image = sharp(pixels, { raw: { width: size, height: size, channels } });
      // Without it sharp writes one channel of raw pixels as an RGB PNG.
      await (channels === 1 ? image.toColourspace('b-w') : image).png().toFile(path.join(dir, shape, `${String(i).padStart(4, '0')}.png`));
    }
    for (let i = 0; i < (options.corrupt ?? 0); i++) {
      const file = path.join(dir, shape, `broken-${i}.png`);
      if (i % 2 === 0) {
        const good = await sharp(drawShape(shape, size, channels, random), { raw: { width: size, height: size, channels } }).png().toBuffer();
        fs.writeFileSync(file, good.subarray(0, Math.floor(good.length / 2)));
      } else fs.writeFileSync(file, 'not an image');
      corrupt.push(`${shape}/broken-${i}.png`);
    }
  }
  return corrupt;
}

function drawShape(shape: (typeof SHAPES)[number], size: number, channels: 1 | 3, random: () => number): Buffer {
  const out = Buffer.alloc(size * size * channels);
  const cx = size * (0.35 + 0.3 * random());
  const cy = size * (0.35 + 0.3 * random());
  const r = size * (0.2 + 0.1 * random());
  const shade = 160 + Math.floor(95 * random());
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const d = Math.hypot(x - cx, y - cy);
      const inside =
        shape === 'square' ? Math.abs(x - cx) < r && Math.abs(y - cy) < r : shape === 'ring' ? d < r && d > r * 0.55 : Math.abs(y - cy) < r * 0.35 && Math.abs(x - cx) < r * 1.4;
      const value = inside ? shade : Math.floor(40 * random());
      for (let c = 0; c < channels; c++) out[(y * size + x) * channels + c] = channels === 3 && c === 1 && inside ? value >> 1 : value;
    }
  }
  return out;
}
