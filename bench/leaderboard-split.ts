/**
 * The leaderboard's test splits: a seeded share of a workload's rows set aside before any
 * method runs; the rest, the dev rows, are all any method chooses on. A table is split as
 * text: its rows written back to a dev file and a test file in the source's own format
 * (CSV cells as read, JSON objects as they were), so autobatch reads the dev file as a
 * user's file, and the test rows later go through the preparation autobatch fitted on the
 * dev training rows.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Papa from 'papaparse';
import { isMissingText } from '../src/workloads/table/missing';
import { createRandom, shuffledIndices } from '../src/util/random';

/** Share of the rows in the test split. */
export const TEST_SHARE = 0.2;
/** Below this many labelled rows a table gets several outer splits (one test split each). */
export const OUTER_SPLIT_ROWS = 2000;
/** The test splits' seeds: the first is every workload's, the others the small tables' further splits. */
export const TEST_SEEDS = [101, 102, 103] as const;

/** The seeds of a workload's test splits: 3 for a table of fewer than `OUTER_SPLIT_ROWS` rows, else 1; at most `limit`. */
export function testSeeds(rows: number, limit: number = TEST_SEEDS.length): number[] {
  return TEST_SEEDS.slice(0, Math.max(1, Math.min(limit, rows < OUTER_SPLIT_ROWS ? TEST_SEEDS.length : 1)));
}

/**
 * The dev and test rows of `n` rows: a seeded shuffle, its first `share` the test rows,
 * each part in row order (bench/leaderboard-models/common.cjs draws the same).
 * @throws RangeError when either part would be empty.
 */
export function splitRows(n: number, seed: number, share = TEST_SHARE): { dev: number[]; test: number[] } {
  const testCount = Math.round(n * share);
  if (testCount < 1 || testCount >= n) throw new RangeError(`${n} rows cannot be split ${Math.round(share * 100)} % for a test split`);
  const order = shuffledIndices(n, createRandom(seed));
  const byRow = (a: number, b: number) => a - b;
  return { dev: order.slice(testCount).sort(byRow), test: order.slice(0, testCount).sort(byRow) };
}

/** A table's rows as read: CSV rows of cells (the header apart), or JSON objects. */
export type TableRows =
  | { format: 'csv'; delimiter: string; header: string[]; rows: string[][] }
  | { format: 'json'; rows: Record<string, unknown>[] };

/** Reads a .csv/.tsv/.txt (first row the header) or a .json array of objects. */
export function readTableRows(file: string): TableRows {
  const text = fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  if (path.extname(file).toLowerCase() === '.json') {
    const rows = JSON.parse(text) as unknown;
    if (!Array.isArray(rows) || rows.some((r) => !r || typeof r !== 'object' || Array.isArray(r))) throw new Error(`${file}: not a JSON array of objects`);
    return { format: 'json', rows: rows as Record<string, unknown>[] };
  }
  const parsed = Papa.parse<string[]>(text, { skipEmptyLines: 'greedy' });
  const [header, ...rows] = parsed.data;
  if (!header) throw new Error(`${file}: empty`);
  return { format: 'csv', delimiter: parsed.meta.delimiter, header, rows };
}

/** Each row's label as text, or null where it is missing (autobatch drops those rows). */
export function labelsOf(table: TableRows, label: string): (string | null)[] {
  if (table.format === 'json') {
    return table.rows.map((r) => {
      const v = r[label];
      return v === null || v === undefined || (typeof v === 'string' && isMissingText(v)) ? null : String(v).trim();
    });
  }
  const column = table.header.indexOf(label);
  if (column < 0) throw new Error(`no label column "${label}"`);
  return table.rows.map((r) => (r[column] === undefined || isMissingText(r[column]) ? null : r[column].trim()));
}

/** Writes the rows `indices` of `table` to `file`, in the table's own format. */
export function writeTableRows(file: string, table: TableRows, indices: readonly number[]): void {
  const text =
    table.format === 'json'
      ? JSON.stringify(indices.map((i) => table.rows[i]))
      : Papa.unparse([table.header, ...indices.map((i) => table.rows[i])], { delimiter: table.delimiter, newline: '\n' });
  fs.writeFileSync(file, `${text}\n`);
}

/**
 * Whether a test row's label is one of the classes autobatch found in the dev rows: a
 * class only the test rows have cannot be scored (`applyPreparation` refuses it).
 */
export function isKnownClass(value: string, classes: readonly string[]): boolean {
  return classes.includes(value) || (value !== '' && !Number.isNaN(Number(value)) && classes.some((c) => c !== '' && Number(c) === Number(value)));
}
