import { loadDataFile } from '../../src/workloads/data-file';
import { sha256OfFile } from '../../src/workloads/file-hash';
import { encodeTable } from '../../src/workloads/table/encode';
import { readTable } from '../../src/workloads/table/read';
import { loadTf } from '../../src/platform/tf';
import { createRandom, shuffledIndices } from '../../src/util/random';
import { useTestBackend } from '../helpers/backend';
import { tempDir } from '../helpers/files';

const files = tempDir('data-file');
const tf = loadTf();

beforeAll(async () => {
  await useTestBackend(tf, 'cpu');
});

const options = { standardize: true, seed: 5, validationSplit: 0.25 };

/** Rows of text and numbers, some labels missing: more than one 64 KiB chunk of the reader's. */
const csv = `n,city,y\n${Array.from({ length: 6000 }, (_, i) => `${(i * 37) % 101},${['Oslo', 'Rome', 'Lima', 'NA'][i % 4]},${i % 13 === 0 ? '' : ['u', 'v', 'w'][i % 3]}`).join('\n')}\n`;

describe('loadDataFile', () => {
  test.each([
    ['a CSV of several chunks', 'many.csv', Buffer.from(csv)],
    ['a Windows-1252 TSV', 'cp.tsv', Buffer.concat([Buffer.from('mot\tn\ty\n'), ...Array.from({ length: 40 }, (_, i) => Buffer.from([0x63, 0x61, 0x66, i % 2 ? 0xe8 : 0xe9, 0x09, 0x30 + (i % 7), 0x09, 0x30 + (i % 2), 0x0a]))])],
    ['JSON', 'rows.json', Buffer.from(JSON.stringify(Array.from({ length: 40 }, (_, i) => ({ n: i % 5, y: i % 2 }))))],
    ['JSON lines', 'rows.jsonl', Buffer.from(Array.from({ length: 40 }, (_, i) => JSON.stringify({ n: i % 5, y: i % 2 })).join('\n'))],
  ])('%s: the sha256 taken while reading is the file\'s', async (_name, file, bytes) => {
    const path = files.write(file, bytes);
    const loaded = await loadDataFile(path, { ...options, label: 'y' });
    expect(loaded.sha256).toBe(sha256OfFile(path));
  });

  test('the split is the seeded shuffle of the labelled rows, encoded as in file order', async () => {
    const path = files.write('split.csv', csv);
    const loaded = await loadDataFile(path, { ...options, label: 'y' });
    // The reference: every labelled row encoded in file order, then taken in the shuffle's order.
    const reference = encodeTable(loaded.preparation, await readTable(path));
    const order = shuffledIndices(reference.rows, createRandom(options.seed ^ 0x5eed));
    const valCount = Math.round(reference.rows * options.validationSplit);
    const rowsOf = (positions: number[]) => positions.map((p) => Array.from(reference.x.subarray(p * reference.width, (p + 1) * reference.width)));
    const before = tf.memory().numTensors;
    const split = loaded.loadData(tf, 'index');
    expect(await split.train.x.array()).toEqual(rowsOf(order.slice(valCount)));
    expect(await split.validation!.x.array()).toEqual(rowsOf(order.slice(0, valCount)));
    expect((await split.train.y.data()).slice(0, 50)).toEqual(Float32Array.from(order.slice(valCount, valCount + 50), (p) => reference.y![p]));
    expect(loaded.trainRows).toBe(reference.rows - valCount);
    tf.dispose([split.train.x, split.train.y, split.validation!.x, split.validation!.y]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
