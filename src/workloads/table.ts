import * as fs from 'node:fs';
import * as path from 'node:path';
import Papa from 'papaparse';
import { InputError } from '../errors';

/** A data file read into rows of cells: strings from CSV/TSV, any JSON value from JSON. */
export interface Table {
  file: string;
  columns: string[];
  rows: unknown[][];
  /** 1-based line (CSV, JSONL) or item (JSON) number of each row, for error messages. */
  lines: number[];
}

export const DATA_EXTENSIONS = ['.csv', '.tsv', '.jsonl', '.ndjson', '.json'] as const;

/**
 * Reads a data file. CSV and TSV: a header row is detected (the first row has a
 * non-numeric cell where the second row is numeric); without one, columns are named
 * by position (`0`, `1`, …). JSON: an array of objects (keys are columns) or of
 * arrays. JSONL: one object or array a line.
 * @throws InputError naming the file, and the line where one is at fault.
 */
export function readTable(file: string): Table {
  const ext = path.extname(file).toLowerCase();
  if (!(DATA_EXTENSIONS as readonly string[]).includes(ext)) {
    throw new InputError(`${file}: unknown data format "${ext || '(none)'}"; use ${DATA_EXTENSIONS.join(', ')}`);
  }
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(code === 'ENOENT' ? `${file}: no such file` : `${file}: cannot be read (${code})`, { cause: err });
  }
  if (text.trim() === '') throw new InputError(`${file}: the file is empty`);
  if (ext === '.csv' || ext === '.tsv') return readDelimited(file, text, ext === '.tsv' ? '\t' : ',');
  return readJson(file, text, ext === '.json');
}

function readDelimited(file: string, text: string, delimiter: string): Table {
  const parsed = Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), { delimiter, skipEmptyLines: 'greedy' });
  const quoteError = parsed.errors.find((e) => e.type === 'Quotes');
  if (quoteError) throw new InputError(`${file}: line ${(quoteError.row ?? 0) + 1}: ${quoteError.message.toLowerCase()}`);
  const data = parsed.data.map((row) => row.map((cell) => cell.trim()));
  if (data.length === 0) throw new InputError(`${file}: the file has no rows`);
  if (data.length === 1 && data[0].every((cell) => !isNumeric(cell))) throw new InputError(`${file}: the file has a header but no data rows`);
  const hasHeader = data.length > 1 && data[0].some((cell, i) => !isNumeric(cell) && isNumeric(data[1][i] ?? ''));
  const width = data[0].length;
  const columns = hasHeader ? data[0].map((name, i) => name || String(i)) : data[0].map((_, i) => String(i));
  const rows = hasHeader ? data.slice(1) : data;
  const first = hasHeader ? 2 : 1;
  rows.forEach((row, i) => {
    if (row.length !== width) {
      throw new InputError(`${file}: line ${first + i}: ${row.length} columns where the ${hasHeader ? 'header has' : 'first row has'} ${width}`);
    }
  });
  if (rows.length === 0) throw new InputError(`${file}: the file has a header but no data rows`);
  // Papa reports line numbers only for errors; with blank lines skipped, count rows instead.
  return { file, columns, rows, lines: rows.map((_, i) => first + i) };
}

function readJson(file: string, text: string, wholeDocument: boolean): Table {
  let items: unknown[];
  let lines: number[];
  if (wholeDocument) {
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (err) {
      throw new InputError(`${file}: not valid JSON (${(err as Error).message})`, { cause: err });
    }
    if (!Array.isArray(doc)) throw new InputError(`${file}: expected a JSON array of rows (objects or arrays)`);
    items = doc;
    lines = doc.map((_, i) => i + 1);
  } else {
    items = [];
    lines = [];
    text.split('\n').forEach((line, i) => {
      if (line.trim() === '') return;
      try {
        items.push(JSON.parse(line));
      } catch {
        throw new InputError(`${file}: line ${i + 1}: not valid JSON`);
      }
      lines.push(i + 1);
    });
  }
  if (items.length === 0) throw new InputError(`${file}: the file has no rows`);
  const where = (i: number) => `${file}: ${wholeDocument ? 'item' : 'line'} ${lines[i]}`;
  if (items.every((item) => Array.isArray(item))) {
    const width = (items[0] as unknown[]).length;
    items.forEach((item, i) => {
      if ((item as unknown[]).length !== width) throw new InputError(`${where(i)}: ${(item as unknown[]).length} values where the first row has ${width}`);
    });
    return { file, columns: Array.from({ length: width }, (_, i) => String(i)), rows: items as unknown[][], lines };
  }
  if (items.every((item) => item !== null && typeof item === 'object' && !Array.isArray(item))) {
    const columns = Object.keys(items[0] as object);
    const rows = items.map((item, i) => {
      const record = item as Record<string, unknown>;
      const missing = columns.find((c) => !(c in record));
      if (missing !== undefined) throw new InputError(`${where(i)}: has no "${missing}"`);
      return columns.map((c) => record[c]);
    });
    return { file, columns, rows, lines };
  }
  throw new InputError(`${file}: rows must be all objects or all arrays`);
}

export function isNumeric(cell: unknown): boolean {
  if (typeof cell === 'number') return true;
  if (typeof cell !== 'string' || cell.trim() === '') return false;
  return Number.isFinite(Number(cell)) || /^[-+]?(nan|inf|infinity)$/i.test(cell.trim());
}
