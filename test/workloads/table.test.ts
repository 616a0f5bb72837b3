import { readTable } from '../../src/workloads/table';
import { inferTask, prepareTable } from '../../src/workloads/tabular';
import { tempDir } from '../helpers/files';

const files = tempDir('table');

describe('readTable', () => {
  test('CSV with a header', () => {
    const t = readTable(files.write('h.csv', 'a,b,y\n1,2,cat\n3,4,dog\n'));
    expect(t.columns).toEqual(['a', 'b', 'y']);
    expect(t.rows).toEqual([['1', '2', 'cat'], ['3', '4', 'dog']]);
    expect(t.lines).toEqual([2, 3]);
  });

  test('CSV without a header gets positional names', () => {
    const t = readTable(files.write('n.csv', '1,2,0\n3,4,1\n'));
    expect(t.columns).toEqual(['0', '1', '2']);
    expect(t.rows).toHaveLength(2);
  });

  test('TSV, quoted cells, blank lines and a BOM', () => {
    const t = readTable(files.write('q.tsv', '\uFEFFa\tname\n1\t"x\ty"\n\n2\tz\n'));
    expect(t.columns).toEqual(['a', 'name']);
    expect(t.rows).toEqual([['1', 'x\ty'], ['2', 'z']]);
  });

  test('JSON array of objects, and JSONL', () => {
    expect(readTable(files.write('o.json', '[{"a":1,"y":0},{"a":2,"y":1}]')).rows).toEqual([[1, 0], [2, 1]]);
    const t = readTable(files.write('l.jsonl', '{"a":1,"y":"u"}\n\n{"a":2,"y":"v"}\n'));
    expect(t.columns).toEqual(['a', 'y']);
    expect(t.lines).toEqual([1, 3]);
  });

  test.each([
    ['missing.csv', null, 'missing.csv: no such file'],
    ['empty.csv', '', 'the file is empty'],
    ['blank.csv', '\n  \n', 'the file is empty'],
    ['ragged.csv', 'a,b,y\n1,2,0\n3,4\n', 'line 3: 2 columns where the header has 3'],
    ['header-only.csv', 'a,b,y\n', 'has a header but no data rows'],
    ['bad.json', '{"a":', 'not valid JSON'],
    ['notarray.json', '{"a":1}', 'expected a JSON array'],
    ['missing-key.jsonl', '{"a":1,"y":0}\n{"a":2}\n', 'line 2: has no "y"'],
    ['mixed.json', '[[1,2],{"a":1}]', 'rows must be all objects or all arrays'],
    ['data.xlsx', 'x', 'unknown data format ".xlsx"'],
  ])('%s: %s', (name, text, message) => {
    const file = text === null ? `${files.dir()}/${name}` : files.write(name, text);
    expect(() => readTable(file)).toThrow(expect.objectContaining({ code: 'E_INPUT', message: expect.stringContaining(message) }));
  });
});

describe('prepareTable', () => {
  const table = () => readTable(files.write('p.csv', 'a,b,c,y\n1,2,3,cat\n4,5,6,dog\n7,8,9,cat\n'));

  test('the last column is the label by default; string labels become sorted classes', () => {
    const p = prepareTable(table());
    expect(p.labelName).toBe('y');
    expect(p.featureNames).toEqual(['a', 'b', 'c']);
    expect(p.task).toBe('classification');
    expect(p.classes).toEqual(['cat', 'dog']);
    expect(Array.from(p.y)).toEqual([0, 1, 0]);
    expect(Array.from(p.x)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  test('--label and --features pick columns', () => {
    const p = prepareTable(table(), { label: 'a', features: ['c', 'b'], task: 'regression' });
    expect(p.featureNames).toEqual(['c', 'b']);
    expect(Array.from(p.y)).toEqual([1, 4, 7]);
    expect(Array.from(p.x)).toEqual([3, 2, 6, 5, 9, 8]);
  });

  test.each([
    ['a missing label column', 'a,y\n1,0\n2,1\n', { label: 'z' }, 'no label column "z"; columns: a, y'],
    ['a missing feature column', 'a,y\n1,0\n2,1\n', { features: ['q'] }, 'no feature column "q"'],
    ['the label as a feature', 'a,y\n1,0\n2,1\n', { features: ['y'] }, 'is the label; it cannot also be a feature'],
    ['a non-numeric feature', 'a,b,y\n1,2,0\n3,x,1\n', {}, 'line 3, column "b": "x" is not a number'],
    ['a NaN feature', 'a,b,y\n1,2,0\n3,NaN,1\n', {}, 'line 3, column "b": the value is NaN'],
    ['an infinite feature', 'a,b,y\n1,2,0\n3,-Infinity,1\n', {}, 'line 3, column "b": the value is infinite'],
    ['an empty feature', 'a,b,y\n1,2,0\n3,,1\n', {}, 'line 3, column "b": the value is empty'],
    ['a single class', 'a,y\n1,cat\n2,cat\n', {}, 'label "y" has a single class ("cat")'],
    ['a non-numeric regression target', 'a,y\n1,2\n2,x\n', { task: 'regression' }, 'line 3, column "y": "x" is not a number'],
    ['no features', 'y\n1\n2\n', {}, 'no feature columns besides the label'],
  ] as const)('%s is refused with file, line and column', (_name, text, options, message) => {
    const file = files.write('bad.csv', text);
    expect(() => prepareTable(readTable(file), options)).toThrow(expect.objectContaining({ code: 'E_INPUT', message: expect.stringContaining(message) }));
  });
});

test.each([
  [['a', 'b'], 'classification'],
  [[0, 1, 1, 0], 'classification'],
  [Array.from({ length: 100 }, (_, i) => i % 10), 'classification'],
  [Array.from({ length: 100 }, (_, i) => i), 'regression'],
  [[0.5, 1.5, 2], 'regression'],
])('inferTask(%p) is %s', (labels, task) => {
  expect(inferTask(labels).task).toBe(task);
});
