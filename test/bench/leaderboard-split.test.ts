import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isKnownClass, labelsOf, readTableRows, splitRows, testSeeds, writeTableRows } from '../../bench/leaderboard-split';

// The model modules draw their test split in plain CommonJS; it must be the same draw.
const modules = require('../../bench/leaderboard-models/common.cjs') as { splitRows(n: number, seed?: number): { dev: number[]; test: number[] }; TEST_SEED: number };

describe("the leaderboard's test split", () => {
  it('sets aside 20 % of the rows, seeded, each part in row order, together every row once', () => {
    const { dev, test } = splitRows(237, 101);
    expect(test).toHaveLength(47);
    expect(dev).toHaveLength(190);
    expect([...dev, ...test].sort((a, b) => a - b)).toEqual(Array.from({ length: 237 }, (_, i) => i));
    expect(test).toEqual([...test].sort((a, b) => a - b));
    expect(splitRows(237, 101)).toEqual({ dev, test });
    expect(splitRows(237, 102).test).not.toEqual(test);
  });

  it('is the draw the model modules make', () => {
    expect(modules.splitRows(5000)).toEqual(splitRows(5000, modules.TEST_SEED));
  });

  it('refuses a table too small to split', () => {
    expect(() => splitRows(2, 101)).toThrow(RangeError);
  });

  it.each([
    [93, undefined, 3],
    [1999, undefined, 3],
    [2000, undefined, 1],
    [10000, undefined, 1],
    [150, 1, 1],
    [150, 2, 2],
  ])('%i labelled rows (at most %s splits): %i test splits', (rows, limit, count) => {
    expect(testSeeds(rows, limit)).toHaveLength(count);
  });
});

describe("the leaderboard's table files", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'leaderboard-split-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes CSV rows back as read: quoted cells, the header first, the chosen rows only', () => {
    const file = path.join(dir, 'in.csv');
    fs.writeFileSync(file, '"name","size","label"\n"a, b",1,yes\nc,NA,no\n\n"d ""q""",3,\n');
    const table = readTableRows(file);
    expect(labelsOf(table, 'label')).toEqual(['yes', 'no', null]);
    writeTableRows(path.join(dir, 'out.csv'), table, [0, 2]);
    const back = readTableRows(path.join(dir, 'out.csv'));
    expect(back).toEqual({ format: 'csv', delimiter: ',', header: ['name', 'size', 'label'], rows: [['a, b', '1', 'yes'], ['d "q"', '3', '']] });
  });

  it('writes JSON objects back as they were; null and missing markers are missing labels', () => {
    const file = path.join(dir, 'in.json');
    fs.writeFileSync(file, JSON.stringify([{ s: 'Adelie', m: 1 }, { s: null, m: 2 }, { s: 'NA' }, { m: 4 }, { s: 3 }]));
    const table = readTableRows(file);
    expect(labelsOf(table, 's')).toEqual(['Adelie', null, null, null, '3']);
    writeTableRows(path.join(dir, 'out.json'), table, [1, 4]);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'out.json'), 'utf8'))).toEqual([{ s: null, m: 2 }, { s: 3 }]);
  });

  it.each([
    ['setosa', ['setosa', 'virginica'], true],
    ['Setosa', ['setosa', 'virginica'], false],
    ['1', ['0', '1'], true],
    ['1.0', ['0', '1'], true],
    ['2', ['0', '1'], false],
  ])('a test label %s among classes %j: %s', (value, classes, known) => {
    expect(isKnownClass(value, classes)).toBe(known);
  });
});
