/** The decimal separator of a table's numbers: `,` in many European exports (with `;` between cells). */
export type DecimalMark = '.' | ',';

/**
 * The number a cell's text writes, or null: decimal and scientific notation, with
 * `inf`/`infinity` read as infinite (so a numeric column holding them is refused
 * rather than read as text). Missing markers are not numbers: see `isMissingText`.
 * With a decimal comma, `1,5` is 1.5 (and `1.5` is not a number). Formatted numbers
 * are read as the number they write (see `plainNumberText`): `$1,234.50` is 1234.5,
 * `45%` is 45, `1.234,5 €` (decimal comma) is 1234.5.
 */
export function parseNumber(text: string, decimal: DecimalMark = '.'): number | null {
  let trimmed = plainNumberText(text.trim(), decimal);
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

const CURRENCY_FIRST = /^([-+]?)\s*[$€£¥]\s*(\S.*)$/;
const CURRENCY_LAST = /^(.*\S)\s*[$€£¥]$/;
const PERCENT = /^(.*\S)\s*%$/;
const GROUPED = {
  '.': /^([-+]?)(\d{1,3}(?:,\d{3})+)(\.\d*)?$/,
  ',': /^([-+]?)(\d{1,3}(?:[. \u00a0\u202f]\d{3})+)(,\d*)?$/,
} as const;

/**
 * A formatted number as plain text, the way spreadsheets and reports export them: one
 * currency symbol ($ € £ ¥) before the digits (after a sign) or after them, then one
 * trailing %, are dropped, and thousands separators in groups of three are removed
 * (`,` with a decimal point; `.` or a space with a decimal comma). The percent is the
 * number as written: 45% is 45. Any other text is returned as it is. The README's Python
 * snippet does the same.
 */
export function plainNumberText(text: string, decimal: DecimalMark = '.'): string {
  let t = text;
  const first = CURRENCY_FIRST.exec(t);
  if (first) t = first[1] + first[2];
  else t = CURRENCY_LAST.exec(t)?.[1] ?? t;
  t = PERCENT.exec(t)?.[1] ?? t;
  const grouped = GROUPED[decimal].exec(t);
  return grouped ? grouped[1] + grouped[2].replace(/\D/g, '') + (grouped[3] ?? '') : t;
}

/**
 * The decimal mark of a `;`-delimited table, from sample rows: a comma when some cells
 * write numbers only a decimal comma reads (`12,5`, `1.234,5 €`) and none only a decimal
 * point reads (`12.5`). A `,`-delimited file cannot use one unquoted, and a quoted "12,5"
 * there is more often a list or a thousands separator. `1,234` and `1.234` read either
 * way and decide nothing.
 */
export function detectDecimalMark(rows: readonly (readonly string[])[], delimiter: string): DecimalMark {
  if (delimiter === ',') return '.';
  let commas = 0;
  for (const row of rows) {
    for (const cell of row) {
      const point = parseNumber(cell, '.') !== null;
      const comma = parseNumber(cell, ',') !== null;
      if (point && !comma) return '.';
      if (comma && !point) commas += 1;
    }
  }
  return commas > 0 ? ',' : '.';
}
