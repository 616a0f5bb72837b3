import { InputError } from '../../util/errors';
import type { ColumnKind, KindReason } from './preparation';
import { MISSING, OVERFLOW, lineOf, type RawColumn, type RawTable } from './store';

/** A column with more than this share of missing cells is left out. */
export const MOSTLY_MISSING = 0.9;
/** A text column with distinct values in more than this share of its cells is an identifier. */
export const IDENTIFIER_SHARE = 0.9;
/** Fewer cells than this cannot tell an identifier from a small category set. */
export const IDENTIFIER_MIN_CELLS = 20;

/** What a column's cells hold, counted over the rows used. */
export interface ColumnCounts {
  cells: number;
  missing: number;
  /** Present cells that are not numbers. */
  text: number;
  /** Present cells with an infinite number. */
  infinite: number;
  /** Distinct present values (texts past the dictionary counted as distinct each). */
  distinct: number;
  /** Numbers 1, 2, 3, … (or from any start) in row order, with nothing missing: a row number. */
  rowNumber: boolean;
  /** The first text cell, for messages. */
  firstText: { row: number; text: string } | null;
}

export interface KindDecision {
  kind: ColumnKind;
  reason: KindReason;
}

/** Kinds the user asked for, by column name. */
export interface GivenKinds {
  categorical?: readonly string[];
  numeric?: readonly string[];
  ignore?: readonly string[];
  /** When given, every other column is left out. */
  features?: readonly string[];
}

/** Counts one column's cells over `rows` (indices into the table). */
export function countColumn(column: RawColumn, rows: ArrayLike<number>): ColumnCounts {
  const seen = new Uint8Array(column.dictionary.length);
  let missing = 0;
  let text = 0;
  let infinite = 0;
  let distinct = 0;
  let rowNumber = rows.length > 1;
  let firstText: ColumnCounts['firstText'] = null;
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    const code = column.codes[r];
    const value = column.numbers[r];
    if (code === MISSING) {
      missing += 1;
      rowNumber = false;
      continue;
    }
    if (code === OVERFLOW) distinct += 1;
    else if (!seen[code]) {
      seen[code] = 1;
      distinct += 1;
    }
    if (Number.isNaN(value)) {
      text += 1;
      firstText ??= { row: r, text: code >= 0 ? column.dictionary[code] : '(text)' };
    } else if (!Number.isFinite(value)) infinite += 1;
    if (rowNumber && i > 0 && value - column.numbers[rows[i - 1]] !== 1) rowNumber = false;
  }
  return { cells: rows.length, missing, text, infinite, distinct, rowNumber: rowNumber && text === 0, firstText };
}

/**
 * A column's kind from its counts and what the user asked for. The user's word wins
 * over every rule; without it: mostly missing → left out; any text → categorical,
 * unless nearly every value is distinct (an identifier) or there is one value; all
 * numbers → numeric, unless a row number or one value.
 */
export function decideKind(counts: ColumnCounts, given: ColumnKind | null, selected: boolean): KindDecision {
  if (given !== null) return { kind: given, reason: 'given' };
  if (!selected) return { kind: 'ignored', reason: 'not-selected' };
  const present = counts.cells - counts.missing;
  if (present === 0 || counts.missing > MOSTLY_MISSING * counts.cells) return { kind: 'ignored', reason: 'mostly-missing' };
  // One value and no gaps says nothing; one value with gaps still says "missing or not".
  if (counts.distinct === 1 && counts.missing === 0) return { kind: 'ignored', reason: 'constant' };
  if (counts.text > 0) {
    if (present >= IDENTIFIER_MIN_CELLS && counts.distinct > IDENTIFIER_SHARE * present) return { kind: 'ignored', reason: 'identifier' };
    return { kind: 'categorical', reason: 'text' };
  }
  if (counts.rowNumber && present >= IDENTIFIER_MIN_CELLS) return { kind: 'ignored', reason: 'identifier' };
  return { kind: 'numeric', reason: 'numbers' };
}

/** The kind the user gave a column, checking that no column is given two. */
export function givenKind(name: string, given: GivenKinds): ColumnKind | null {
  const kinds: ColumnKind[] = [];
  if (given.categorical?.includes(name)) kinds.push('categorical');
  if (given.numeric?.includes(name)) kinds.push('numeric');
  if (given.ignore?.includes(name)) kinds.push('ignored');
  if (kinds.length > 1) throw new InputError(`column "${name}" is given two kinds (${kinds.join(' and ')}); give it one`);
  return kinds[0] ?? null;
}

/**
 * Checks a column the decision made numeric: text in a column the user called numeric,
 * and infinite numbers anywhere, cannot be used.
 */
export function assertUsableNumeric(table: RawTable, column: RawColumn, counts: ColumnCounts): void {
  if (counts.text > 0) {
    const { row, text } = counts.firstText!;
    throw new InputError(`${table.file}: line ${lineOf(table, row)}, column "${column.name}": "${text}" is not a number (the column was given as numeric)`);
  }
  if (counts.infinite > 0) {
    const row = Array.from(column.numbers).findIndex((v) => Number.isFinite(v) === false && !Number.isNaN(v));
    throw new InputError(`${table.file}: line ${lineOf(table, row)}, column "${column.name}": the value is infinite; use an empty cell or NA for a missing value`);
  }
}
