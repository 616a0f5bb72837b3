import { InputError } from '../../util/errors';
import type { Task } from './preparation';
import { countColumn } from './kinds';
import { MISSING, didYouMean, lineOf, type RawTable } from './store';


/** Integer labels with at most this many distinct values read as classes. */
export const MAX_INFERRED_CLASSES = 20;

export interface LabelOptions {
  /** Label column name (or position, for files without a header). @default the last column */
  label?: string;
  /** @default inferred from the label: see `inferTask` */
  task?: Task;
}

/** The label column and the rows that have a label. */
export interface ChosenLabel {
  index: number;
  name: string;
  task: Task;
  taskReason: string;
  /** Class names in index order; null for regression. */
  classes: string[] | null;
  /** Rows with a label, in file order: the rows used. */
  kept: Int32Array;
  /** Rows left out for a missing label. */
  droppedRows: number;
}

/**
 * Finds the label column, drops the rows without a label, and decides the task.
 * @throws InputError for a missing column, no labelled rows, a single class, or a
 *   regression target that is not a finite number.
 */
export function chooseLabel(table: RawTable, options: LabelOptions = {}): ChosenLabel {
  const names = table.columns.map((c) => c.name);
  const index = options.label === undefined ? names.length - 1 : names.indexOf(options.label);
  if (index < 0) throw new InputError(`${table.file}: no label column "${options.label}"${didYouMean(options.label!, names)}; columns: ${names.join(', ')}`);
  const column = table.columns[index];
  const keptRows: number[] = [];
  for (let r = 0; r < table.rows; r++) if (column.codes[r] !== MISSING) keptRows.push(r);
  const kept = Int32Array.from(keptRows);
  if (kept.length === 0) throw new InputError(`${table.file}: label "${column.name}" is missing in every row`);
  const counts = countColumn(column, kept);
  const { task, reason } = options.task ? { task: options.task, reason: 'given' } : inferTask(counts.text > 0, kept, column.numbers, counts.distinct);
  let classes: string[] | null = null;
  if (task === 'classification') {
    if (column.overflowed) throw new InputError(`${table.file}: label "${column.name}" has more than ${column.dictionary.length} distinct values: too many to be classes`);
    const present = new Set<string>();
    for (const r of kept) present.add(column.dictionary[column.codes[r]] ?? '');
    const values = [...present];
    classes = values.every((v) => !Number.isNaN(Number(v))) ? values.sort((a, b) => Number(a) - Number(b)) : values.sort();
    if (classes.length < 2) throw new InputError(`${table.file}: label "${column.name}" has a single class ("${classes[0]}"): nothing to classify`);
  } else {
    if (counts.text > 0) {
      const { row, text } = counts.firstText!;
      throw new InputError(`${table.file}: line ${lineOf(table, row)}, column "${column.name}": "${text}" is not a number, and the task is regression`);
    }
    if (counts.infinite > 0) {
      const row = kept.find((r) => !Number.isFinite(column.numbers[r]))!;
      throw new InputError(`${table.file}: line ${lineOf(table, row)}, column "${column.name}": the label is infinite`);
    }
  }
  return { index, name: column.name, task, taskReason: reason, classes, kept, droppedRows: table.rows - kept.length };
}

/**
 * Classification when any label is not a number, or when all are integers with at
 * most `MAX_INFERRED_CLASSES` distinct values; regression otherwise.
 */
export function inferTask(hasText: boolean, rows: ArrayLike<number>, numbers: ArrayLike<number>, distinct: number): { task: Task; reason: string } {
  if (hasText) return { task: 'classification', reason: 'the label has non-numeric values' };
  let integers = true;
  for (let i = 0; i < rows.length && integers; i++) integers = Number.isInteger(numbers[rows[i]]);
  if (integers && distinct <= MAX_INFERRED_CLASSES) return { task: 'classification', reason: `the label has ${distinct} distinct integer values` };
  return { task: 'regression', reason: `the label has ${distinct} distinct numeric values` };
}
