import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as tfTypes from '@tensorflow/tfjs';
import { buildFromOptions, loadTestSet, resolveDev } from '../../bench/leaderboard-build';
import { splitImageFolder } from '../../bench/leaderboard-image-split';
import { mnistDigits, writeDigitFolder } from '../../bench/leaderboard-images';
import { splitRows } from '../../bench/leaderboard-split';
import { exportForTorch } from '../../bench/torch-export';
import { loadTf } from '../../src/platform/tf';
import { decodeRaw } from '../../src/workloads/image-folder/decode';
import { listImageFolder } from '../../src/workloads/image-folder/list';

const tf = loadTf();
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'leaderboard-images-'));
const all = path.join(root, 'all');
const PER_CLASS = 6;

beforeAll(async () => {
  await tf.setBackend('cpu');
  await writeDigitFolder(all, PER_CLASS);
}, 60_000);
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const filesBelow = (dir: string) => listImageFolder(dir).files.map((f) => f.file);

describe("the leaderboard's digit folder", () => {
  test('ten class folders of 28×28 greyscale PNGs, the package\'s digits byte for byte', async () => {
    const listing = listImageFolder(all);
    expect(listing.classes).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(listing.files).toHaveLength(10 * PER_CLASS);
    const digit = mnistDigits(PER_CLASS).find((d) => d.label === 7 && d.index === 3)!;
    const decoded = await decodeRaw(path.join(all, '7', '0003.png'), { width: 28, height: 28, channels: 1 });
    expect(Buffer.from(decoded).equals(digit.pixels)).toBe(true);
  });
});

describe('splitting a folder of images into dev and test folders', () => {
  test('disjoint, every file once, 20 % for test, each folder with every class; the same seed the same split', async () => {
    const whole = filesBelow(all);
    const a = await splitImageFolder(all, path.join(root, 'a'), 101);
    expect(a.testFiles).toHaveLength(Math.round(whole.length * 0.2));
    expect(a.devFiles.filter((f) => a.testFiles.includes(f))).toEqual([]);
    expect([...a.devFiles, ...a.testFiles].sort()).toEqual([...whole].sort());
    expect(a.testDropped).toEqual([]);
    // What the folders hold is what the split says, under every class.
    expect(filesBelow(a.devDir).sort()).toEqual([...a.devFiles].sort());
    expect(filesBelow(a.testDir).sort()).toEqual([...a.testFiles].sort());
    expect(listImageFolder(a.testDir).classes).toEqual(listImageFolder(all).classes);
    // The table's draw over the sorted file list.
    expect(a.testFiles).toEqual(splitRows(whole.length, 101).test.map((i) => whole[i]));
    const again = await splitImageFolder(all, path.join(root, 'again'), 101);
    expect(again.testFiles).toEqual(a.testFiles);
    const other = await splitImageFolder(all, path.join(root, 'other'), 102);
    expect(other.testFiles).not.toEqual(a.testFiles);
  });

  test('a test file that does not decode is left out of the test folder and named', async () => {
    const broken = path.join(root, 'broken');
    fs.cpSync(all, broken, { recursive: true });
    fs.writeFileSync(path.join(broken, '3', '0002.png'), 'not an image');
    const whole = filesBelow(broken);
    const at = whole.indexOf('3/0002.png');
    const seed = Array.from({ length: 100 }, (_, i) => 101 + i).find((s) => splitRows(whole.length, s).test.includes(at))!;
    const parts = await splitImageFolder(broken, path.join(root, 'broken-split'), seed);
    expect(parts.testDropped).toEqual(['3/0002.png']);
    expect(filesBelow(parts.testDir)).not.toContain('3/0002.png');
    expect(parts.testFiles).toHaveLength(Math.round(whole.length * 0.2) - 1);
  });
});

describe('the test folder read through the dev run\'s preparation', () => {
  test('the dev preparation\'s size and channels, labels by class, pixels as autobatch decodes them', async () => {
    const parts = await splitImageFolder(all, path.join(root, 'read'), 101);
    const definition = await resolveDev({ data: parts.devDir, imageSize: '14x14' }, 42);
    const prep = definition.imagePreparation!;
    expect(prep).toMatchObject({ width: 14, height: 14, channels: 1, classes: listImageFolder(all).classes });
    const test = await loadTestSet(tf, { kind: 'images', dir: parts.testDir }, { preparation: null, imagePreparation: prep });
    try {
      const listing = listImageFolder(parts.testDir);
      expect(test.x.shape).toEqual([parts.testFiles.length, 14, 14, 1]);
      expect(test.y.shape).toEqual([parts.testFiles.length, 1]);
      expect(Array.from(test.y.dataSync())).toEqual(listing.files.map((f) => f.label));
      const first = await decodeRaw(path.join(parts.testDir, listing.files[0].file), prep);
      const x = test.x.slice([0, 0, 0, 0], [1, 14, 14, 1]).dataSync();
      expect(Array.from(x)).toEqual(Array.from(first, (v) => Math.fround(v / 255)));
    } finally {
      tf.dispose([test.x, test.y]);
    }
  });

  test('refused: a test folder whose classes are not the dev folder\'s', async () => {
    const parts = await splitImageFolder(all, path.join(root, 'classes'), 101);
    const prep = (await resolveDev({ data: parts.devDir, imageSize: '28x28' }, 42)).imagePreparation!;
    fs.renameSync(path.join(parts.testDir, '9'), path.join(parts.testDir, 'nine'));
    await expect(loadTestSet(tf, { kind: 'images', dir: parts.testDir }, { preparation: null, imagePreparation: prep })).rejects.toThrow(/not the dev folder's/);
  });
});

describe("the peers' export of a folder of images", () => {
  test("names the tuner's own training and validation files, in its order, and translates the default CNN", async () => {
    const parts = await splitImageFolder(all, path.join(root, 'export'), 101);
    const { workload, imagePreparation } = await buildFromOptions(tf, { data: parts.devDir, imageSize: '28x28' }, 42);
    try {
      const out = await exportForTorch(tf, workload, path.join(root, 'torch'), imagePreparation);
      if (!out.ok) throw new Error(out.reason);
      const images = out.spec.images!;
      expect(images.train).toHaveLength(workload.info.trainSamples);
      expect(images.validation).toHaveLength(workload.info.valSamples);
      expect([...images.train, ...images.validation].sort()).toEqual([...parts.devFiles].sort());
      expect(out.spec.layers.filter((l) => l.type === 'Conv2D').map((l) => l.config.padding)).toEqual(['same', 'same']);
      expect(Number.isFinite(out.spec.check.initialValLoss)).toBe(true);
      expect(fs.existsSync(path.join(root, 'torch', 'x_train.f32'))).toBe(false);
      // The validation images the workload streams are these files, in this order.
      const streamed: number[] = [];
      for await (const chunk of workload.data.validation(64)) {
        streamed.push(...(chunk.x as tfTypes.Tensor).dataSync());
        tf.dispose([chunk.x, chunk.y]);
      }
      const named: number[] = [];
      for (const f of images.validation) named.push(...Array.from(await decodeRaw(path.join(parts.devDir, f), { width: 28, height: 28, channels: 1 }), (v) => Math.fround(v / 255)));
      expect(streamed).toEqual(named);
    } finally {
      workload.dispose();
    }
  });
});
