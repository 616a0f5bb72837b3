import { parseNumber, type DecimalMark } from './cell';
import { isMissingText } from './missing';
import { MAX_DICTIONARY, MISSING, OVERFLOW, type RawColumn, type RawTable } from './store';

/** A row of cell texts; null or undefined is a missing cell. */
export type CellRow = readonly (string | null | undefined)[];

/** Rows of the first block of a column's arrays; each next block has twice as many, up to `MAX_BLOCK_ROWS`. */
const FIRST_BLOCK_ROWS = 1024;
const MAX_BLOCK_ROWS = 1 << 16;

/**
 * Adds rows of cell texts, a batch at a time. The columns' arrays fill block by block,
 * joined once at the end: no array is copied as it grows.
 */
export class TableBuilder {
  private count = 0;
  private blockRows = FIRST_BLOCK_ROWS;
  /** Rows in the current block. */
  private used = 0;
  private readonly columns: ColumnBuilder[];

  constructor(
    readonly names: readonly string[],
    private readonly decimal: DecimalMark = '.',
  ) {
    this.columns = names.map(() => new ColumnBuilder(decimal, this.blockRows));
  }

  get rows(): number {
    return this.count;
  }

  /** Adds one row; `cells` must have one entry a column. */
  add(cells: CellRow): void {
    this.addRows([cells]);
  }

  /** Adds rows in order; each must have one entry a column. */
  addRows(rows: readonly CellRow[]): void {
    for (let from = 0; from < rows.length; ) {
      if (this.used === this.blockRows) this.nextBlock();
      const to = Math.min(rows.length, from + this.blockRows - this.used);
      // Column by column, not row by row: one column's dictionary stays in the cache for the whole batch.
      for (let c = 0; c < this.columns.length; c++) this.columns[c].addCells(rows, from, to, c, this.used);
      this.used += to - from;
      this.count += to - from;
      from = to;
    }
  }

  finish(meta: Omit<RawTable, 'columns' | 'rows' | 'decimal'>): RawTable {
    const columns = this.names.map((name, c) => this.columns[c].finish(name, this.count, this.used));
    // The builder may stay reachable from the parser's closures: it must not keep the
    // blocks alive beside the joined arrays.
    this.columns.length = 0;
    return { ...meta, decimal: this.decimal, columns, rows: this.count };
  }

  private nextBlock(): void {
    this.blockRows = Math.min(2 * this.blockRows, MAX_BLOCK_ROWS);
    this.used = 0;
    for (const column of this.columns) column.startBlock(this.blockRows);
  }
}

/**
 * Small integers are looked up by value, not by text: `-0` to `-16383` and `0` to
 * `16383`, written plainly (no sign but `-`, no leading zero, no spaces), each have a
 * slot. A column of counts, years or codes then costs no hashing of its texts; every
 * other text goes through the column's map. A column's slots take at most 128 KiB while
 * it is read, and only as many as its largest such integer needs.
 */
const SMALL_INTEGER_LIMIT = 1 << 14;

/** The slot of a plainly written small integer's text (`0` → 0, `-0` → 1, `1` → 2, `-1` → 3, …), or -1. */
export function smallIntegerSlot(text: string): number {
  const negative = text.charCodeAt(0) === 45; // '-'
  const start = negative ? 1 : 0;
  const length = text.length - start;
  if (length < 1 || length > 5) return -1;
  let value = 0;
  for (let i = start; i < text.length; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  // A leading zero ("05") is another text of the same value: it takes the map.
  if (length > 1 && text.charCodeAt(start) === 48) return -1;
  return value < SMALL_INTEGER_LIMIT ? value * 2 + (negative ? 1 : 0) : -1;
}

/** One column's cells while a table is read: codes, numbers and the dictionary. */
class ColumnBuilder {
  /** The current block's codes and numbers. */
  private codes: Int32Array;
  private numbers: Float64Array;
  private readonly fullBlocks: { codes: Int32Array; numbers: Float64Array }[] = [];
  /** Every dictionary text's code, and the missing markers seen, as MISSING. */
  private readonly lookup = new Map<string, number>();
  /** Per `smallIntegerSlot`: the text's code + 1, 0 for a text not seen; grown as larger ones come. */
  private bySlot = new Int32Array(0);
  private readonly dictionary: string[] = [];
  /** The number of each dictionary text, parsed once. */
  private readonly dictionaryNumbers: number[] = [];
  private overflowed = false;

  constructor(
    private readonly decimal: DecimalMark,
    blockRows: number,
  ) {
    this.codes = new Int32Array(blockRows);
    this.numbers = new Float64Array(blockRows);
  }

  /** Writes cell `c` of rows `from` to `to` into the current block, from its row `start`. */
  addCells(rows: readonly CellRow[], from: number, to: number, c: number, start: number): void {
    const { codes, numbers, dictionaryNumbers } = this;
    for (let i = from; i < to; i++) {
      const r = start + i - from;
      let text = rows[i][c];
      if (text === null || text === undefined) {
        codes[r] = MISSING;
        numbers[r] = NaN;
        continue;
      }
      if (text.length > 0 && (text.charCodeAt(0) <= 32 || text.charCodeAt(text.length - 1) <= 32)) text = text.trim();
      const code = this.codeOf(text);
      codes[r] = code;
      numbers[r] = code >= 0 ? dictionaryNumbers[code] : code === MISSING ? NaN : (parseNumber(text, this.decimal) ?? NaN);
    }
  }

  private codeOf(text: string): number {
    const slot = smallIntegerSlot(text);
    const known = slot >= 0 && slot < this.bySlot.length ? this.bySlot[slot] - 1 : -1;
    if (known >= 0) return known;
    return this.lookup.get(text) ?? this.enter(text, slot);
  }

  /** A new text's code: MISSING for a marker, a new dictionary entry, or OVERFLOW past the dictionary. */
  private enter(text: string, slot: number): number {
    if (isMissingText(text)) {
      this.lookup.set(text, MISSING);
      return MISSING;
    }
    if (this.dictionary.length >= MAX_DICTIONARY) {
      this.overflowed = true;
      return OVERFLOW;
    }
    const code = this.dictionary.push(text) - 1;
    this.dictionaryNumbers.push(parseNumber(text, this.decimal) ?? NaN);
    this.lookup.set(text, code);
    if (slot >= 0) this.slotAt(slot, code);
    return code;
  }

  private slotAt(slot: number, code: number): void {
    if (slot >= this.bySlot.length) {
      let length = Math.max(64, this.bySlot.length);
      while (length <= slot) length *= 2;
      const grown = new Int32Array(length);
      grown.set(this.bySlot);
      this.bySlot = grown;
    }
    this.bySlot[slot] = code + 1;
  }

  startBlock(blockRows: number): void {
    this.fullBlocks.push({ codes: this.codes, numbers: this.numbers });
    this.codes = new Int32Array(blockRows);
    this.numbers = new Float64Array(blockRows);
  }

  /** The column, its blocks joined: `rows` in all, `used` of them in the current block. */
  finish(name: string, rows: number, used: number): RawColumn {
    const codes = new Int32Array(rows);
    const numbers = new Float64Array(rows);
    let at = 0;
    for (const block of [...this.fullBlocks, { codes: this.codes.subarray(0, used), numbers: this.numbers.subarray(0, used) }]) {
      codes.set(block.codes, at);
      numbers.set(block.numbers, at);
      at += block.codes.length;
    }
    return { name, codes, numbers, dictionary: this.dictionary, overflowed: this.overflowed };
  }
}
