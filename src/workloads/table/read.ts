import { isUtf8 } from 'node:buffer';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline';
import Papa from 'papaparse';
import { InputError } from '../../util/errors';
import { detectDecimalMark, type DecimalMark } from './cell';
import { detectEncoding } from './encoding';
import { detectHeader, HEADER_SAMPLE_ROWS } from './header';
import { TableBuilder } from './builder';
import type { RawTable, TextEncoding } from './store';
import { Transform, type Readable } from 'node:stream';

export const DATA_EXTENSIONS = ['.csv', '.tsv', '.txt', '.data', '.jsonl', '.ndjson', '.json'] as const;

/** Delimiters a `.csv` or `.txt` file may use; Papa Parse picks the one that splits the first rows evenly. */
export const DELIMITERS = [',', ';', '\t', '|'] as const;

/** How far reading a file has got. */
export interface ReadProgress {
  file: string;
  bytes: number;
  totalBytes: number;
  rows: number;
}

export interface ReadOptions {
  /** Whether the first row names the columns. @default detected: see `detectHeader` */
  header?: boolean;
  /** The decimal mark of the numbers. @default detected: see `detectDecimalMark` */
  decimal?: DecimalMark;
  /** Called a few times a second while a large file is read. */
  onProgress?: (progress: ReadProgress) => void;
  /**
   * Called with the file's bytes as they are read, each once and in order (to hash the
   * file in the same read). A file that fails to read may stop part way.
   */
  onBytes?: (bytes: Uint8Array) => void;
}

const PROGRESS_INTERVAL_MS = 250;

/**
 * Reads a data file into columns, streaming: memory grows with the cells (about 12
 * bytes each), not with the text. CSV/TSV: quoted fields, a BOM, CRLF, and `,` `;`
 * tab `|` delimiters; a header row is detected (`detectHeader`), else the columns are
 * named by position (`0`, `1`, …). JSON: an array of objects (keys are columns) or of
 * arrays. JSONL: one object or array a line. Missing cells: see `isMissingText`.
 * @throws InputError naming the file, and the line where one is at fault.
 */
export async function readTable(file: string, options: ReadOptions = {}): Promise<RawTable> {
  const ext = path.extname(file).toLowerCase();
  let totalBytes: number;
  try {
    const stat = fs.statSync(file);
    if (stat.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    totalBytes = stat.size;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(code === 'ENOENT' ? `${file}: no such file` : code === 'EISDIR' ? `${file}: is a directory, not a data file` : `${file}: cannot be read (${code})`, { cause: err });
  }
  if (!(DATA_EXTENSIONS as readonly string[]).includes(ext)) {
    throw new InputError(`${file}: unknown data format "${ext || '(none)'}"; use ${DATA_EXTENSIONS.join(', ')} (a delimited text file under another name: rename it .csv)`);
  }
  const progress = throttledProgress(file, totalBytes, options.onProgress);
  const table =
    ext === '.json'
      ? readJsonDocument(file, options)
      : ext === '.jsonl' || ext === '.ndjson'
        ? await readJsonLines(file, progress, options)
        : await readDelimited(file, ext, options, progress);
  progress.done(table.rows);
  return table;
}

function throttledProgress(file: string, totalBytes: number, onProgress: ReadOptions['onProgress']) {
  let last = Date.now();
  let bytes = 0;
  return {
    advance(byteCount: number, rows: number) {
      bytes += byteCount;
      const now = Date.now();
      if (onProgress && now - last >= PROGRESS_INTERVAL_MS) {
        last = now;
        onProgress({ file, bytes, totalBytes, rows });
      }
    },
    done(rows: number) {
      onProgress?.({ file, bytes: totalBytes, totalBytes, rows });
    },
  };
}

type Progress = ReturnType<typeof throttledProgress>;

/** Bytes the file is read in: Papa Parse guesses the delimiter from the first chunk's text. */
const CHUNK_BYTES = 1 << 16;

function openStream(file: string, progress: Progress, rows: () => number, onBytes: ReadOptions['onBytes']): fs.ReadStream {
  const stream = fs.createReadStream(file, { highWaterMark: CHUNK_BYTES });
  // Opened without an encoding: every chunk is bytes.
  stream.on('data', (chunk) => {
    onBytes?.(chunk as Buffer);
    progress.advance(chunk.length, rows());
  });
  return stream;
}

/**
 * The file's text, decoded as `encoding` chunk by chunk: a character whose bytes straddle
 * two chunks is decoded whole (a Buffer chunk decoded alone would split it in two).
 */
function openTextStream(file: string, progress: Progress, rows: () => number, encoding: TextEncoding, onBytes: ReadOptions['onBytes']): { text: Readable; close: () => void } {
  const raw = openStream(file, progress, rows, onBytes);
  const decoder = new TextDecoder(encoding);
  const text = new Transform({
    readableObjectMode: true,
    transform(chunk: Buffer, _encoding, done) {
      const decoded = decoder.decode(chunk, { stream: true });
      done(null, decoded === '' ? undefined : decoded);
    },
    flush(done) {
      const rest = decoder.decode();
      done(null, rest === '' ? undefined : rest);
    },
  });
  raw.on('error', (err) => text.destroy(err));
  raw.pipe(text);
  return { text, close: () => (raw.destroy(), text.destroy()) };
}

function readDelimited(file: string, ext: string, options: ReadOptions, progress: Progress): Promise<RawTable> {
  return new Promise((resolve, reject) => {
    const head: string[][] = [];
    let builder: TableBuilder | null = null;
    let width = 0;
    let hasHeader = false;
    let failure: InputError | null = null;
    const encoding = detectEncoding(file);
    const delimiter = ext === '.tsv' ? '\t' : guessDelimiter(file, encoding);
    const stream = openTextStream(file, progress, () => builder?.rows ?? 0, encoding, options.onBytes);

    // The first rows wait until the header is decided; after that, rows go straight in.
    const start = () => {
      if (head.length === 0) return;
      hasHeader = options.header ?? detectHeader(head);
      width = head[0].length;
      const names = hasHeader ? uniqueNames(head[0]) : head[0].map((_, i) => String(i));
      builder = new TableBuilder(names, options.decimal ?? detectDecimalMark(head.slice(hasHeader ? 1 : 0), delimiter));
      add(head.slice(hasHeader ? 1 : 0), hasHeader ? 1 : 0);
    };
    /** Adds rows whose first is row `first` of the file's, once all are checked. */
    const add = (rows: string[][], first: number) => {
      for (let i = 0; i < rows.length; i++) {
        if (rows[i].length === width) continue;
        const what = hasHeader ? 'header has' : 'first row has';
        throw new InputError(`${file}: line ${first + i + 1}: ${rows[i].length} columns where the ${what} ${width}`);
      }
      builder!.addRows(rows);
    };
    let index = 0;
    Papa.parse<string[]>(stream.text as unknown as File, {
      delimiter,
      // Blank rows are skipped below, the way Papa Parse's 'greedy' does, but without joining every row's cells.
      skipEmptyLines: false,
      chunk(results, parser) {
        try {
          const quoteError = results.errors.find((e) => e.type === 'Quotes');
          if (quoteError) throw new InputError(`${file}: line ${index + (quoteError.row ?? 0) + 1}: ${quoteError.message.toLowerCase()}`);
          let rows = withoutBlankRows(results.data);
          if (index === 0 && rows.length > 0 && rows[0][0]) rows[0][0] = rows[0][0].replace(/^\uFEFF/, '');
          if (!builder) {
            const taken = Math.min(rows.length, HEADER_SAMPLE_ROWS + 1 - head.length);
            head.push(...rows.slice(0, taken));
            index += taken;
            rows = rows.slice(taken);
            if (head.length > HEADER_SAMPLE_ROWS) start();
          }
          if (builder && rows.length > 0) {
            add(rows, index);
            index += rows.length;
          }
        } catch (err) {
          failure = err as InputError;
          parser.abort();
        }
      },
      complete() {
        stream.close();
        if (failure) return reject(failure);
        try {
          if (!builder) start();
          if (!builder) throw new InputError(`${file}: the file is empty`);
          if (builder.rows === 0) throw new InputError(`${file}: the file has a header but no data rows`);
          // Papa reports line numbers only for errors; with blank lines skipped, count rows.
          resolve(builder.finish({ file, firstLine: hasHeader ? 2 : 1, header: hasHeader, delimiter, encoding }));
        } catch (err) {
          reject(err);
        }
      },
      error(err) {
        reject(new InputError(`${file}: cannot be read (${err.message})`, { cause: err }));
      },
    });
  });
}

/**
 * The delimiter of a delimited file, as Papa Parse guesses it from the text of the
 * stream's first chunk: the one of `DELIMITERS` that splits its first rows most evenly
 * (with blank rows skipped), else `,`. Guessed apart from the streaming parse, which is
 * then told it: that parse does not skip blank rows itself (see `withoutBlankRows`),
 * and the guess must not change with that.
 */
function guessDelimiter(file: string, encoding: TextEncoding): string {
  const head = Buffer.alloc(CHUNK_BYTES);
  const fd = fs.openSync(file, 'r');
  let length: number;
  try {
    length = fs.readSync(fd, head, 0, CHUNK_BYTES, 0);
  } finally {
    fs.closeSync(fd);
  }
  // As the stream decodes its first chunk: a character cut at its end waits for the next.
  const text = new TextDecoder(encoding).decode(head.subarray(0, length), { stream: true });
  return Papa.parse<string[]>(text, { delimiter: '', delimitersToGuess: [...DELIMITERS], skipEmptyLines: 'greedy', preview: 1 }).meta.delimiter;
}

/** The rows that are not blank: Papa Parse's `skipEmptyLines: 'greedy'`, where a row of only whitespace is blank. */
function withoutBlankRows(rows: string[][]): string[][] {
  return rows.some(isBlankRow) ? rows.filter((row) => !isBlankRow(row)) : rows;
}

function isBlankRow(row: readonly string[]): boolean {
  for (const cell of row) {
    if (cell.length === 0) continue;
    // Printable ASCII first: trim() only for what may be whitespace.
    const first = cell.charCodeAt(0);
    if ((first > 32 && first < 127) || cell.trim() !== '') return false;
  }
  return true;
}

/** Header names, with empty ones named by position and repeats numbered, so every column can be named. */
function uniqueNames(cells: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return cells.map((cell, i) => {
    const name = cell.trim() || String(i);
    const count = seen.get(name) ?? 0;
    seen.set(name, count + 1);
    return count === 0 ? name : `${name}.${count}`;
  });
}

function readJsonDocument(file: string, options: ReadOptions): RawTable {
  let text: string;
  try {
    const bytes = fs.readFileSync(file);
    options.onBytes?.(bytes);
    text = new TextDecoder(isUtf8(bytes) ? 'utf-8' : 'windows-1252').decode(bytes).replace(/^\uFEFF/, '');
  } catch (err) {
    throw new InputError(`${file}: cannot be read (${(err as NodeJS.ErrnoException).code})`, { cause: err });
  }
  if (text.trim() === '') throw new InputError(`${file}: the file is empty`);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new InputError(`${file}: not valid JSON (${(err as Error).message})`, { cause: err });
  }
  if (!Array.isArray(doc)) throw new InputError(`${file}: expected a JSON array of rows (objects or arrays)`);
  return tableFromItems(file, doc, (i) => `item ${i + 1}`, 1, undefined, options.decimal, options.header);
}

async function readJsonLines(file: string, progress: Progress, options: ReadOptions): Promise<RawTable> {
  const items: unknown[] = [];
  const lines: number[] = [];
  const input = readline.createInterface({ input: openStream(file, progress, () => items.length, options.onBytes), crlfDelay: Infinity });
  let n = 0;
  for await (const line of input) {
    n += 1;
    if (line.trim() === '') continue;
    try {
      items.push(JSON.parse(line));
    } catch {
      input.close();
      throw new InputError(`${file}: line ${n}: not valid JSON`);
    }
    lines.push(n);
  }
  return tableFromItems(file, items, (i) => `line ${lines[i]}`, lines[0] ?? 1, undefined, options.decimal, options.header);
}

/**
 * A table from rows given as values: objects (the columns are every key any row has, in
 * the order they first appear; a key a row lacks is a missing cell) or arrays (a first
 * array of names is a header when `detectHeader` says so, or `header` is true; else
 * columns are named by position, unless `names` are given). Numbers and booleans become
 * their text; null and undefined are missing; texts of numbers are read with `decimal`
 * as the decimal mark (JavaScript numbers are numbers either way).
 * @throws InputError naming `where(i)` for a row that does not fit the first.
 */
export function tableFromItems(
  file: string,
  items: readonly unknown[],
  where: (i: number) => string,
  firstLine: number,
  names?: readonly string[],
  decimal: DecimalMark = '.',
  header?: boolean,
): RawTable {
  if (items.length === 0) throw new InputError(`${file}: the file has no rows`);
  if (items.every((item) => Array.isArray(item))) {
    const rows = items as unknown[][];
    const width = rows[0].length;
    const named =
      !names && (header ?? (rows[0].every((v) => typeof v === 'string') && detectHeader(rows.slice(0, HEADER_SAMPLE_ROWS + 1).map((row) => row.map((v) => cellText(v, decimal) ?? '')))));
    const builder = new TableBuilder(
      named ? uniqueNames(rows[0] as string[]) : names && names.length === width ? names : Array.from({ length: width }, (_, i) => String(i)),
      decimal,
    );
    rows.forEach((row, i) => {
      if (named && i === 0) return;
      if (row.length !== width) throw new InputError(`${file}: ${where(i)}: ${row.length} values where the first row has ${width}`);
      builder.add(row.map((value) => cellText(value, decimal)));
    });
    if (named && rows.length === 1) throw new InputError(`${file}: the file has a header but no data rows`);
    return builder.finish({ file, firstLine, header: named, delimiter: null });
  }
  if (items.every((item) => item !== null && typeof item === 'object' && !Array.isArray(item))) {
    const keys = new Set<string>();
    for (const item of items) for (const key of Object.keys(item as object)) keys.add(key);
    const columns = [...keys];
    const builder = new TableBuilder(columns, decimal);
    for (const item of items) {
      const record = item as Record<string, unknown>;
      builder.add(columns.map((c) => cellText(record[c], decimal)));
    }
    return builder.finish({ file, firstLine, header: true, delimiter: null });
  }
  throw new InputError(`${file}: rows must be all objects or all arrays`);
}

function cellText(value: unknown, decimal: DecimalMark): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number') return Number.isNaN(value) ? null : decimal === ',' ? String(value).replace('.', ',') : String(value);
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
