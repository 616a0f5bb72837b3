import { parseNumber } from './cell';

/** How many rows below the first are looked at to decide whether it is a header. */
export const HEADER_SAMPLE_ROWS = 200;

/**
 * Whether the first of `rows` is a header, from the rows below it: a header cell is
 * text, and it is not a value of its own column. Each column votes: for a header when
 * its first cell is text over numbers, or a text that never appears again below it;
 * against when the first cell is a number, empty, or a value the column repeats. A
 * table whose every column is text (`Class, Sex, Age, Survived` over `1st, Male, …`)
 * is recognised as well as one with numbers under the names.
 */
export function detectHeader(rows: readonly (readonly string[])[]): boolean {
  if (rows.length < 2) return rows.length === 1 && rows[0].every((cell) => cell.trim() !== '' && parseNumber(cell) === null);
  const [first, ...rest] = rows;
  const below = rest.slice(0, HEADER_SAMPLE_ROWS);
  // Duplicate names are a strong sign of data: a header names each column once.
  const named = first.filter((cell) => cell.trim() !== '');
  if (new Set(named).size !== named.length) return false;
  let votes = 0;
  first.forEach((cell, c) => {
    const name = cell.trim();
    if (name === '' || parseNumber(name) !== null) {
      votes -= 1;
      return;
    }
    const column = below.map((row) => (row[c] ?? '').trim()).filter((v) => v !== '');
    if (column.length === 0) return;
    const numeric = column.filter((v) => parseNumber(v) !== null).length;
    if (numeric > column.length / 2) votes += 1;
    else votes += column.includes(name) ? -1 : 1;
  });
  return votes > 0;
}
