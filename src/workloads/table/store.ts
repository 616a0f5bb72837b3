import { parseNumber, type DecimalMark } from './cell';
import { isMissingText } from './missing';

/** A cell's code for a missing value. */
export const MISSING = -1;
/** A cell's code for a text past the column's dictionary (see `MAX_DICTIONARY`). */
export const OVERFLOW = -2;
/**
 * Distinct texts a column keeps. A column with more is an identifier or a continuous
 * number: neither needs its texts, so memory stays bounded by the number of cells.
 */
export const MAX_DICTIONARY = 50_000;

/**
 * One column, stored by code: each cell is an index into the column's dictionary of
 * distinct texts (or `MISSING`, `OVERFLOW`), and its number. About 12 bytes a cell
 * however long the texts, so a large file does not become millions of strings.
 */
export interface RawColumn {
  readonly name: string;
  /** Per cell: a dictionary index, `MISSING` or `OVERFLOW`. */
  readonly codes: Int32Array;
  /** Per cell: the number the cell writes; NaN for text and missing cells. */
  readonly numbers: Float64Array;
  /** The distinct texts, in order of first appearance. */
  readonly dictionary: readonly string[];
  /** Whether some texts did not fit the dictionary. */
  readonly overflowed: boolean;
}

/** A data file read into columns. */
export interface RawTable {
  readonly file: string;
  readonly columns: readonly RawColumn[];
  readonly rows: number;
  /** The file's line (CSV, JSONL) or item (JSON) number of row 0; later rows count on from it. */
  readonly firstLine: number;
  /** Whether the file's first row named the columns (else they are named `0`, `1`, …). */
  readonly header: boolean;
  /** The delimiter of a CSV or TSV file; null for JSON. */
  readonly delimiter: string | null;
  /** How its numbers write the decimal point. */
  readonly decimal: DecimalMark;
  /** The text encoding it was read with: `windows-1252` when the file is not valid UTF-8 (see `detectEncoding`). */
  readonly encoding?: TextEncoding;
}

/** Text encodings a data file is read with. */
export type TextEncoding = 'utf-8' | 'windows-1252';

/** Where row `row` of `table` came from, for error messages. */
export function lineOf(table: RawTable, row: number): number {
  return table.firstLine + row;
}

/** Adds rows of cell texts one at a time, growing the columns' arrays by doubling. */
export class TableBuilder {
  private capacity = 1024;
  private count = 0;
  private readonly codes: Int32Array[];
  private readonly numbers: Float64Array[];
  private readonly lookups: Map<string, number>[];
  private readonly dictionaries: string[][];
  /** The number of each dictionary text, parsed once. */
  private readonly dictionaryNumbers: number[][];
  private readonly overflowed: boolean[];

  constructor(
    readonly names: readonly string[],
    private readonly decimal: DecimalMark = '.',
  ) {
    this.codes = names.map(() => new Int32Array(this.capacity));
    this.numbers = names.map(() => new Float64Array(this.capacity));
    this.lookups = names.map(() => new Map());
    this.dictionaries = names.map(() => []);
    this.dictionaryNumbers = names.map(() => []);
    this.overflowed = names.map(() => false);
  }

  get rows(): number {
    return this.count;
  }

  /** Adds one row; `cells` must have one entry a column (null or undefined: missing). */
  add(cells: readonly (string | null | undefined)[]): void {
    if (this.count === this.capacity) this.grow();
    const r = this.count++;
    for (let c = 0; c < this.names.length; c++) {
      let text = cells[c];
      if (text === null || text === undefined) {
        this.codes[c][r] = MISSING;
        this.numbers[c][r] = NaN;
        continue;
      }
      if (text.length > 0 && (text.charCodeAt(0) <= 32 || text.charCodeAt(text.length - 1) <= 32)) text = text.trim();
      // One map lookup a cell: the missing markers are in the map too, as MISSING.
      const lookup = this.lookups[c];
      let code = lookup.get(text);
      if (code === undefined) code = this.enter(c, text);
      this.codes[c][r] = code;
      this.numbers[c][r] = code >= 0 ? this.dictionaryNumbers[c][code] : code === MISSING ? NaN : (parseNumber(text, this.decimal) ?? NaN);
    }
  }

  /** A new text's code: MISSING for a marker, a new dictionary entry, or OVERFLOW past the dictionary. */
  private enter(c: number, text: string): number {
    if (isMissingText(text)) {
      this.lookups[c].set(text, MISSING);
      return MISSING;
    }
    if (this.dictionaries[c].length >= MAX_DICTIONARY) {
      this.overflowed[c] = true;
      return OVERFLOW;
    }
    const code = this.dictionaries[c].push(text) - 1;
    this.dictionaryNumbers[c].push(parseNumber(text, this.decimal) ?? NaN);
    this.lookups[c].set(text, code);
    return code;
  }

  finish(meta: Omit<RawTable, 'columns' | 'rows' | 'decimal'>): RawTable {
    const columns = this.names.map((name, c) => ({
      name,
      codes: this.codes[c].slice(0, this.count),
      numbers: this.numbers[c].slice(0, this.count),
      dictionary: this.dictionaries[c],
      overflowed: this.overflowed[c],
    }));
    // The builder may stay reachable from the parser's closures: it must not keep the
    // oversized arrays alive beside the trimmed copies.
    this.codes.length = 0;
    this.numbers.length = 0;
    this.lookups.length = 0;
    return { ...meta, decimal: this.decimal, columns, rows: this.count };
  }

  private grow(): void {
    this.capacity *= 2;
    for (let c = 0; c < this.names.length; c++) {
      const codes = new Int32Array(this.capacity);
      codes.set(this.codes[c]);
      this.codes[c] = codes;
      const numbers = new Float64Array(this.capacity);
      numbers.set(this.numbers[c]);
      this.numbers[c] = numbers;
    }
  }
}

/** ` (did you mean "Survived"?)` when `name` matches one of `names` but for case and surrounding spaces; else empty. */
export function didYouMean(name: string, names: readonly string[]): string {
  const key = name.trim().toLowerCase();
  const match = names.find((n) => n.trim().toLowerCase() === key);
  return match === undefined ? '' : ` (did you mean "${match}"?)`;
}
