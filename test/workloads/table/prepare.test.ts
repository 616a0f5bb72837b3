import { encodeTable } from '../../../src/workloads/table/encode';
import { fitPreparation, MAX_CATEGORIES, type FitOptions } from '../../../src/workloads/table/fit';
import { median } from '../../../src/workloads/table/median';
import { chooseLabel, inferTask, type LabelOptions } from '../../../src/workloads/table/label';
import { readTable } from '../../../src/workloads/table/read';
import type { RawTable } from '../../../src/workloads/table/store';
import { tempDir } from '../../helpers/files';

const files = tempDir('prepare');

/** Reads `text` and fits its preparation on `trainRows` of the labelled rows (default: all). */
async function prepare(text: string, options: Partial<FitOptions & LabelOptions> = {}, trainRows?: number[]) {
  const table = await readTable(files.write('t.csv', text));
  const label = chooseLabel(table, options);
  const train = trainRows ?? Array.from(label.kept);
  const preparation = fitPreparation(table, label, train, { standardize: true, ...options });
  return { table, label, preparation, encoded: encodeTable(preparation, table) };
}

/** Row `r` of an encoded table as a feature-name → value map. */
function row(result: Awaited<ReturnType<typeof prepare>>, r: number): Record<string, number> {
  const { features } = result.preparation;
  return Object.fromEntries(features.map((f, j) => [f, result.encoded.x[r * features.length + j]]));
}

describe('fitPreparation and encodeTable', () => {
  test('numbers are standardized; a missing number takes the median and sets its indicator', async () => {
    const r = await prepare('a,b,y\n1,10,u\n2,,v\n3,30,u\n6,40,v\n', { standardize: false });
    const b = r.preparation.columns[1];
    expect(b).toMatchObject({ kind: 'numeric', reason: 'numbers', missingShare: 0.25, numeric: { fill: 30, mean: 0, std: 1, indicator: true } });
    expect(r.preparation.features).toEqual(['a', 'b', 'b=(missing)']);
    expect(row(r, 1)).toEqual({ a: 2, b: 30, 'b=(missing)': 1 });
    expect(row(r, 0)).toEqual({ a: 1, b: 10, 'b=(missing)': 0 });
    const s = await prepare('a,y\n1,u\n2,v\n3,u\n6,v\n');
    expect(s.preparation.columns[0].numeric).toMatchObject({ mean: 3, std: Math.sqrt(3.5) });
    expect(s.encoded.x[3]).toBeCloseTo((6 - 3) / Math.sqrt(3.5), 6);
  });

  test('text becomes one-hot categories by frequency, with other and missing', async () => {
    const colors = ['red', 'red', 'red', 'blue', 'blue', 'green', '', 'red'];
    const r = await prepare(`c,y\n${colors.map((c, i) => `${c},${i % 2}`).join('\n')}\n`);
    const c = r.preparation.columns[0];
    // green is seen once: one row teaches nothing, so it goes to "other".
    expect(c).toMatchObject({ kind: 'categorical', reason: 'text', categorical: { categories: ['red', 'blue'], other: true, missing: true } });
    expect(c.features).toEqual(['c=red', 'c=blue', 'c=(other)', 'c=(missing)']);
    expect(row(r, 5)).toEqual({ 'c=red': 0, 'c=blue': 0, 'c=(other)': 1, 'c=(missing)': 0 });
    expect(row(r, 6)).toEqual({ 'c=red': 0, 'c=blue': 0, 'c=(other)': 0, 'c=(missing)': 1 });
  });

  test(`at most ${MAX_CATEGORIES} categories; the rest share "other"`, async () => {
    const values = Array.from({ length: 40 }, (_, i) => `v${String(i).padStart(2, '0')}`);
    const lines = values.flatMap((v, i) => Array.from({ length: 40 - i + 1 }, (_, k) => `${v},${k % 2}`));
    const r = await prepare(`c,y\n${lines.join('\n')}\n`);
    expect(r.preparation.columns[0].categorical!.categories).toEqual(values.slice(0, MAX_CATEGORIES));
  });

  test('statistics come from the training rows only; a value unseen there is "other"', async () => {
    const r = await prepare('a,c,y\n1,x,u\n2,x,v\n3,y,u\n4,y,v\n100,z,u\n100,z,v\n', {}, [0, 1, 2, 3]);
    expect(r.preparation.columns[0].numeric!.fill).toBe(2.5);
    expect(r.preparation.columns[0].numeric!.mean).toBe(2.5);
    expect(r.preparation.columns[1].categorical!.categories).toEqual(['x', 'y']);
    expect(row(r, 4)['c=(other)']).toBe(1);
    expect(r.preparation.fittedRows).toBe(4);
  });

  test('rows without a label are dropped and counted', async () => {
    const r = await prepare('a,y\n1,u\n2,\n3,v\n4,NA\n5,u\n');
    expect(r.label.droppedRows).toBe(2);
    expect(r.preparation.label.droppedRows).toBe(2);
    expect(r.encoded.rows).toBe(3);
    expect(Array.from(r.encoded.y!)).toEqual([0, 1, 0]);
  });

  test('a regression target is standardized on the training rows and recorded', async () => {
    const prices = [1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000, 10500, 11000, 12000, 13000, 14000, 15000, 16000, 17000, 18000, 19000, 20000, 21000];
    const r = await prepare(`a,price\n${prices.map((p, i) => `${i % 5},${p}`).join('\n')}\n`);
    const t = r.preparation.label.transform!;
    expect(r.preparation.label.task).toBe('regression');
    expect(t.mean).toBeCloseTo(prices.reduce((s, p) => s + p, 0) / prices.length, 6);
    expect(Math.abs(Array.from(r.encoded.y!).reduce((s, v) => s + v, 0))).toBeLessThan(1e-3);
    expect(r.encoded.y![0] * t.std + t.mean).toBeCloseTo(1000, 1);
    const raw = await prepare(`a,price\n${prices.map((p, i) => `${i % 5},${p}`).join('\n')}\n`, { standardize: false });
    expect(raw.preparation.label.transform).toBeNull();
    expect(raw.encoded.y![0]).toBe(1000);
  });

  test('identifiers and constant columns are left out, with the reason', async () => {
    const lines = Array.from({ length: 30 }, (_, i) => `${i + 1},name${i},same,${i % 3},${i % 2}`);
    const r = await prepare(`id,name,k,v,y\n${lines.join('\n')}\n`);
    expect(r.preparation.columns.map((c) => [c.name, c.kind, c.reason])).toEqual([
      ['id', 'ignored', 'identifier'],
      ['name', 'ignored', 'identifier'],
      ['k', 'ignored', 'constant'],
      ['v', 'numeric', 'numbers'],
    ]);
    expect(r.preparation.features).toEqual(['v']);
  });

  test('the user decides kinds: integer codes as categories, a column left out', async () => {
    const r = await prepare('zip,b,y\n10,1,u\n20,2,v\n10,3,u\n20,4,v\n', { categorical: ['zip'], ignore: ['b'] });
    expect(r.preparation.columns.map((c) => [c.name, c.kind, c.reason])).toEqual([
      ['zip', 'categorical', 'given'],
      ['b', 'ignored', 'given'],
    ]);
    expect(r.preparation.features).toEqual(['zip=10', 'zip=20', 'zip=(other)']);
  });

  test('features picks columns; the rest are not selected', async () => {
    const r = await prepare('a,b,c,y\n1,2,3,u\n4,5,6,v\n', { features: ['c'] });
    expect(r.preparation.columns.map((c) => c.reason)).toEqual(['not-selected', 'not-selected', 'numbers']);
    expect(r.preparation.features).toEqual(['c']);
  });

  test.each([
    ['a missing label column', 'a,y\n1,0\n2,1\n', { label: 'z' }, 'no label column "z"; columns: a, y'],
    ['a label named in another case', 'a,Survived\n1,0\n2,1\n', { label: 'survived' }, 'no label column "survived" (did you mean "Survived"?); columns: a, Survived'],
    ['a missing feature column', 'a,y\n1,0\n2,1\n', { features: ['q'] }, 'no feature column "q"'],
    ['an unknown categorical column', 'a,y\n1,0\n2,1\n', { categorical: ['q'] }, 'no categorical column "q"'],
    ['the label as a feature', 'a,y\n1,0\n2,1\n', { features: ['y'] }, 'is the label; it cannot also be a feature'],
    ['text in a column given as numeric', 'a,b,y\n1,2,0\n3,x,1\n', { numeric: ['b'] }, 'line 3, column "b": "x" is not a number (the column was given as numeric)'],
    ['an infinite number', 'a,b,y\n1,2,0\n3,-Infinity,1\n', {}, 'line 3, column "b": the value is infinite'],
    ['a single class', 'a,y\n1,cat\n2,cat\n', {}, 'label "y" has a single class ("cat")'],
    ['a label missing everywhere', 'a,y\n1,\n2,NA\n', {}, 'label "y" is missing in every row'],
    ['a non-numeric regression target', 'a,y\n1,2\n2,x\n', { task: 'regression' }, 'line 3, column "y": "x" is not a number, and the task is regression'],
    ['no features', 'y\n1\n2\n', {}, 'no usable feature besides the label'],
    ['only unusable features', 'k,y\nsame,1\nsame,2\n', {}, 'no usable feature besides the label "y"; left out: k (constant)'],
  ] as const)('%s is refused with file, line and column', async (_name, text, options, message) => {
    await expect(prepare(text, options)).rejects.toEqual(expect.objectContaining({ code: 'E_INPUT', message: expect.stringContaining(message) }));
  });
});

test('the encoding refuses text in a numeric column of a later file, naming the line', async () => {
  const fitted = await prepare('a,y\n1,u\n2,v\n');
  const other: RawTable = await readTable(files.write('later.csv', 'a,y\n1,u\nabc,v\n'));
  expect(() => encodeTable(fitted.preparation, other)).toThrow('later.csv: line 3, column "a": "abc" is not a number');
});

test.each([
  ['the earliest row first', 'a,b,y\n1,2,u\n3,x,v\nz,4,u\n', 'line 3, column "b": "x" is not a number'],
  ['in one row, the first column', 'a,b,y\n1,2,u\nq,x,v\n', 'line 3, column "a": "q" is not a number'],
  ['a bad label after the features', 'a,b,y\n1,2,w\n3,x,v\n', 'line 3, column "b": "x" is not a number'],
  ['the earliest bad label', 'a,b,y\n1,2,u\n3,4,w\n5,6,t\n', 'line 3, column "y": "w" is not one of the classes (u, v)'],
])('a later file\'s cells that cannot be encoded: %s is reported', async (_name, text, message) => {
  const fitted = await prepare('a,b,y\n1,2,u\n2,3,v\n3,5,u\n');
  const other = await readTable(files.write('later2.csv', text));
  expect(() => encodeTable(fitted.preparation, other)).toThrow(message);
  // In any order of the rows, the same cell is reported.
  const reversed = Int32Array.from({ length: other.rows }, (_, i) => other.rows - 1 - i);
  expect(() => encodeTable(fitted.preparation, other, reversed)).toThrow(message);
});

test('rows encoded to places are the file-order rows, moved', async () => {
  const r = await prepare('a,c,y\n1,p,u\n,q,v\n3,p,u\n4,,v\n5,q,\n6,p,u\n');
  const places = Int32Array.from([3, 0, 4, 1, 2]);
  const moved = encodeTable(r.preparation, r.table, places);
  const { width } = r.encoded;
  expect(moved.rows).toBe(5);
  expect(moved.droppedRows).toBe(1);
  places.forEach((place, i) => {
    expect(moved.x.subarray(place * width, (place + 1) * width)).toEqual(r.encoded.x.subarray(i * width, (i + 1) * width));
    expect(moved.y![place]).toBe(r.encoded.y![i]);
  });
  expect(() => encodeTable(r.preparation, r.table, Int32Array.from([0, 1]))).toThrow(RangeError);
});

test.each([
  [['a', 'b'], 'classification'],
  [['0', '1', '1', '0'], 'classification'],
  [Array.from({ length: 100 }, (_, i) => String(i % 10)), 'classification'],
  [Array.from({ length: 100 }, (_, i) => String(i)), 'regression'],
  [['0.5', '1.5', '2'], 'regression'],
])('the task of labels %p is %s', async (labels, task) => {
  const table = await readTable(files.write('task.csv', `a,y\n${labels.map((l, i) => `${i},${l}`).join('\n')}\n`));
  expect(chooseLabel(table).task).toBe(task);
});

test('inferTask and median are plain functions', () => {
  expect(inferTask(false, [0, 1, 2], [1, 2, 2.5], 3).task).toBe('regression');
  expect(median(Float64Array.from([3, 1, 2]))).toBe(2);
  expect(median(Float64Array.from([4, 1, 2, 3]))).toBe(2.5);
});
