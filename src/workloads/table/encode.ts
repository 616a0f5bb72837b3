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
 * @throws InputError for a missing column, text in a numeric column, or a label that
 *   is not one of the classes.
 */
export function encodeTable(preparation: Preparation, table: RawTable): EncodedTable {
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
  const rows: number[] = [];
  for (let r = 0; r < table.rows; r++) if (!label || labelColumn!.codes[r] !== MISSING) rows.push(r);
  const width = preparation.features.length;
  const x = new Float32Array(rows.length * width);
  rows.forEach((r, i) => {
    let offset = i * width;
    for (const encode of encoders) offset = encode(r, x, offset);
  });
  const y = label ? Float32Array.from(rows, label) : null;
  return { x, y, rows: rows.length, width, droppedRows: table.rows - rows.length };
}

/** Writes one row's features of a column at `offset`; returns the next offset. */
type ColumnEncoder = (row: number, x: Float32Array, offset: number) => number;

function columnEncoder(table: RawTable, prepared: ColumnPreparation, column: RawColumn): ColumnEncoder {
  if (prepared.numeric) {
    const { fill, mean, std, indicator } = prepared.numeric;
    const filled = (fill - mean) / std;
    return (r, x, offset) => {
      const code = column.codes[r];
      const missing = code === MISSING;
      const value = column.numbers[r];
      if (!missing && !Number.isFinite(value)) {
        const text = code >= 0 ? column.dictionary[code] : '(text)';
        throw new InputError(`${table.file}: line ${lineOf(table, r)}, column "${column.name}": "${text}" is not a number`);
      }
      x[offset++] = missing ? filled : (value - mean) / std;
      if (indicator) x[offset++] = missing ? 1 : 0;
      return offset;
    };
  }
  const { categories, other, missing } = prepared.categorical!;
  const index = new Map(categories.map((c, i) => [c, i]));
  const otherSlot = other ? categories.length : -1;
  const missingSlot = missing ? categories.length + (other ? 1 : 0) : otherSlot;
  // One lookup per distinct text, not per cell.
  const slots = column.dictionary.map((text) => index.get(text) ?? otherSlot);
  const width = prepared.features.length;
  return (r, x, offset) => {
    const code = column.codes[r];
    const slot = code === MISSING ? missingSlot : code === OVERFLOW ? otherSlot : slots[code];
    if (slot >= 0) x[offset + slot] = 1;
    return offset + width;
  };
}

function labelEncoder(table: RawTable, preparation: Preparation, column: RawColumn): (row: number) => number {
  const { classes, transform, name } = preparation.label;
  if (classes) {
    const index = new Map(classes.map((c, i) => [c, i]));
    return (r) => {
      const code = column.codes[r];
      const value = code >= 0 ? index.get(column.dictionary[code]) : undefined;
      if (value === undefined) {
        const text = code >= 0 ? column.dictionary[code] : '(text)';
        throw new InputError(`${table.file}: line ${lineOf(table, r)}, column "${name}": "${text}" is not one of the classes (${classes.slice(0, 10).join(', ')}${classes.length > 10 ? ', …' : ''})`);
      }
      return value;
    };
  }
  const { mean, std } = transform ?? { mean: 0, std: 1 };
  return (r) => {
    const value = column.numbers[r];
    if (!Number.isFinite(value)) {
      const code = column.codes[r];
      throw new InputError(`${table.file}: line ${lineOf(table, r)}, column "${name}": "${code >= 0 ? column.dictionary[code] : value}" is not a finite number`);
    }
    return (value - mean) / std;
  };
}
