import { decideKind, givenKind, type ColumnCounts } from '../../../src/workloads/table/kinds';

const counts = (over: Partial<ColumnCounts>): ColumnCounts => ({
  cells: 100,
  missing: 0,
  text: 0,
  infinite: 0,
  distinct: 10,
  rowNumber: false,
  firstText: null,
  ...over,
});

test.each([
  ['numbers', counts({}), null, 'numeric', 'numbers'],
  ['text', counts({ text: 100 }), null, 'categorical', 'text'],
  ['some text among numbers ("rotary" cylinders)', counts({ text: 1 }), null, 'categorical', 'text'],
  ['a distinct text in nearly every row', counts({ text: 100, distinct: 95 }), null, 'ignored', 'identifier'],
  ['a row number', counts({ distinct: 100, rowNumber: true }), null, 'ignored', 'identifier'],
  ['a continuous number with distinct values', counts({ distinct: 100 }), null, 'numeric', 'numbers'],
  ['one value', counts({ distinct: 1 }), null, 'ignored', 'constant'],
  ['one value with gaps', counts({ distinct: 1, missing: 30 }), null, 'numeric', 'numbers'],
  ['mostly missing', counts({ missing: 95, distinct: 5 }), null, 'ignored', 'mostly-missing'],
  ['nothing at all', counts({ missing: 100, distinct: 0 }), null, 'ignored', 'mostly-missing'],
  ['a small table of distinct texts', counts({ cells: 10, text: 10, distinct: 10 }), null, 'categorical', 'text'],
  ['the user says categorical', counts({}), 'categorical', 'categorical', 'given'],
  ['the user says ignore', counts({}), 'ignored', 'ignored', 'given'],
] as const)('%s → %s (%s)', (_name, c, given, kind, reason) => {
  expect(decideKind(c, given, true)).toEqual({ kind, reason });
});

test('a column outside the features asked for is left out', () => {
  expect(decideKind(counts({}), null, false)).toEqual({ kind: 'ignored', reason: 'not-selected' });
});

test('a column given two kinds is refused', () => {
  expect(givenKind('a', { categorical: ['a'], ignore: ['b'] })).toBe('categorical');
  expect(() => givenKind('a', { categorical: ['a'], numeric: ['a'] })).toThrow('column "a" is given two kinds (categorical and numeric)');
});
