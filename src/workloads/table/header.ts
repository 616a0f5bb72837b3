import { parseNumber } from './cell';

/** How many rows below the first are looked at to decide whether it is a header. */
export const HEADER_SAMPLE_ROWS = 200;

/**
 * Whether the first of `rows` is a header, from the rows below it: a header cell is
 * text, and it is not a value of its own column. Each column votes: for a header when
 * its first cell is text over numbers, or a text that never appears again below it;
 * against when the first cell is a number, empty, or a value the column repeats. A
 * table whose every column is text (`Class, Sex, Age, Survived` over `1st, Male, …`)
 * is recognised as well as one with numbers under the names. A name the first row
 * repeats votes against unless numbers are under it: repeated texts over texts are
 * more often data, while `x, x, z` over numbers is a header with a name used twice
 * (made unique when read).
 */
export function detectHeader(rows: readonly (readonly string[])[]): boolean {
  if (rows.length < 2) return rows.length === 1 && rows[0].every((cell) => cell.trim() !== '' && parseNumber(cell) === null);
  const [first, ...rest] = rows;
  const below = rest.slice(0, HEADER_SAMPLE_ROWS);
  const names = first.map((cell) => cell.trim());
  let votes = 0;
  names.forEach((name, c) => {
    if (name === '' || parseNumber(name) !== null) {
      votes -= 1;
      return;
    }
    const column = below.map((row) => (row[c] ?? '').trim()).filter((v) => v !== '');
    if (column.length === 0) return;
    const numeric = column.filter((v) => parseNumber(v) !== null).length;
    if (numeric > column.length / 2) votes += 1;
    else if (names.indexOf(name) !== names.lastIndexOf(name)) votes -= 1;
    else votes += column.includes(name) ? -1 : 1;
  });
  return votes > 0;
}
