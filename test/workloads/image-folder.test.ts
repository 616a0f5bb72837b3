import type * as tfTypes from '@tensorflow/tfjs';
import * as fs from 'node:fs';
import * as path from 'node:path';
import sharp from 'sharp';
import { loadTf } from '../../src/platform/tf';
import { InputError } from '../../src/util/errors';
import { imageFolderDataset } from '../../src/workloads/image-folder/fit-dataset';
import { listImageFolder, splitFiles } from '../../src/workloads/image-folder/list';
import { parseImageSize } from '../../src/workloads/image-folder/preparation';
import { readImageFolder } from '../../src/workloads/image-folder/read';
import { resolveWorkload } from '../../src/workloads/spec';
import { createWorkload, disposeModel, type Workload } from '../../src/workloads/workload';
import { learningRateSchedule } from '../../src/lr/callback';
import { activateBackend } from '../../src/platform/backend';
import { testBackend } from '../helpers/backend';
import { tempDir } from '../helpers/files';
import { expectTrialLeaksNothing } from '../helpers/leaks';
import { SHAPES, writeShapeImages } from '../helpers/images';

const tf = loadTf();
const files = tempDir('images');
const colour = () => path.join(files.dir(), 'colour');
const grey = () => path.join(files.dir(), 'grey');
const options = { width: 16, height: 16, validationSplit: 0.25, seed: 7 };

beforeAll(async () => {
  // The CNN's steps take half a second on cpu, a tenth of that on wasm (and its kernels).
  expect(await activateBackend(tf, testBackend('wasm'))).toBeNull();
  await writeShapeImages(colour(), { perClass: 8, corrupt: 2 });
  await writeShapeImages(grey(), { perClass: 4, channels: 1, size: 20 });
  // A file in the folder itself belongs to no class; a text file is not an image.
  fs.writeFileSync(path.join(colour(), 'README.txt'), 'not read');
  fs.writeFileSync(path.join(colour(), 'bar', 'notes.txt'), 'not an image file');
}, 60_000);

describe('listing a folder of images', () => {
  test('classes are the sorted sub-folders; files their images, sorted; the hash changes with the files', () => {
    const listing = listImageFolder(colour());
    expect(listing.classes).toEqual([...SHAPES]);
    expect(listing.files).toHaveLength(3 * (8 + 2));
    expect(listing.files[0]).toMatchObject({ file: 'bar/0000.png', label: 0 });
    expect(listing.files.every((f) => f.file.startsWith(`${SHAPES[f.label]}/`))).toBe(true);
    const before = listing.sha256;
    fs.copyFileSync(path.join(colour(), 'bar', '0000.png'), path.join(colour(), 'bar', 'extra.png'));
    try {
      expect(listImageFolder(colour()).sha256).not.toBe(before);
    } finally {
      fs.rmSync(path.join(colour(), 'bar', 'extra.png'));
    }
    expect(listImageFolder(colour()).sha256).toBe(before);
  });

  test.each([
    ['one class', (dir: string) => fs.mkdirSync(path.join(dir, 'only'), { recursive: true }), /needs one sub-folder per class, at least two; it has only only/],
    ['no class', (dir: string) => fs.mkdirSync(dir, { recursive: true }), /it has none/],
    ['no image', (dir: string) => ['a', 'b'].forEach((c) => fs.mkdirSync(path.join(dir, c), { recursive: true })), /no image files in its 2 class folders/],
  ])('refused: a folder with %s', (_name, make, message) => {
    const dir = path.join(files.dir(), `bad-${_name.replace(/ /g, '-')}`);
    make(dir);
    expect(() => listImageFolder(dir)).toThrow(InputError);
    expect(() => listImageFolder(dir)).toThrow(message);
  });

  test('the split: seeded, the same every time, the parts disjoint and whole', () => {
    const items = Array.from({ length: 40 }, (_, i) => i);
    const a = splitFiles(items, 0.25, 3, 'dir');
    expect(a.validation).toHaveLength(10);
    expect(splitFiles(items, 0.25, 3, 'dir')).toEqual(a);
    expect(splitFiles(items, 0.25, 4, 'dir')).not.toEqual(a);
    expect([...a.train, ...a.validation].sort((x, y) => x - y)).toEqual(items);
    expect(() => splitFiles([1], 0.25, 3, 'dir')).toThrow(/1 images cannot be split 25 %/);
  });

  test.each([
    ['64x64', { width: 64, height: 64 }],
    ['32X48', { width: 32, height: 48 }],
    ['28', { width: 28, height: 28 }],
    [' 10 × 12 ', { width: 10, height: 12 }],
  ])('--image-size %s', (text, size) => expect(parseImageSize(text)).toEqual(size));

  test.each(['64x', 'x64', '0x5', '5000x5', '1.5x2', 'big'])('--image-size %s is refused', (text) => {
    expect(() => parseImageSize(text)).toThrow(/is not WIDTHxHEIGHT/);
  });
});

describe('reading a folder of images', () => {
  test('every file decoded once: the broken ones left out and named, colour kept, the split recorded', async () => {
    const folder = await readImageFolder(colour(), options);
    const p = folder.preparation;
    expect(p).toMatchObject({ classes: [...SHAPES], width: 16, height: 16, channels: 3, scaling: 'divide-255', labels: 'int', validationSplit: 0.25, seed: 7 });
    expect(p.files.skipped.map((s) => s.file).sort()).toEqual(SHAPES.flatMap((s) => [`${s}/broken-0.png`, `${s}/broken-1.png`]).sort());
    expect(p.files.skipped.every((s) => s.reason.length > 0)).toBe(true);
    expect(p.files.train + p.files.validation).toBe(24);
    expect(p.files.validation).toBe(6);
    expect(folder.train.some((f) => f.file.includes('broken'))).toBe(false);
  });

  test('greyscale images give one channel; any size is resized', async () => {
    const folder = await readImageFolder(grey(), { ...options, width: 8, height: 12 });
    expect(folder.preparation).toMatchObject({ channels: 1, width: 8, height: 12 });
  });

  test("a process given the tuner's preparation decodes nothing to check, and refuses a folder that changed", async () => {
    const first = await readImageFolder(colour(), options);
    const again = await readImageFolder(colour(), { ...options, given: first.preparation });
    expect(again.preparation).toEqual(first.preparation);
    expect(again.train).toEqual(first.train);
    fs.copyFileSync(path.join(colour(), 'bar', '0000.png'), path.join(colour(), 'bar', 'new.png'));
    try {
      await expect(readImageFolder(colour(), { ...options, given: first.preparation })).rejects.toThrow(/files changed since the tuner read it/);
    } finally {
      fs.rmSync(path.join(colour(), 'bar', 'new.png'));
    }
  });
});

describe('the image-folder workload', () => {
  let workload: Workload;
  beforeAll(async () => {
    const definition = await resolveWorkload({ example: 'mnist-mlp', data: colour(), imageSize: { width: 16, height: 16 }, standardize: true, validationSplit: 0.25, seed: 7 });
    workload = await createWorkload(tf, definition, { seed: 7, validationSplit: 0.25 });
  });
  afterAll(() => workload.dispose());

  test('the default CNN on batches of the exact size: pixels in [0, 1], labels the classes', async () => {
    expect(workload.info).toMatchObject({ source: 'data', trainSamples: 18, valSamples: 6, dataSource: 'image-folder', loss: 'sparseCategoricalCrossentropy' });
    expect(workload.notes.join('\n')).toMatch(/6 files did not decode and were left out: bar\/broken-0\.png/);
    const stream = workload.data.batches(5, 'shuffled', 1);
    const { x, y } = await stream.next();
    stream.close();
    expect(x.shape).toEqual([5, 16, 16, 3]);
    expect(y.shape).toEqual([5, 1]);
    const [min, max] = [x.min().dataSync()[0], x.max().dataSync()[0]];
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThanOrEqual(1);
    expect(max).toBeGreaterThan(0.5);
    expect([...y.dataSync()].every((v) => [0, 1, 2].includes(v))).toBe(true);
    tf.dispose([x, y]);
  });

  test('a seed gives the same order; another seed another', async () => {
    const labels = async (seed: number) => {
      const stream = workload.data.batches(6, 'shuffled', seed);
      const out: number[] = [];
      for (let i = 0; i < 3; i++) {
        const { x, y } = await stream.next();
        out.push(...y.dataSync());
        tf.dispose([x, y]);
      }
      stream.close();
      return out;
    };
    const a = await labels(3);
    expect(await labels(3)).toEqual(a);
    expect(await labels(4)).not.toEqual(a);
    // One epoch of a shuffled order holds every training image once.
    expect(a.slice(0, 18).sort()).toEqual((await labels(3)).slice(0, 18).sort());
  });

  test('validation in chunks, all or a sample of rows', async () => {
    const sizes: number[] = [];
    for await (const chunk of workload.data.validation(4)) {
      sizes.push(chunk.x.shape[0]);
      tf.dispose([chunk.x, chunk.y]);
    }
    expect(sizes).toEqual([4, 2]);
    const labels: number[] = [];
    for await (const chunk of workload.data.validation(4, [1, 4])) {
      labels.push(...chunk.y.dataSync());
      tf.dispose([chunk.x, chunk.y]);
    }
    expect(labels).toHaveLength(2);
  });

  test('a trial leaks no tensors and records the pipeline: its wait for batches and its memory', async () => {
    const trial = await expectTrialLeaksNothing(tf, workload, 3);
    expect(trial.inputMs).toBeGreaterThanOrEqual(0);
    expect(trial.inputMs!).toBeLessThanOrEqual(trial.stepMs!);
    expect(trial.pipelineBytes).toBeGreaterThanOrEqual(0);
  });
});

describe('imageFolderDataset: the folder for model.fitDataset, as it was tuned', () => {
  test('batches of the size, the same split, and the schedule callback applied per batch', async () => {
    const folder = await readImageFolder(colour(), options);
    const dataset = imageFolderDataset(colour(), folder.preparation, { batchSize: 5 });
    const sizes: number[] = [];
    await dataset.forEachAsync((batch) => {
      const { xs, ys } = batch as { xs: tfTypes.Tensor; ys: tfTypes.Tensor };
      expect(xs.shape.slice(1)).toEqual([16, 16, 3]);
      sizes.push(ys.shape[0]);
      tf.dispose([xs, ys]);
    });
    expect(sizes).toEqual([5, 5, 5, 3]);
    const validation = imageFolderDataset(colour(), folder.preparation, { batchSize: 10, subset: 'validation' });
    let valCount = 0;
    await validation.forEachAsync((batch) => {
      valCount += (batch as { ys: tfTypes.Tensor }).ys.shape[0];
      tf.dispose(batch as never);
    });
    expect(valCount).toBe(6);

    const before = tf.memory().numTensors;
    const model = tf.sequential({ layers: [tf.layers.flatten({ inputShape: [16, 16, 3] }), tf.layers.dense({ units: 3, activation: 'softmax' })] });
    model.compile({ optimizer: tf.train.adam(0.01), loss: 'sparseCategoricalCrossentropy' });
    const rates: number[] = [];
    const schedule = { kind: 'linear-decay' as const, peakLearningRate: 0.02, warmupSteps: 2, totalSteps: 8, finalLearningRate: 0 };
    const history = await model.fitDataset(dataset, { epochs: 2, callbacks: [learningRateSchedule(schedule, { onRate: (_s, r) => rates.push(r) })] });
    expect(history.history.loss).toHaveLength(2);
    expect(rates).toHaveLength(8);
    expect(rates[1]).toBeCloseTo(0.02);
    expect(rates[7]).toBeLessThan(rates[2]);
    disposeModel(model);
    // Every batch the dataset made was released by fitDataset.
    expect(tf.memory().numTensors).toBe(before);
  });

  test('a folder whose classes are not the tuned ones is refused', async () => {
    const folder = await readImageFolder(colour(), options);
    expect(() => imageFolderDataset(grey(), { ...folder.preparation, classes: ['cats', 'dogs'] }, { batchSize: 4 })).toThrow(/are not the tuned folder's/);
  });
});

test('decoding matches sharp read by hand: a stretched bilinear resize, divided by 255', async () => {
  const folder = await readImageFolder(grey(), { ...options, width: 5, height: 5 });
  const file = path.join(grey(), folder.train[0].file);
  const expected = await sharp(file).resize(5, 5, { fit: 'fill', kernel: 'linear' }).greyscale().raw().toBuffer();
  const { ImageFolderSource } = await import('../../src/workloads/image-folder/source');
  const source = new ImageFolderSource(tf, folder);
  for await (const batch of source.trainSample(1, 1)) {
    expect([...batch.x.dataSync()].map((v) => Math.round(v * 255))).toEqual([...expected]);
    tf.dispose([batch.x, batch.y]);
  }
});
