/**
 * The number a cell's text writes, or null: decimal and scientific notation, with
 * `inf`/`infinity` read as infinite (so a numeric column holding them is refused
 * rather than read as text). Missing markers are not numbers: see `isMissingText`.
 */
export function parseNumber(text: string): number | null {
  const trimmed = text.trim();
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
