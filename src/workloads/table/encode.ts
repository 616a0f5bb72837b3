import { InputError } from '../../util/errors';
import type { ColumnPreparation, Preparation } from './preparation';
import { MISSING, OVERFLOW, lineOf, type RawColumn, type RawTable } from './store';

/** A table after its preparation: row-major features, and the targets when the table has the label. */
export interface EncodedTable {
  /** `rows × features.length` values, row-major. */
  x: Float32Array;
  /** Per row: the class index, or the (transformed) regression target; null without a label column. */
  y: Float32Array | null;
  rows: number;
  width: number;
  /** Rows left out because their label is missing. */
  droppedRows: number;
}

/**
 * Applies a fitted preparation to a table read from a file (the tuner's own, or the
 * user's next one): the one place a table becomes numbers, so the tuner and the
 * user's training see the same. Columns are found by name; extra columns are ignored.
 * The rows encoded are those with a label (all, without the label column), in file
 * order, or in the order `places` gives: `places[i]` is where the i-th of them goes (a
 * permutation of 0 to n-1). A bad cell is reported where a row-by-row pass over the file
 * would meet it first: the earliest row, and in it the first column.
 * @throws InputError for a missing column, text in a numeric column, or a label that
 *   is not one of the classes.
 */
export function encodeTable(preparation: Preparation, table: RawTable, places?: Int32Array): EncodedTable {
  const byName = new Map(table.columns.map((c) => [c.name, c]));
  const encoders = preparation.columns
    .filter((c) => c.kind !== 'ignored')
    .map((prepared) => {
      const column = byName.get(prepared.name);
      if (!column) throw new InputError(`${table.file}: no column "${prepared.name}", which the preparation uses; columns: ${[...byName.keys()].join(', ')}`);
      return columnEncoder(table, prepared, column);
    });
  const labelColumn = byName.get(preparation.label.name);
  const label = labelColumn ? labelEncoder(table, preparation, labelColumn) : null;
  const rows = labelledRows(table, labelColumn ?? null);
  if (places && places.length !== rows.length) throw new RangeError(`${places.length} places for ${rows.length} rows`);
  // Read in file order, written to their places: the columns' arrays are read straight through.
  const to = places ?? Int32Array.from(rows, (_, i) => i);
  const width = preparation.features.length;
  const x = new Float32Array(rows.length * width);
  writeFeatures(encoders, { rows, to }, x, width);
  const y = label ? writeTargets(label, { rows, to }) : null;
  return { x, y, rows: rows.length, width, droppedRows: table.rows - rows.length };
}

/** Table rows to encode, in file order, and the row of the output each goes to. */
interface RowPlaces {
  rows: Int32Array;
  to: Int32Array;
}

/** The rows with a label in `labelColumn` (every row without one), in file order. */
function labelledRows(table: RawTable, labelColumn: RawColumn | null): Int32Array {
  const rows = new Int32Array(table.rows);
  let n = 0;
  for (let r = 0; r < table.rows; r++) if (!labelColumn || labelColumn.codes[r] !== MISSING) rows[n++] = r;
  return rows.subarray(0, n);
}

/**
 * Rows encoded a column at a time (a tight loop each, not a call per cell): few enough
 * that their features stay in the cache from the first column to the last.
 */
const BLOCK_ROWS = 256;

/** Writes every column's features, block by block of rows. */
function writeFeatures(encoders: readonly ColumnEncoder[], places: RowPlaces, x: Float32Array, width: number): void {
  for (let start = 0; start < places.rows.length; start += BLOCK_ROWS) {
    const end = Math.min(start + BLOCK_ROWS, places.rows.length);
    let offset = 0;
    let failed: { row: number; encoder: ColumnEncoder } | null = null;
    for (const encoder of encoders) {
      const row = encoder.write(places, start, end, x, width, offset);
      if (row >= 0 && (failed === null || row < failed.row)) failed = { row, encoder };
      offset += encoder.width;
    }
    if (failed) failed.encoder.fail?.(failed.row);
  }
}

/** Writes a column's features of some rows into `x`, rows `stride` apart, from `offset`. */
interface ColumnEncoder {
  /** The features it writes a row. */
  width: number;
  /** Writes rows `start` to `end` of `places`; returns the first row whose cell it cannot encode (it stops there), or -1. */
  write(places: RowPlaces, start: number, end: number, x: Float32Array, stride: number, offset: number): number;
  /** Throws the error for row `row`'s cell; only a numeric column has cells it cannot encode. */
  fail?(row: number): never;
}

function columnEncoder(table: RawTable, prepared: ColumnPreparation, column: RawColumn): ColumnEncoder {
  const { codes, numbers } = column;
  if (prepared.numeric) {
    const { fill, mean, std, indicator } = prepared.numeric;
    const filled = (fill - mean) / std;
    return {
      width: indicator ? 2 : 1,
      write({ rows, to }, start, end, x, stride, offset) {
        for (let i = start; i < end; i++) {
          const r = rows[i];
          const at = to[i] * stride + offset;
          // x starts at zeros: a present cell's indicator is already 0.
          if (codes[r] === MISSING) {
            x[at] = filled;
            if (indicator) x[at + 1] = 1;
          } else if (Number.isFinite(numbers[r])) x[at] = (numbers[r] - mean) / std;
          else return r;
        }
        return -1;
      },
      fail(r) {
        const text = codes[r] >= 0 ? column.dictionary[codes[r]] : '(text)';
        throw new InputError(`${table.file}: line ${lineOf(table, r)}, column "${column.name}": "${text}" is not a number`);
      },
    };
  }
  const { categories, other, missing } = prepared.categorical!;
  const otherSlot = other ? categories.length : -1;
  const missingSlot = missing ? categories.length + (other ? 1 : 0) : otherSlot;
  const slots = slotsOf(column.dictionary, categories, otherSlot);
  return {
    width: prepared.features.length,
    write({ rows, to }, start, end, x, stride, offset) {
      for (let i = start; i < end; i++) {
        const code = codes[rows[i]];
        const slot = code === MISSING ? missingSlot : code === OVERFLOW ? otherSlot : slots[code];
        if (slot >= 0) x[to[i] * stride + offset + slot] = 1;
      }
      return -1;
    },
  };
}

/** Per dictionary text: its index in `values`, or `absent`. One lookup per distinct text, not per cell. */
function slotsOf(dictionary: readonly string[], values: readonly string[], absent: number): Int32Array {
  const index = new Map(values.map((v, i) => [v, i]));
  return Int32Array.from(dictionary, (text) => index.get(text) ?? absent);
}

/** A row's target; NaN where its label cannot be one. */
interface LabelEncoder {
  target(row: number): number;
  fail(row: number): never;
}

/** The targets of the rows, each at its place. */
function writeTargets(label: LabelEncoder, { rows, to }: RowPlaces): Float32Array {
  const y = new Float32Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const value = label.target(rows[i]);
    if (Number.isNaN(value)) label.fail(rows[i]);
    y[to[i]] = value;
  }
  return y;
}

function labelEncoder(table: RawTable, preparation: Preparation, column: RawColumn): LabelEncoder {
  const { classes, transform, name } = preparation.label;
  const { codes, numbers, dictionary } = column;
  if (classes) {
    const classOf = slotsOf(dictionary, classes, -1);
    return {
      target: (r) => (codes[r] >= 0 && classOf[codes[r]] >= 0 ? classOf[codes[r]] : NaN),
      fail(r) {
        const text = codes[r] >= 0 ? dictionary[codes[r]] : '(text)';
        throw new InputError(`${table.file}: line ${lineOf(table, r)}, column "${name}": "${text}" is not one of the classes (${classes.slice(0, 10).join(', ')}${classes.length > 10 ? ', …' : ''})`);
      },
    };
  }
  const { mean, std } = transform ?? { mean: 0, std: 1 };
  return {
    target: (r) => (Number.isFinite(numbers[r]) ? (numbers[r] - mean) / std : NaN),
    fail(r) {
      throw new InputError(`${table.file}: line ${lineOf(table, r)}, column "${name}": "${codes[r] >= 0 ? dictionary[codes[r]] : numbers[r]}" is not a finite number`);
    },
  };
}
