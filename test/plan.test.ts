import { PLAN, lrRangeDeadline, planSearch, probeDeadline } from '../src/plan';

test('the probe gets 30 % of the budget, less the reserve', () => {
  expect(probeDeadline(0, 100)).toBe(30_000 - PLAN.reserveSeconds * 1000);
});

test('the LR range test gets 20 % of what is left', () => {
  expect(lrRangeDeadline(10_000, 112_000)).toBe(10_000 + 0.2 * 100_000);
});

describe('planSearch', () => {
  test.each([
    ['plenty of time: all candidates, equal slots', 0, 82_000, 5, { count: 5, trainSeconds: 12 }],
    ['little time: fewer candidates of at least a second', 0, 5_000, 5, { count: 2, trainSeconds: 1.125 }],
    ['no time: none', 0, 2_500, 5, { count: 0, trainSeconds: 0 }],
  ] as const)('%s', (_name, now, end, wanted, expected) => {
    expect(planSearch(now, end, wanted)).toEqual(expected);
  });
});
