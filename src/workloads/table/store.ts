import type { DecimalMark } from './cell';

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

/** ` (did you mean "Survived"?)` when `name` matches one of `names` but for case and surrounding spaces; else empty. */
export function didYouMean(name: string, names: readonly string[]): string {
  const key = name.trim().toLowerCase();
  const match = names.find((n) => n.trim().toLowerCase() === key);
  return match === undefined ? '' : ` (did you mean "${match}"?)`;
}
