import { detectDecimalMark, parseNumber } from '../../../src/workloads/table/cell';

describe('parseNumber: formatted numbers are the numbers they write', () => {
  test.each([
    ['plain', '12.5', '.', 12.5],
    ['scientific', '-1.5e3', '.', -1500],
    ['currency first', '$1,234.50', '.', 1234.5],
    ['a sign before the currency', '-$5', '.', -5],
    ['a sign after it', '$-5', '.', -5],
    ['a spaced symbol', '€ 12', '.', 12],
    ['currency last', '5$', '.', 5],
    ['a percent is the number as written', '45%', '.', 45],
    ['a spaced percent', '-4.5 %', '.', -4.5],
    ['grouped in threes', '1,234,567', '.', 1234567],
    ['a decimal comma, grouped by points, currency last', '1.234,5 €', ',', 1234.5],
    ['grouped by spaces', '1 234,5', ',', 1234.5],
    ['grouped by a no-break space', '1\u00a0234', ',', 1234],
    ['a decimal comma', '1,5', ',', 1.5],
    ['with a decimal comma a point groups', '1.234', ',', 1234],
  ] as const)('%s: %j', (_name, text, decimal, expected) => {
    expect(parseNumber(text, decimal)).toBe(expected);
  });

  test.each([
    ['not groups of three', '1,2', '.'],
    ['badly grouped', '12,34,567', '.'],
    ['a symbol alone', '$', '.'],
    ['a percent alone', '%', '.'],
    ['a currency code', 'USD 5', '.'],
    ['two signs', '-$-5', '.'],
    ['a point with a decimal comma, ungrouped', '12.5', ','],
    ['hex', '0x1f', '.'],
    ['a missing marker', 'NA', '.'],
  ] as const)('not a number: %s (%j)', (_name, text, decimal) => {
    expect(parseNumber(text, decimal)).toBeNull();
  });
});

describe('detectDecimalMark', () => {
  test.each([
    ['a comma-delimited file: a point', [['12,5']], ',', '.'],
    ['a decimal comma', [['a', '12,5'], ['b', '3']], ';', ','],
    ['one formatted with a decimal comma', [['1.234,5 €']], ';', ','],
    ['a point anywhere decides', [['12,5'], ['12.5']], ';', '.'],
    ['only cells either mark reads: a point', [['1,234'], ['1.234']], ';', '.'],
  ] as const)('%s', (_name, rows, delimiter, expected) => {
    expect(detectDecimalMark(rows, delimiter)).toBe(expected);
  });
});
