/** The decimal separator of a table's numbers: `,` in many European exports (with `;` between cells). */
export type DecimalMark = '.' | ',';

/**
 * The number a cell's text writes, or null: decimal and scientific notation, with
 * `inf`/`infinity` read as infinite (so a numeric column holding them is refused
 * rather than read as text). Missing markers are not numbers: see `isMissingText`.
 * With a decimal comma, `1,5` is 1.5 (and `1.5` is not a number).
 */
export function parseNumber(text: string, decimal: DecimalMark = '.'): number | null {
  let trimmed = text.trim();
  if (decimal === ',') {
    if (trimmed.includes('.')) return null;
    trimmed = trimmed.replace(',', '.');
  }
  if (trimmed === '') return null;
  const value = Number(trimmed);
  if (!Number.isNaN(value)) {
    // Number() also reads hex ("0x1f"), binary and blank-padded text: a table cell
    // that looks like those is an identifier, not a quantity.
    return /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(trimmed) || /^[-+]?infinity$/i.test(trimmed) ? value : null;
  }
  if (/^[-+]?inf$/i.test(trimmed)) return trimmed.startsWith('-') ? -Infinity : Infinity;
  return null;
}

const DECIMAL_COMMA = /^[-+]?\d*,\d+$/;
const DECIMAL_POINT = /^[-+]?\d*\.\d+$/;

/**
 * The decimal mark of a `;`-delimited table, from sample rows: a comma when some cells
 * write numbers as `12,5` and none as `12.5`. A `,`-delimited file cannot use one
 * unquoted, and a quoted "12,5" there is more often a list or a thousands separator.
 */
export function detectDecimalMark(rows: readonly (readonly string[])[], delimiter: string): DecimalMark {
  if (delimiter === ',') return '.';
  let commas = 0;
  for (const row of rows) {
    for (const cell of row) {
      const text = cell.trim();
      if (DECIMAL_POINT.test(text)) return '.';
      if (DECIMAL_COMMA.test(text)) commas += 1;
    }
  }
  return commas > 0 ? ',' : '.';
}
