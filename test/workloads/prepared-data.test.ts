import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadTf } from '../../src/platform/tf';
import { InputError } from '../../src/util/errors';
import { readPreparedData, writePreparedData, type PreparedDataRef } from '../../src/workloads/prepared-data';
import { tempDir } from '../helpers/files';

const tf = loadTf();
const files = tempDir('prepared');

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const values = async (t: { data(): Promise<unknown> }) => Array.from((await t.data()) as Float32Array);

/** A split of seeded numbers: 5 × 3 features, 5 × 2 targets; validation 2 rows. */
function split(withValidation: boolean) {
  const x = tf.tensor2d(Array.from({ length: 15 }, (_, i) => Math.sin(i)), [5, 3]);
  const y = tf.tensor2d(Array.from({ length: 10 }, (_, i) => i % 2), [5, 2]);
  const train = { x, y };
  if (!withValidation) return { train };
  return { train, validation: { x: tf.tensor2d([1.5, -2, 3e-8, 0, 7, 8], [2, 3]), y: tf.tensor2d([0, 1, 1, 0], [2, 2]) } };
}

/** A copy of a written file with one byte changed at `offset` (negative: from the end). */
function tamper(ref: PreparedDataRef, edit: (bytes: Buffer) => Buffer): PreparedDataRef {
  const file = path.join(files.dir(), `tampered-${Math.random().toString(36).slice(2)}.bin`);
  fs.writeFileSync(file, edit(fs.readFileSync(ref.file)));
  return { file, sha256: ref.sha256 };
}

describe('prepared data files', () => {
  test.each([
    ['with validation data', true],
    ['without (each process holds out the same share)', false],
  ])('the numbers, shapes and meta read back exactly, %s', async (_name, withValidation) => {
    const data = split(withValidation);
    const meta = { trainSamples: 5 };
    const { ref, data: own } = await writePreparedData(data, meta, files.dir());
    expect(ref.sha256).toMatch(/^[0-9a-f]{64}$/);
    // Written whole or not at all: no temporary file is left beside it.
    expect(fs.readdirSync(files.dir()).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const before = tf.memory().numTensors;
    for (const read of [readPreparedData(ref), own]) {
      expect(read.meta).toEqual(meta);
      const back = read.toSplit(tf);
      expect(back.train.x.shape).toEqual([5, 3]);
      expect(await values(back.train.x)).toEqual(await values(data.train.x));
      expect(await values(back.train.y)).toEqual(await values(data.train.y));
      expect(back.validation === undefined).toBe(!withValidation);
      if (data.validation && back.validation) {
        expect(back.validation.x.shape).toEqual([2, 3]);
        expect(await values(back.validation.x)).toEqual(await values(data.validation.x));
        expect(await values(back.validation.y)).toEqual(await values(data.validation.y));
      }
      tf.dispose([back.train.x, back.train.y, ...(back.validation ? [back.validation.x, back.validation.y] : [])]);
    }
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([data.train.x, data.train.y, ...(data.validation ? [data.validation.x, data.validation.y] : [])]);
  });

  test.each([
    ['with one value changed', (b: Buffer) => Buffer.from(b.map((v, i) => (i === b.length - 3 ? v ^ 1 : v))), /its sha256 is [0-9a-f]{12}…, not the [0-9a-f]{12}… it was written with/],
    ['cut short', (b: Buffer) => b.subarray(0, b.length - 8), /shorter than its header says/],
    ['grown by 4 bytes', (b: Buffer) => Buffer.concat([b, Buffer.alloc(4)]), /holds \d+ bytes where its header says \d+/],
    ['that is no prepared data file at all', () => Buffer.from('x,y\n1,2\n'), /not a prepared data file|shorter than its header/],
  ])('a file %s after it was written is refused with one line', async (_name, edit, why) => {
    const data = split(true);
    const { ref } = await writePreparedData(data, {}, files.dir());
    tf.dispose([data.train.x, data.train.y, data.validation!.x, data.validation!.y]);
    const changed = tamper(ref, edit);
    let error: unknown;
    try {
      readPreparedData(changed);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(InputError);
    const message = (error as Error).message;
    expect(message).toMatch(why);
    expect(message).toContain(`prepared data ${changed.file} changed after the tuner wrote it`);
    expect(message).not.toContain('\n');
    // The untouched file still reads.
    expect(() => readPreparedData(ref)).not.toThrow();
  });

  test('a missing file is refused with one line that names it', () => {
    const file = path.join(files.dir(), 'gone.bin');
    expect(() => readPreparedData({ file, sha256: '0'.repeat(64) })).toThrow(new InputError(`prepared data ${file}: cannot be read (ENOENT); was the tuner's temporary folder removed?`));
  });

  test('int32 values keep their type; other dtypes are refused before anything is written', async () => {
    const x = tf.tensor2d([1, 2, 3, 4], [2, 2], 'int32');
    const y = tf.tensor2d([0, 1], [2, 1]);
    const { ref } = await writePreparedData({ train: { x, y } }, {}, files.dir());
    const back = readPreparedData(ref).toSplit(tf);
    expect(back.train.x.dtype).toBe('int32');
    expect(Array.from(await back.train.x.data())).toEqual([1, 2, 3, 4]);
    const flags = tf.tensor2d([true, false, true, true], [2, 2], 'bool');
    const count = fs.readdirSync(files.dir()).length;
    await expect(writePreparedData({ train: { x: flags, y } }, {}, files.dir())).rejects.toThrow(/train.x is bool: only float32 and int32/);
    expect(fs.readdirSync(files.dir()).length).toBe(count);
    tf.dispose([x, y, flags, back.train.x, back.train.y]);
  });
});
