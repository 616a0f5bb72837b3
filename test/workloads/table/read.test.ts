import * as fs from 'node:fs';
import Papa from 'papaparse';
import { DELIMITERS, readTable, tableFromItems } from '../../../src/workloads/table/read';
import { MAX_DICTIONARY, MISSING, OVERFLOW, type RawTable } from '../../../src/workloads/table/store';
import { tempDir } from '../../helpers/files';

const files = tempDir('read');

/** The table's cells back as texts (null for missing), row by row. */
function cells(table: RawTable): (string | null)[][] {
  return Array.from({ length: table.rows }, (_, r) => table.columns.map((c) => (c.codes[r] === MISSING ? null : c.dictionary[c.codes[r]])));
}

const makeDir = (name: string) => {
  const dir = `${files.dir()}/${name}`;
  fs.mkdirSync(dir, { recursive: true });
  return dir;
};

describe('readTable', () => {
  test('CSV with a header', async () => {
    const t = await readTable(files.write('h.csv', 'a,b,y\n1,2,cat\n3,4,dog\n'));
    expect(t.columns.map((c) => c.name)).toEqual(['a', 'b', 'y']);
    expect(cells(t)).toEqual([['1', '2', 'cat'], ['3', '4', 'dog']]);
    expect(Array.from(t.columns[0].numbers)).toEqual([1, 3]);
    expect(t.header).toBe(true);
    expect(t.firstLine).toBe(2);
  });

  test('CSV without a header gets positional names', async () => {
    const t = await readTable(files.write('n.csv', '1,2,0\n3,4,1\n'));
    expect(t.columns.map((c) => c.name)).toEqual(['0', '1', '2']);
    expect(t.rows).toBe(2);
    expect(t.header).toBe(false);
  });

  test('a header over columns that are all text is recognised', async () => {
    const rows = ['1st,Male,Adult,No', '3rd,Female,Child,Yes', 'Crew,Male,Adult,No', '2nd,Female,Adult,Yes'];
    const t = await readTable(files.write('titanic.csv', `Class,Sex,Age,Survived\n${rows.join('\n')}\n`));
    expect(t.columns.map((c) => c.name)).toEqual(['Class', 'Sex', 'Age', 'Survived']);
    expect(t.rows).toBe(4);
  });

  test('all-text rows with no header stay data', async () => {
    const t = await readTable(files.write('nohead.csv', 'Male,Adult,No\nFemale,Child,Yes\nMale,Adult,No\nFemale,Adult,Yes\n'));
    expect(t.header).toBe(false);
    expect(t.rows).toBe(4);
  });

  test('TSV, quoted cells, blank lines and a BOM', async () => {
    const t = await readTable(files.write('q.tsv', '\uFEFFa\tname\n1\t"x\ty"\n\n2\tz\n'));
    expect(t.columns.map((c) => c.name)).toEqual(['a', 'name']);
    expect(cells(t)).toEqual([['1', 'x\ty'], ['2', 'z']]);
  });

  test.each([
    ['semicolons and CRLF', 'a;b;y\r\n1;"x;1";u\r\n2;z;v\r\n', ';'],
    ['tabs in a .csv', 'a\tb\ty\n1\tx\tu\n2\tz\tv\n', '\t'],
    ['pipes', 'a|b|y\n1|x|u\n2|z|v\n', '|'],
  ])('%s are detected', async (_name, text, delimiter) => {
    const t = await readTable(files.write('d.csv', text));
    expect(t.delimiter).toBe(delimiter);
    expect(t.columns.map((c) => c.name)).toEqual(['a', 'b', 'y']);
    expect(t.columns[1].dictionary[t.columns[1].codes[0]]).toBe(delimiter === ';' ? 'x;1' : 'x');
  });

  test.each([
    // Each of the first two is guessed otherwise when blank rows are not skipped, or only empty ones.
    ['empty rows between pipes', 'a|y\n\n1|x\n\n2|z\n'],
    ['rows of spaces between semicolons', 'a;y\n  \n1;u\n  \n2;v\n'],
    ['rows of spaces, tabs and delimiters only', 'a;b;y\n;;\n   \n\t\n1;x;u\n ; ; \n2;z;v\n'],
    ['blank rows before the header', '\n  \n|\na|b|y\n1|x|u\n2|z|v\n'],
    ['a quoted blank and a no-break space', 'a,b,y\r\n"  ",\u00a0,\r\n1,x,u\r\n2,z,v\r\n'],
    ['ten blank rows first, then tabs', `${' \n'.repeat(10)}a\tb\ty\n1\tx\tu\n2\tz\tv`],
  ])('%s: skipped, and the delimiter guessed, as Papa Parse\'s greedy skipping does', async (_name, text) => {
    const papa = Papa.parse<string[]>(text, { delimiter: '', delimitersToGuess: [...DELIMITERS], skipEmptyLines: 'greedy' });
    const t = await readTable(files.write('blank.csv', text));
    expect(t.delimiter).toBe(papa.meta.delimiter);
    expect([t.columns.map((c) => c.name), ...cells(t)]).toEqual(papa.data);
  });

  test('a decimal comma in a ;-delimited table', async () => {
    const t = await readTable(files.write('eu.csv', 'preis;menge;y\n12,5;3;a\n-0,25;4;b\n7;NA;a\n'));
    expect(t.decimal).toBe(',');
    expect(Array.from(t.columns[0].numbers)).toEqual([12.5, -0.25, 7]);
    const point = await readTable(files.write('point.csv', 'p;y\n12.5;a\n3,5;b\n'));
    expect(point.decimal).toBe('.');
    expect(point.columns[0].numbers[1]).toBeNaN();
    const comma = await readTable(files.write('comma.csv', 'p,y\n"12,5",a\n3,b\n'));
    expect(comma.decimal).toBe('.');
  });

  test('empty cells and the missing markers are missing; "None" is a value', async () => {
    const t = await readTable(files.write('m.csv', 'a,b,y\n1,NA,u\n,None,v\n?,N/A,u\nNaN,null,v\n 5 , x ,u\n'));
    expect(cells(t).map((row) => row.slice(0, 2))).toEqual([['1', null], [null, 'None'], [null, null], [null, null], ['5', 'x']]);
    expect(t.columns[0].numbers[4]).toBe(5);
  });

  test('JSON array of objects, and JSONL', async () => {
    const o = await readTable(files.write('o.json', '[{"a":1,"y":0},{"a":null,"y":true}]'));
    expect(cells(o)).toEqual([['1', '0'], [null, 'true']]);
    const t = await readTable(files.write('l.jsonl', '{"a":1,"y":"u"}\n\n{"a":2,"y":"v"}\n'));
    expect(t.columns.map((c) => c.name)).toEqual(['a', 'y']);
    expect(t.rows).toBe(2);
  });

  test('JSON rows: every key any row has is a column, a key a row lacks a missing cell', async () => {
    const t = await readTable(files.write('keys.jsonl', '{"a":1,"y":0}\n{"a":2,"b":"x"}\n{"y":1,"b":"z"}\n'));
    expect(t.columns.map((c) => c.name)).toEqual(['a', 'y', 'b']);
    expect(cells(t)).toEqual([['1', '0', null], ['2', null, 'x'], [null, '1', 'z']]);
  });

  test('a JSON array of arrays whose first array names the columns', async () => {
    const t = await readTable(files.write('arrays.json', '[["x","x","y"],[0.5,1,"p"],[0.25,2,"q"]]'));
    expect(t.header).toBe(true);
    expect(t.columns.map((c) => c.name)).toEqual(['x', 'x.1', 'y']);
    expect(t.rows).toBe(2);
    const plain = await readTable(files.write('plain.json', '[[0.5,1,"p"],[0.25,2,"q"]]'));
    expect(plain.header).toBe(false);
    expect(plain.rows).toBe(2);
  });

  test('UTF-8: a character split between two chunks of the stream is read whole', async () => {
    // "café,1\n" is 8 bytes; after the 4-byte header, the é of row 8,191 spans bytes 65,535–65,536,
    // across the stream's first 64 KiB chunk.
    const t = await readTable(files.write('split.csv', `a,y\n${'café,1\n'.repeat(10_000)}`));
    expect(t.encoding).toBe('utf-8');
    expect(t.columns[0].dictionary).toEqual(['café']);
  });

  test('a file that is not valid UTF-8 is read as Windows-1252: café and cafè stay two values', async () => {
    const bytes = Buffer.concat([Buffer.from('mot,y\n'), ...Array.from({ length: 6 }, (_, i) => Buffer.from([0x63, 0x61, 0x66, i % 2 ? 0xe8 : 0xe9, 0x2c, 0x30 + (i % 2), 0x0a]))]);
    const t = await readTable(files.write('cp1252.csv', bytes));
    expect(t.encoding).toBe('windows-1252');
    expect(t.columns[0].dictionary).toEqual(['café', 'cafè']);
  });

  test('a UCI .data file is a delimited table', async () => {
    const t = await readTable(files.write('adult.data', '39, State-gov, 77516, <=50K\n50, Self-emp, 83311, >50K\n'));
    expect(t.rows).toBe(2);
    expect(t.columns).toHaveLength(4);
  });

  test('progress ends with every byte and row', async () => {
    const seen: { bytes: number; totalBytes: number; rows: number }[] = [];
    const file = files.write('p.csv', 'a,y\n1,0\n2,1\n3,0\n');
    await readTable(file, { onProgress: (p) => seen.push(p) });
    expect(seen.at(-1)).toEqual({ file, bytes: 16, totalBytes: 16, rows: 3 });
  });

  test('a column of more distinct texts than the dictionary holds overflows, and keeps its numbers', async () => {
    const n = MAX_DICTIONARY + 10;
    const lines = Array.from({ length: n }, (_, i) => `${i},id${i},${i % 2}`);
    const t = await readTable(files.write('big.csv', `n,id,y\n${lines.join('\n')}\n`));
    expect(t.rows).toBe(n);
    expect(t.columns[1].overflowed).toBe(true);
    expect(t.columns[1].dictionary).toHaveLength(MAX_DICTIONARY);
    expect(t.columns[1].codes[n - 1]).toBe(OVERFLOW);
    expect(t.columns[0].numbers[n - 1]).toBe(n - 1);
    expect(t.columns[2].overflowed).toBe(false);
  });

  test.each([
    ['missing.csv', null, 'missing.csv: no such file'],
    ['empty.csv', '', 'the file is empty'],
    ['blank.csv', '\n  \n', 'the file is empty'],
    ['ragged.csv', 'a,b,y\n1,2,0\n3,4\n', 'line 3: 2 columns where the header has 3'],
    ['header-only.csv', 'a,b,y\n', 'has a header but no data rows'],
    ['quotes.csv', 'a,b\n1,"x\n', 'line'],
    ['bad.json', '{"a":', 'not valid JSON'],
    ['notarray.json', '{"a":1}', 'expected a JSON array'],
    ['header-only.json', '[["a","b","y"]]', 'has a header but no data rows'],
    ['mixed.json', '[[1,2],{"a":1}]', 'rows must be all objects or all arrays'],
    ['data.xlsx', 'x', 'unknown data format ".xlsx"; use .csv, .tsv, .txt, .data, .jsonl, .ndjson, .json (a delimited text file under another name: rename it .csv)'],
    ['folder.csv', 'dir', 'folder.csv: is a directory, not a data file'],
  ])('%s: %s', async (name, text, message) => {
    const file = text === null ? `${files.dir()}/${name}` : text === 'dir' ? makeDir(name) : files.write(name, text);
    await expect(readTable(file)).rejects.toEqual(expect.objectContaining({ code: 'E_INPUT', message: expect.stringContaining(message) }));
  });
});

describe('tableFromItems', () => {
  test('arrays take the given names when they have as many values', () => {
    const t = tableFromItems('rows', [[1, 'a'], [2, null]], (i) => `row ${i + 1}`, 1, ['x', 'c']);
    expect(t.columns.map((c) => c.name)).toEqual(['x', 'c']);
    expect(t.columns[1].codes[1]).toBe(MISSING);
  });
});
