import { smallIntegerSlot, TableBuilder } from '../../../src/workloads/table/builder';
import { MISSING, type RawTable } from '../../../src/workloads/table/store';

const meta = { file: 't.csv', firstLine: 2, header: true, delimiter: ',' };

/** Column `c`'s cells back as texts (null for missing). */
const texts = (table: RawTable, c: number) => Array.from(table.columns[c].codes, (code) => (code === MISSING ? null : table.columns[c].dictionary[code]));

describe('smallIntegerSlot', () => {
  test.each([
    ['0', 0],
    ['-0', 1],
    ['1', 2],
    ['-1', 3],
    ['16383', 32766],
    ['-16383', 32767],
    // Past the limit, or another spelling of a value: the column's map takes them.
    ['16384', -1],
    ['05', -1],
    ['-05', -1],
    ['00', -1],
    ['+5', -1],
    ['5.0', -1],
    ['1e3', -1],
    ['', -1],
    ['-', -1],
    [' 5', -1],
    ['5a', -1],
    ['١٢', -1],
  ])('%p has slot %p', (text, slot) => {
    expect(smallIntegerSlot(text)).toBe(slot);
  });
});

describe('TableBuilder', () => {
  test('spellings of one number stay distinct texts, in order of first appearance, with their numbers', () => {
    const builder = new TableBuilder(['n']);
    const cells = ['5', '05', '+5', '5.0', '-0', '0', '5', '-0', 'NA', '16384', ' 5 ', '-12'];
    builder.addRows(cells.map((c) => [c]));
    const table = builder.finish(meta);
    expect(table.columns[0].dictionary).toEqual(['5', '05', '+5', '5.0', '-0', '0', '16384', '-12']);
    expect(Array.from(table.columns[0].codes)).toEqual([0, 1, 2, 3, 4, 5, 0, 4, MISSING, 6, 0, 7]);
    const numbers = Array.from(table.columns[0].numbers);
    expect(numbers).toEqual([5, 5, 5, 5, -0, 0, 5, -0, NaN, 16384, 5, -12]);
    expect(Object.is(numbers[4], -0)).toBe(true);
    expect(Object.is(numbers[5], 0)).toBe(true);
  });

  test('rows added one at a time and in batches of any size across blocks give the same table', () => {
    const rows = Array.from({ length: 9000 }, (_, i) => [String(i % 300), i % 7 ? `t${i % 50}` : 'NA', String(-(i % 20000))]);
    const one = new TableBuilder(['a', 'b', 'c']);
    for (const row of rows) one.add(row);
    const batched = new TableBuilder(['a', 'b', 'c']);
    for (let i = 0; i < rows.length; ) {
      const size = 1 + ((i * 7919) % 1500);
      batched.addRows(rows.slice(i, i + size));
      i += size;
    }
    const a = one.finish(meta);
    const b = batched.finish(meta);
    expect(b).toEqual(a);
    expect(a.rows).toBe(9000);
    expect(a.columns[0].codes).toHaveLength(9000);
    expect(texts(a, 1).slice(0, 8)).toEqual([null, 't1', 't2', 't3', 't4', 't5', 't6', null]);
    expect(texts(a, 2).slice(-2)).toEqual(['-8998', '-8999']);
    expect(a.columns[2].numbers[8999]).toBe(-8999);
  });

  test('a short row is missing its last cells', () => {
    const builder = new TableBuilder(['a', 'b']);
    builder.addRows([['1'], ['2', 'x']]);
    const table = builder.finish(meta);
    expect(texts(table, 1)).toEqual([null, 'x']);
  });
});
