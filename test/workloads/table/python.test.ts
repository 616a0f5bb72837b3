import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadDataFile } from '../../../src/workloads/data-file';
import { encodeTable } from '../../../src/workloads/table/encode';
import { readTable } from '../../../src/workloads/table/read';
import { tempDir } from '../../helpers/files';
import { describeNeeding, program } from '../../helpers/requirements';

const files = tempDir('python');

/** The Python snippet for applying a preparation, as docs/data-and-models.md publishes it. */
function readmeSnippet(): string {
  const page = fs.readFileSync(path.join(__dirname, '../../../docs/data-and-models.md'), 'utf8');
  const block = /```python\n([\s\S]*?)```/.exec(page.slice(page.indexOf('### From Python')));
  if (!block) throw new Error('docs/data-and-models.md has no Python snippet after "### From Python"');
  return block[1];
}

/** Text as Windows-1252 bytes: Latin-1 for the characters it shares, 0x80 for the euro sign. */
const windows1252 = (text: string) => Buffer.from([...text].map((ch) => (ch === '€' ? 0x80 : ch.charCodeAt(0))));

// Python is not a dependency of autobatch: without it there is nothing to run (CI has it: setup tensorflow needs it).
describeNeeding(program('python3', 'apt-get install -y python3'))('the published Python snippet', () => {
  test.each([',', ';'])('encodes a table as applyPreparation does (delimiter %s)', async (delimiter) => {
    const decimal = (v: number) => (delimiter === ';' ? v.toFixed(1).replace('.', ',') : v.toFixed(1));
    // Formatted numbers as reports export them: currency, thousands separators, percents.
    const money = (i: number) => {
      const euros = (1000 * i + 0.5).toFixed(2);
      const [whole, cents] = euros.split('.');
      const grouped = whole.replace(/\B(?=(\d{3})+$)/g, delimiter === ';' ? '.' : ',');
      return delimiter === ';' ? `${grouped},${cents} €` : `"${i % 2 ? '-' : ''}$${grouped}.${cents}"`;
    };
    const share = (i: number) => `${decimal(i * 2.5 - 20)}${i % 3 ? '%' : ' %'}`;
    // The ;-file is saved as Windows-1252, as a spreadsheet on Windows saves it: two cities differ only by an accent.
    const lines = Array.from({ length: 40 }, (_, i) =>
      [i % 6 === 0 ? 'NA' : 20 + i, `"${['Oslo', 'Rome', 'Lima', '', delimiter === ';' ? 'Bogotá' : 'Kyiv', delimiter === ';' ? 'Bogotà' : 'Kyiv'][i % 6]}"`, decimal(i * 1.5), money(i), share(i), i % 2 ? 'yes' : 'no'].join(delimiter),
    );
    const text = `${['age', 'city', 'score', 'revenue', 'margin', 'y'].join(delimiter)}\n${lines.join('\n')}\n`;
    const csv = files.write('train.csv', delimiter === ';' ? windows1252(text) : text);
    const { preparation } = await loadDataFile(csv, { standardize: true, seed: 2, validationSplit: 0.25 });
    expect(preparation.source.encoding).toBe(delimiter === ';' ? 'windows-1252' : 'utf-8');
    if (delimiter === ';') expect(preparation.columns.find((c) => c.name === 'city')!.categorical!.categories).toEqual(expect.arrayContaining(['Bogotá', 'Bogotà']));
    // The formatted columns are numbers, not text.
    for (const name of ['revenue', 'margin']) expect(preparation.columns.find((c) => c.name === name)!.kind).toBe('numeric');
    fs.writeFileSync(path.join(files.dir(), 'rec.json'), JSON.stringify({ preparation }));
    const script = `${readmeSnippet()}\nprint(json.dumps(rows))\n`;
    const run = spawnSync('python3', ['-c', script], { cwd: files.dir(), encoding: 'utf8' });
    expect(run.stderr).toBe('');
    const fromPython: number[][] = JSON.parse(run.stdout);
    const encoded = encodeTable(preparation, await readTable(csv));
    expect(fromPython).toHaveLength(encoded.rows);
    fromPython.forEach((row, r) => {
      expect(row).toHaveLength(encoded.width);
      row.forEach((v, j) => expect(v).toBeCloseTo(encoded.x[r * encoded.width + j], 5));
    });
  });
});
