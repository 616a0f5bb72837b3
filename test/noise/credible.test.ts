import { credibleNoiseScale, measurable, noiseWeight } from '../../src/noise/credible';

test.each([
  ['no standard error: the estimate as it is', { bSimple: 100, standardError: null }, 100],
  ['±10 %: 99 % of it', { bSimple: 100, standardError: 10 }, 100 / 1.01],
  ['±100 %: half of it', { bSimple: 100, standardError: 100 }, 50],
  ['an error ten times itself: 1 % of it', { bSimple: 100, standardError: 1000 }, 100 / 101],
  ['5,560 ± 8e11 (a short search\'s end): next to nothing', { bSimple: 5560, standardError: 8e11 }, 5560 / (1 + (8e11 / 5560) ** 2)],
  ['a non-positive estimate: no correction', { bSimple: 0, standardError: 3 }, 0],
  ['|G|² estimated below zero (the capped 1e12): not measurable, no correction', { bSimple: 1e12, standardError: 1.32e12, gradSq: -5.6e-4 }, 0],
  ['a positive |G|²: measured', { bSimple: 100, standardError: null, gradSq: 2e-3 }, 100],
  ['none measured', null, null],
] as const)('%s', (_name, estimate, expected) => {
  const value = credibleNoiseScale(estimate);
  if (expected === null) expect(value).toBeNull();
  else expect(value).toBeCloseTo(expected, 9);
});

test('the weight only shrinks: it never raises an estimate', () => {
  for (const se of [0, 1, 10, 1e6]) expect(noiseWeight({ bSimple: 50, standardError: se })).toBeLessThanOrEqual(1);
});

test('measurable: a |G|² estimate of 0 or less measured no noise scale', () => {
  expect(measurable({ gradSq: -1e-6 })).toBe(false);
  expect(measurable({ gradSq: 0 })).toBe(false);
  expect(measurable({ gradSq: 1e-9 })).toBe(true);
  expect(measurable({})).toBe(true);
});
