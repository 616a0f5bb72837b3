import { InputError } from '../errors';
import { isNumeric, type Table } from './table';

export const TASKS = ['classification', 'regression'] as const;
export type Task = (typeof TASKS)[number];

export interface TabularOptions {
  /** Label column name (or position, for files without a header). @default the last column */
  label?: string;
  /** Feature columns. @default every column but the label */
  features?: readonly string[];
  /** @default inferred from the label: see `inferTask` */
  task?: Task;
}

/** A table turned into numbers, rows in file order. */
export interface PreparedTable {
  x: Float32Array;
  rows: number;
  featureNames: string[];
  labelName: string;
  task: Task;
  /** Class names in index order; null for regression. */
  classes: string[] | null;
  /** Class index per row (classification) or the target value (regression). */
  y: Float32Array;
  /** How the task was decided, for the output. */
  taskReason: string;
}

/** Integer labels with at most this many distinct values read as classes. */
export const MAX_INFERRED_CLASSES = 20;

/**
 * Picks label and feature columns and converts every cell to a number.
 * @throws InputError naming the file, line and column of the first bad cell, a missing
 *   column, or a label with a single class.
 */
export function prepareTable(table: Table, options: TabularOptions = {}): PreparedTable {
  const { file, columns } = table;
  const columnIndex = (name: string, what: string) => {
    const i = columns.indexOf(name);
    if (i < 0) throw new InputError(`${file}: no ${what} column "${name}"; columns: ${columns.join(', ')}`);
    return i;
  };
  const labelIndex = options.label === undefined ? columns.length - 1 : columnIndex(options.label, 'label');
  const labelName = columns[labelIndex];
  const featureIndices = options.features
    ? options.features.map((name) => {
        const i = columnIndex(name, 'feature');
        if (i === labelIndex) throw new InputError(`${file}: column "${name}" is the label; it cannot also be a feature`);
        return i;
      })
    : columns.map((_, i) => i).filter((i) => i !== labelIndex);
  if (featureIndices.length === 0) throw new InputError(`${file}: no feature columns besides the label "${labelName}"`);

  const rows = table.rows.length;
  const width = featureIndices.length;
  const x = new Float32Array(rows * width);
  table.rows.forEach((row, r) => {
    featureIndices.forEach((c, j) => {
      x[r * width + j] = toNumber(row[c], () => `${file}: line ${table.lines[r]}, column "${columns[c]}"`);
    });
  });

  const labels = table.rows.map((row) => row[labelIndex]);
  const { task, reason } = options.task ? { task: options.task, reason: 'given' } : inferTask(labels);
  const y = new Float32Array(rows);
  let classes: string[] | null = null;
  if (task === 'classification') {
    labels.forEach((v, r) => {
      if (v === null || v === undefined || String(v).trim() === '') {
        throw new InputError(`${file}: line ${table.lines[r]}, column "${labelName}": the label is empty`);
      }
    });
    const names = [...new Set(labels.map((v) => String(v).trim()))];
    classes = names.every(isNumeric) ? names.sort((a, b) => Number(a) - Number(b)) : names.sort();
    if (classes.length < 2) {
      throw new InputError(`${file}: label "${labelName}" has a single class ("${classes[0]}"): nothing to classify`);
    }
    const index = new Map(classes.map((name, i) => [name, i]));
    labels.forEach((v, r) => (y[r] = index.get(String(v).trim())!));
  } else {
    labels.forEach((v, r) => (y[r] = toNumber(v, () => `${file}: line ${table.lines[r]}, column "${labelName}"`)));
  }
  return { x, rows, featureNames: featureIndices.map((i) => columns[i]), labelName, task, classes, y, taskReason: reason };
}

/**
 * Classification when any label is not a number, or when all are integers with at
 * most `MAX_INFERRED_CLASSES` distinct values; regression otherwise.
 */
export function inferTask(labels: readonly unknown[]): { task: Task; reason: string } {
  if (labels.some((v) => !isNumeric(v))) return { task: 'classification', reason: 'the label has non-numeric values' };
  const values = labels.map(Number);
  const distinct = new Set(values).size;
  if (values.every(Number.isInteger) && distinct <= MAX_INFERRED_CLASSES) {
    return { task: 'classification', reason: `the label has ${distinct} distinct integer values` };
  }
  return { task: 'regression', reason: `the label has ${distinct} distinct numeric values` };
}

function toNumber(cell: unknown, where: () => string): number {
  if (cell === null || cell === undefined || (typeof cell === 'string' && cell.trim() === '')) {
    throw new InputError(`${where()}: the value is empty`);
  }
  if (typeof cell !== 'number' && typeof cell !== 'string') throw new InputError(`${where()}: ${JSON.stringify(cell)} is not a number`);
  const text = String(cell).trim();
  if (/^[-+]?nan$/i.test(text)) throw new InputError(`${where()}: the value is NaN`);
  if (/^[-+]?inf(inity)?$/i.test(text)) throw new InputError(`${where()}: the value is infinite`);
  const value = Number(text);
  if (!Number.isFinite(value)) throw new InputError(`${where()}: "${text}" is not a number`);
  return value;
}
