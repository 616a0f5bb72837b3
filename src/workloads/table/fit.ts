import { InputError } from '../../util/errors';
import { assertUsableNumeric, countColumn, decideKind, givenKind, type GivenKinds } from './kinds';
import type { ChosenLabel } from './label';
import { median } from './median';
import { MISSING_MARKERS } from './missing';
import type { ColumnPreparation, Preparation } from './preparation';
import { MISSING, OVERFLOW, didYouMean, type RawColumn, type RawTable } from './store';

/** A categorical column gets at most this many one-hot features besides "other" and "missing". */
export const MAX_CATEGORIES = 32;
/** A value seen fewer times than this in the training rows goes to "other": one row teaches nothing. */
export const MIN_CATEGORY_COUNT = 2;

export interface FitOptions extends GivenKinds {
  /** Standardize numeric features, and a regression target, with the training rows' mean and deviation. */
  standardize: boolean;
}

/**
 * Fits a table's preparation: each column's kind from every labelled row (a schema
 * question), and every statistic — medians, means, deviations, categories, the
 * target's scale — from `trainRows` only, so nothing of the validation rows leaks in.
 * @throws InputError for unknown column names, a column given two kinds, unusable
 *   numbers, or no usable feature.
 */
export function fitPreparation(table: RawTable, label: ChosenLabel, trainRows: ArrayLike<number>, options: FitOptions): Preparation {
  const names = table.columns.map((c) => c.name);
  for (const [option, list] of Object.entries({ features: options.features, categorical: options.categorical, numeric: options.numeric, ignore: options.ignore })) {
    for (const name of list ?? []) {
      if (!names.includes(name)) throw new InputError(`${table.file}: no ${option === 'features' ? 'feature' : option} column "${name}"${didYouMean(name, names)}; columns: ${names.join(', ')}`);
      if (name === label.name) throw new InputError(`${table.file}: column "${name}" is the label; it cannot also be ${option === 'ignore' ? 'ignored' : `a ${option === 'features' ? 'feature' : `${option} feature`}`}`);
    }
  }
  const columns = table.columns
    .filter((_, i) => i !== label.index)
    .map((column) => fitColumn(table, column, label.kept, trainRows, options));
  const features = columns.flatMap((c) => c.features);
  if (features.length === 0) {
    const left = columns.map((c) => `${c.name} (${c.reason})`).join(', ');
    throw new InputError(`${table.file}: no usable feature besides the label "${label.name}"${left ? `; left out: ${left}` : ''}`);
  }
  const labelColumn = table.columns[label.index];
  return {
    source: {
      file: table.file,
      header: table.header,
      delimiter: table.delimiter,
      decimal: table.decimal,
      ...(table.encoding ? { encoding: table.encoding } : {}),
      columns: names,
      rows: table.rows,
    },
    missingMarkers: [...MISSING_MARKERS],
    label: {
      name: label.name,
      task: label.task,
      taskReason: label.taskReason,
      classes: label.classes,
      droppedRows: label.droppedRows,
      transform: label.task === 'regression' && options.standardize ? { kind: 'standardize', ...meanStd(labelColumn.numbers, trainRows) } : null,
    },
    columns,
    features,
    fittedRows: trainRows.length,
  };
}

function fitColumn(table: RawTable, column: RawColumn, kept: ArrayLike<number>, trainRows: ArrayLike<number>, options: FitOptions): ColumnPreparation {
  const counts = countColumn(column, kept);
  const selected = options.features === undefined || options.features.includes(column.name);
  const { kind, reason } = decideKind(counts, givenKind(column.name, options), selected);
  const base = { name: column.name, kind, reason, missingShare: counts.missing / Math.max(1, counts.cells), distinct: counts.distinct };
  if (kind === 'ignored') return { ...base, features: [] };
  if (kind === 'numeric') {
    assertUsableNumeric(table, column, counts);
    const present = presentValues(column, trainRows);
    // A column empty in every training row has no statistics: zero-filled, its indicator says it all.
    const fill = present.length ? median(present) : 0;
    const { mean, std } = options.standardize && present.length ? meanStd(present) : { mean: 0, std: 1 };
    const indicator = present.length < trainRows.length;
    return { ...base, numeric: { fill, mean, std, indicator }, features: indicator ? [column.name, `${column.name}=(missing)`] : [column.name] };
  }
  const categorical = fitCategories(column, trainRows);
  const features = [
    ...categorical.categories.map((c) => `${column.name}=${c}`),
    ...(categorical.other ? [`${column.name}=(other)`] : []),
    ...(categorical.missing ? [`${column.name}=(missing)`] : []),
  ];
  return { ...base, categorical, features };
}

/**
 * The most frequent values (at most `MAX_CATEGORIES`, each seen `MIN_CATEGORY_COUNT`
 * times), ordered by count then text; "other" always, for the rest and for values
 * never seen in training; "missing" when the training rows have missing cells.
 */
function fitCategories(column: RawColumn, trainRows: ArrayLike<number>): NonNullable<ColumnPreparation['categorical']> {
  const counts = new Float64Array(column.dictionary.length);
  let missing = 0;
  for (let i = 0; i < trainRows.length; i++) {
    const code = column.codes[trainRows[i]];
    if (code === MISSING) missing += 1;
    else if (code !== OVERFLOW) counts[code] += 1;
  }
  const ranked = Array.from(counts.keys())
    .filter((code) => counts[code] >= MIN_CATEGORY_COUNT)
    .sort((a, b) => counts[b] - counts[a] || compareText(column.dictionary[a], column.dictionary[b]));
  return { categories: ranked.slice(0, MAX_CATEGORIES).map((code) => column.dictionary[code]), other: true, missing: missing > 0 };
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function presentValues(column: RawColumn, rows: ArrayLike<number>): Float64Array {
  const values = new Float64Array(rows.length);
  let n = 0;
  for (let i = 0; i < rows.length; i++) {
    const v = column.numbers[rows[i]];
    if (column.codes[rows[i]] !== MISSING) values[n++] = v;
  }
  return values.subarray(0, n);
}

/** Mean and (population) deviation of `values`, or of `values[rows]`; a constant gets deviation 1. */
export function meanStd(values: ArrayLike<number>, rows?: ArrayLike<number>): { mean: number; std: number } {
  const n = rows ? rows.length : values.length;
  const at = (i: number) => values[rows ? rows[i] : i];
  let mean = 0;
  for (let i = 0; i < n; i++) mean += at(i);
  mean /= n;
  let variance = 0;
  for (let i = 0; i < n; i++) variance += (at(i) - mean) ** 2;
  return { mean, std: Math.sqrt(variance / n) || 1 };
}
