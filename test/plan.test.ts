import { LR_FACTORS, PLAN, lrRangeDeadline, planSearch, probeDeadline, searchShapes, shapeCost } from '../src/plan';

test('the probe gets 30 % of the budget, less the reserve', () => {
  expect(probeDeadline(0, 100)).toBe(30_000 - PLAN.reserveSeconds * 1000);
});

test('the LR range test gets 20 % of what is left', () => {
  expect(lrRangeDeadline(10_000, 112_000)).toBe(10_000 + 0.2 * 100_000);
});

describe('planSearch', () => {
  // 100 s left, less the reserve, 75 % of it training: 72 s.
  const at = (seconds: number) => PLAN.reserveSeconds * 1000 + (seconds / PLAN.trainShare) * 1000 + 1; // + 1 ms against rounding
  test.each([
    [
      'plenty of time: 5 sizes × 3 rates for t, 5 for 3t, 2 for 9t (48 t)',
      at(96),
      { count: 5, lrFactors: LR_FACTORS, rounds: [{ batchSizes: 5, trainSeconds: 2 }, { batchSizes: 5, trainSeconds: 6 }, { batchSizes: 2, trainSeconds: 18 }] },
    ],
    [
      'less: fewer sizes before a poorer shape (3 sizes: 36 t)',
      at(40),
      { count: 3, lrFactors: LR_FACTORS, rounds: [{ batchSizes: 3, trainSeconds: 40 / 36 }, { batchSizes: 3, trainSeconds: 40 / 12 }, { batchSizes: 2, trainSeconds: 40 / 4 }] },
    ],
    [
      'then 3 rates, but no third round (5 × 3 + 5 × 3 = 30 t)',
      at(30),
      { count: 5, lrFactors: LR_FACTORS, rounds: [{ batchSizes: 5, trainSeconds: 1 }, { batchSizes: 5, trainSeconds: 3 }] },
    ],
    [
      'one rate per size, two rounds (5 + 2 × 3 = 11 t)',
      at(22 / 2),
      { count: 5, lrFactors: [1], rounds: [{ batchSizes: 5, trainSeconds: 1 }, { batchSizes: 2, trainSeconds: 3 }] },
    ],
    ['one round of fewer sizes', at(2), { count: 2, lrFactors: [1], rounds: [{ batchSizes: 2, trainSeconds: 1 }] }],
    ['no time: none', 2_500, { count: 0, lrFactors: [1], rounds: [] }],
  ] as const)('%s', (_name, end, expected) => {
    const plan = planSearch(0, end, 5);
    expect(plan.count).toBe(expected.count);
    expect(plan.lrFactors).toEqual(expected.lrFactors);
    expect(plan.rounds).toHaveLength(expected.rounds.length);
    plan.rounds.forEach((r, i) => {
      expect(r.batchSizes).toBe(expected.rounds[i].batchSizes);
      expect(r.trainSeconds).toBeCloseTo(expected.rounds[i].trainSeconds, 3);
    });
  });

  test('every shape costs what its rounds train', () => {
    const [halving, shortHalving, twoRounds, oneRound] = searchShapes(5);
    expect(shapeCost(halving)).toBe(5 * 3 + 5 * 3 + 2 * 9);
    expect(shapeCost(shortHalving)).toBe(5 * 3 + 5 * 3);
    expect(shapeCost(twoRounds)).toBe(5 + 2 * 3);
    expect(shapeCost(oneRound)).toBe(5);
  });
});
