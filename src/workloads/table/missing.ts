/**
 * Cell texts read as a missing value, besides the empty cell: what R, pandas, SQL
 * exports and the UCI repository write for "no value". `None` is deliberately absent:
 * in real tables it is as often a category ("AirBags: None") as a missing marker.
 */
export const MISSING_MARKERS = ['NA', 'N/A', 'n/a', 'NaN', 'nan', '-nan', 'NULL', 'null', '#N/A', '<NA>', '?'] as const;

const MARKERS: ReadonlySet<string> = new Set(MISSING_MARKERS);

/** True for an empty (or blank) cell and for the `MISSING_MARKERS`. */
export function isMissingText(text: string): boolean {
  const trimmed = text.trim();
  return trimmed === '' || MARKERS.has(trimmed);
}
