import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import sharp from 'sharp';
import { Value } from '@sinclair/typebox/value';
import { DocumentSchema } from '../../src/document';
import { blobsCsv, tempDir } from '../helpers/files';
import { testBackendFlag } from '../helpers/backend';

/** A folder of images through the built command, as a user runs it. */
const BIN = path.join(__dirname, '..', '..', 'bin', 'autobatch.js');
const run = (args: string[]) => spawnSync(process.execPath, [BIN, 'probe', ...args], { encoding: 'utf8', timeout: 180_000 });
const FAST = ['--min-trial-time', '0.05', '--min-steps', '2', ...testBackendFlag('wasm')];
const files = tempDir('cli-images');
const PER_DIGIT = 30;
const digits = () => path.join(files.dir(), 'digits');

/** The `mnist` package's real digits written as PNG files, 30 of each in folders 0…9, and one file that is not an image. */
beforeAll(async () => {
  for (let digit = 0; digit < 10; digit++) {
    const raw = (require(`mnist/src/digits/${digit}.json`) as { data: number[] }).data;
    fs.mkdirSync(path.join(digits(), String(digit)), { recursive: true });
    for (let i = 0; i < PER_DIGIT; i++) {
      const pixels = Buffer.from(raw.slice(i * 784, (i + 1) * 784).map((v) => Math.round(v * 255)));
      await sharp(pixels, { raw: { width: 28, height: 28, channels: 1 } }).toColourspace('b-w').png().toFile(path.join(digits(), String(digit), `${i}.png`));
    }
  }
  fs.writeFileSync(path.join(digits(), '7', 'scan.png'), 'a text file named as an image');
}, 60_000);

describe('autobatch probe --data DIR (a folder of class sub-folders of images)', () => {
  test('MNIST digits as PNG files: the default CNN tuned, the preparation recorded, a recommendation for fitDataset', () => {
    const out = path.join(files.dir(), 'digits.json');
    const r = run(['--data', digits(), '--image-size', '28x28', '--time-budget', '45', '--epochs', '3', '--out', out, ...FAST]);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    // 3: the budget ran out before the search finished, on a busy machine; the result is still written.
    expect([0, 3]).toContain(r.status);
    const doc = JSON.parse(fs.readFileSync(out, 'utf8'));
    expect(Value.Check(DocumentSchema, doc)).toBe(true);
    expect(doc.workload).toMatchObject({ source: 'data', dataSource: 'image-folder', trainSamples: 240, valSamples: 60, loss: 'sparseCategoricalCrossentropy' });
    expect(doc.imagePreparation).toMatchObject({ classes: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'], width: 28, height: 28, channels: 1, files: { train: 240, validation: 60 } });
    expect(doc.imagePreparation.files.skipped).toEqual([{ file: '7/scan.png', reason: expect.any(String) }]);
    expect(doc.notes.join('\n')).toMatch(/1 file did not decode and was left out: 7\/scan\.png/);
    expect(doc.probe.trials.filter((t: { status: string }) => t.status === 'ok').every((t: { inputMs?: number; pipelineBytes?: number }) => t.inputMs! >= 0 && t.pipelineBytes! >= 0)).toBe(true);
    expect(doc.recommendation.batchSize).toBeLessThanOrEqual(240);
    expect(r.stdout).toMatch(/in TensorFlow\.js: await model\.fitDataset\(imageFolderDataset\(.*digits", result\.imagePreparation, \{ batchSize: \d+ \}\), \{ epochs: 3, callbacks: \[learningRateSchedule\(result\)\] \}\);/);
  }, 180_000);

  test.each([
    ['a folder of one class', (dir: string) => fs.mkdirSync(path.join(dir, 'cats'), { recursive: true }), [], /needs one sub-folder per class, at least two; it has only cats/],
    ['a folder with no decodable image', (dir: string) => ['a', 'b'].forEach((c) => (fs.mkdirSync(path.join(dir, c), { recursive: true }), fs.writeFileSync(path.join(dir, c, 'x.png'), 'no'))), [], /none of its 2 image files decodes/],
    ['a bad --image-size', null, ['--image-size', '0x28'], /--image-size|imageSize.*is not WIDTHxHEIGHT/],
  ])('%s: one line, exit 2', (name, make, extra, message) => {
    const dir = make ? path.join(files.dir(), name.replace(/\W+/g, '-')) : digits();
    if (make) make(dir);
    const r = run(['--data', dir, ...extra, '--time-budget', '10', ...FAST]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  test('--image-size with a data file: one line, exit 2', () => {
    const csv = files.write('blobs.csv', blobsCsv(100));
    const r = run(['--data', csv, '--image-size', '32x32', '--time-budget', '10', ...FAST]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/needs --data DIR, a folder of class sub-folders of images/);
  });
});
