import type { ColumnPreparation, KindReason, Preparation } from '../workloads/table/preparation';

/** Rows of the column table shown before the rest are summed up in one line. */
export const MAX_SHOWN_COLUMNS = 40;

const LEFT_OUT: Record<KindReason, string> = {
  numbers: '',
  text: '',
  given: 'left out (--ignore)',
  identifier: 'left out: an identifier',
  constant: 'left out: one value',
  'mostly-missing': 'left out: mostly missing',
  'not-selected': 'left out: not in --features',
};

/** Headers of the column table, terminal and HTML alike. */
export const COLUMN_HEADERS = ['column', 'kind', 'missing', 'distinct', 'encoding'] as const;

/** One column's row: what it was, and what became of it. */
export function columnRow(c: ColumnPreparation): string[] {
  const missing = c.missingShare === 0 ? '0 %' : `${(100 * c.missingShare).toFixed(c.missingShare < 0.1 ? 1 : 0)} %`;
  const kind = c.reason === 'given' ? `${c.kind === 'ignored' ? 'ignored' : c.kind} (given)` : c.kind;
  return [c.name, kind, missing, c.distinct.toLocaleString('en-US'), encoding(c)];
}

function encoding(c: ColumnPreparation): string {
  if (c.numeric) {
    const scale = c.numeric.std === 1 && c.numeric.mean === 0 ? 'as is' : 'standardized';
    return c.numeric.indicator ? `${scale}; missing → median ${formatValue(c.numeric.fill)} + indicator` : scale;
  }
  if (c.categorical) {
    const { categories, missing } = c.categorical;
    const rest = c.distinct > categories.length ? ` (of ${c.distinct.toLocaleString('en-US')})` : '';
    return `one-hot: ${categories.length} values${rest} + other${missing ? ' + missing' : ''}`;
  }
  return LEFT_OUT[c.reason];
}

function formatValue(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toPrecision(4);
}

/** The rows shown: every column up to `MAX_SHOWN_COLUMNS`, then a line for the rest. */
export function shownColumns(preparation: Preparation): { rows: string[][]; more: string | null } {
  const { columns } = preparation;
  const rows = columns.slice(0, MAX_SHOWN_COLUMNS).map(columnRow);
  const rest = columns.slice(MAX_SHOWN_COLUMNS);
  if (rest.length === 0) return { rows, more: null };
  const used = rest.filter((c) => c.kind !== 'ignored').length;
  return { rows, more: `… and ${rest.length} more columns (${used} used): the JSON's preparation.columns lists them all` };
}

/** One line on the label: its task, classes or target transform, and rows dropped. */
export function labelLine(preparation: Preparation): string {
  const { label, source } = preparation;
  const what =
    label.task === 'classification'
      ? `classification into ${label.classes!.length} classes`
      : label.transform
        ? `regression, target standardized (mean ${formatValue(label.transform.mean)}, deviation ${formatValue(label.transform.std)}): the model predicts (y − mean) / deviation`
        : 'regression, target as is';
  const dropped = label.droppedRows ? `; ${label.droppedRows.toLocaleString('en-US')} rows without a label left out` : '';
  const encoding = source.encoding === 'windows-1252' ? ' (read as Windows-1252: the file is not valid UTF-8)' : '';
  return `${source.rows.toLocaleString('en-US')} rows${encoding}; label "${label.name}": ${what}${dropped}; ${preparation.features.length} features`;
}
