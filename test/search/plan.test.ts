import { LR_FACTORS, PLAN, adviseBudget, budgetForSearch, lrRangeDeadline, planLrRange, minimalSearchSeconds, noiseDeadline, planNoise, planSearch, probeDeadline, searchShapes, shapeCost } from '../../src/search/plan';
import { trial } from '../helpers/trials';

test('the probe gets 30 % of what is left when it starts, less the reserve; all of it without a search', () => {
  // 5 s went to reading a large file: the probe's share is of the 100 - 5 - 2 s left.
  expect(probeDeadline(5_000, 100_000)).toBe(5_000 + 0.3 * (100_000 - 5_000 - PLAN.reserveSeconds * 1000));
  expect(probeDeadline(5_000, 100_000, false)).toBe(100_000 - PLAN.reserveSeconds * 1000);
  expect(probeDeadline(99_000, 100_000)).toBe(99_000);
});

test('the LR range test gets 20 % of what is left', () => {
  expect(lrRangeDeadline(10_000, 112_000)).toEqual({ deadline: 10_000 + 0.2 * 100_000, note: null });
  // 10 ms a step: the smallest search needs 18 × 20 × 10 ms / 0.75 + 2 s = 6.8 s of the 80 s left.
  expect(lrRangeDeadline(10_000, 112_000, 10)).toEqual({ deadline: 10_000 + 0.2 * 100_000, note: null });
});

test('the LR range test gets all of it when no search that compares rates would fit after it', () => {
  // 1 s a step: 18 × 20 s / 0.75 + 2 s = 482 s, far more than the 80 s left.
  const { deadline, note } = lrRangeDeadline(10_000, 112_000, 1000);
  expect(deadline).toBe(10_000 + 100_000);
  expect(note).toMatch(/given the search's time too: the smallest search that compares rates needs about 8m2s at this speed, 1m20s would have been left/);
  // At 200 ms a step it needs 98 s: too much for 80 s on one process; on two (11 t, 9 runs in 5 waves: 60.7 s) it fits.
  expect(lrRangeDeadline(10_000, 112_000, 200).deadline).toBe(110_000);
  expect(lrRangeDeadline(10_000, 112_000, 200, 2).deadline).toBe(30_000);
});

test('minimalSearchSeconds: 18 t on one process, 11 t on two (9 runs in 5 waves, then 3 in 2)', () => {
  expect(minimalSearchSeconds(100)).toBeCloseTo((18 * 20 * 0.1) / 0.75 + 2, 9);
  expect(minimalSearchSeconds(100, 2)).toBeCloseTo((11 * 20 * 0.1) / 0.75 + 2, 9);
});

describe('planSearch', () => {
  // 100 s left, less the reserve, 75 % of it training: 72 s.
  const at = (seconds: number) => PLAN.reserveSeconds * 1000 + (seconds / PLAN.trainShare) * 1000 + 1; // + 1 ms against rounding
  const LR = LR_FACTORS;
  test.each([
    [
      'plenty of time: 5 sizes × 3 rates for t, 5 for 3t, 2 × 3 rates for 9t (84 t)',
      at(168),
      { count: 5, rounds: [{ batchSizes: 5, trainSeconds: 2, lrFactors: LR }, { batchSizes: 5, trainSeconds: 6, lrFactors: [1] }, { batchSizes: 2, trainSeconds: 18, lrFactors: LR }] },
    ],
    [
      'less: fewer sizes before a poorer shape (3 sizes: 72 t)',
      at(37),
      { count: 3, rounds: [{ batchSizes: 3, trainSeconds: 37 / 72, lrFactors: LR }, { batchSizes: 3, trainSeconds: 37 / 24, lrFactors: [1] }, { batchSizes: 2, trainSeconds: 37 / 8, lrFactors: LR }] },
    ],
    [
      'then every size in two rounds of 3 rates each (5 × 3 + 5 × 3 × 3 = 60 t)',
      at(30),
      { count: 5, rounds: [{ batchSizes: 5, trainSeconds: 0.5, lrFactors: LR }, { batchSizes: 5, trainSeconds: 1.5, lrFactors: LR }] },
    ],
    [
      'then 3 rates in the first round only (5 × 3 + 5 × 3 = 30 t)',
      at(16),
      { count: 5, rounds: [{ batchSizes: 5, trainSeconds: 16 / 30, lrFactors: LR }, { batchSizes: 5, trainSeconds: 16 / 10, lrFactors: [1] }] },
    ],
    [
      'one rate per size, two rounds (5 + 2 × 3 = 11 t)',
      at(5.5),
      { count: 5, rounds: [{ batchSizes: 5, trainSeconds: 0.5, lrFactors: [1] }, { batchSizes: 2, trainSeconds: 1.5, lrFactors: [1] }] },
    ],
    ['one round of fewer sizes', at(1), { count: 2, rounds: [{ batchSizes: 2, trainSeconds: 0.5, lrFactors: [1] }] }],
    ['no time: none', 2_500, { count: 0, rounds: [] }],
  ] as const)('%s', (_name, end, expected) => {
    const plan = planSearch(0, end, 5);
    expect(plan.count).toBe(expected.count);
    expect(plan.rounds).toHaveLength(expected.rounds.length);
    plan.rounds.forEach((r, i) => {
      expect(r.batchSizes).toBe(expected.rounds[i].batchSizes);
      expect(r.trainSeconds).toBeCloseTo(expected.rounds[i].trainSeconds, 3);
      expect(r.lrFactors).toEqual(expected.rounds[i].lrFactors);
    });
  });

  test('on a pool, a round costs its waves of runs: the same time holds longer runs', () => {
    const [halving] = searchShapes(5);
    // 15 runs in 8 waves, 5 in 3, 6 in 3: 8 + 3 × 3 + 3 × 9 = 44 t instead of 84 t.
    expect(shapeCost(halving, 2)).toBe(8 + 3 * 3 + 3 * 9);
    expect(shapeCost(halving, 1)).toBe(shapeCost(halving));
    const alone = planSearch(0, at(168), 5);
    const pair = planSearch(0, at(168), 5, 2);
    expect(pair.count).toBe(alone.count);
    expect(pair.rounds.map((r) => r.lrFactors)).toEqual(alone.rounds.map((r) => r.lrFactors));
    pair.rounds.forEach((r, i) => expect(r.trainSeconds).toBeCloseTo((alone.rounds[i].trainSeconds * 84) / 44, 6));
    // Where one process has only time for a poorer shape, two have time for the richest.
    expect(planSearch(0, at(30), 5).rounds).toHaveLength(2);
    expect(planSearch(0, at(30), 5, 2).rounds).toHaveLength(3);
  });

  test('every shape costs what its rounds train', () => {
    const [halving, shortHalving, shorterHalving, twoRounds, oneRound] = searchShapes(5);
    expect(shapeCost(halving)).toBe(5 * 3 + 5 * 3 + 2 * 9 * 3);
    expect(shapeCost(shortHalving)).toBe(5 * 3 + 5 * 3 * 3);
    expect(shapeCost(shorterHalving)).toBe(5 * 3 + 5 * 3);
    expect(shapeCost(twoRounds)).toBe(5 + 2 * 3);
    expect(shapeCost(oneRound)).toBe(5);
  });
});

describe('planNoise', () => {
  test.each([
    ['fast gradients: 64, and a repeat of 256 when too noisy', 1, 10_000, { batches: 64, retryBatches: 256 }],
    ['time for 64 but not for the repeat', 10, 2_000, { batches: 64, retryBatches: 0 }],
    ['slow: as many as fit', 100, 4_000, { batches: 33, retryBatches: 0 }],
    ['just 16 fit', 100, 1_920, { batches: 16, retryBatches: 0 }],
    ['no measured gradient time: the usual 64, no repeat', null, 1_000, { batches: 64, retryBatches: 0 }],
  ] as const)('%s', (_name, gradientMs, millis, expected) => {
    expect(planNoise(gradientMs, millis)).toEqual({ ...expected, skipped: null });
  });

  test('when not even 16 gradients fit, none: the phase is skipped with the reason', () => {
    const plan = planNoise(1_000, 1_000);
    expect(plan).toMatchObject({ batches: 0, retryBatches: 0 });
    expect(plan.skipped).toBe('the gradient noise scale was not measured: 16 gradients take about 19.2s at this speed, more than its share of the budget (1.0s)');
  });

  test('the noise phase gets a tenth of what is left', () => {
    expect(noiseDeadline(10_000, 112_000)).toBe(10_000 + 0.1 * 100_000);
  });
});

describe('adviseBudget', () => {
  const at = (stepMs: number) => [{ ...trial(16, (16 * 1000) / stepMs, 1) }];
  test('the smallest search that compares rates, at 20 steps a run, given the phases\' shares', () => {
    // 18 t of 20 steps at 100 ms: 36 s training; / 0.75 / 0.8 / 0.9, + 2 × the reserve; + 10 s spent.
    expect(budgetForSearch(10, 100)).toBeCloseTo(10 + 36 / 0.75 / 0.8 / 0.9 + 4, 9);
  });

  test.each([
    ['fast steps: no advice', 5, 120, null],
    ['slow steps: the budget that would fit, as a flag', 1000, 120, /needs about 12m: --time-budget 12m; the answer below is the best 120 s allow/],
    ['a little short: in seconds', 80, 60, /--time-budget 70s/],
  ] as const)('%s', (_name, stepMs, budget, expected) => {
    const advice = adviseBudget(at(stepMs), 16, 10, budget);
    if (expected === null) expect(advice).toBeNull();
    else expect(advice).toMatch(expected);
  });
});

describe('planLrRange', () => {
  // 10 ms a step at every size (+ a third for the read-back: 13.3 ms).
  const trials = [8, 16, 32, 64, 128, 256].map((b) => trial(b, b * 100, 1));
  test.each([
    ['time for 100 steps: 100, at the largest size up to the knee and 128', 256, 60_000, { batchSize: 128, steps: 100, skipped: null }],
    ['a knee below 128 bounds the size', 32, 60_000, { batchSize: 32, steps: 100, skipped: null }],
    ['time for 25: never fewer than 30 planned (the deadline still ends it)', 256, 25 * 13.3 + 1, { batchSize: 128, steps: 30, skipped: null }],
  ] as const)('%s', (_name, knee, millis, expected) => {
    expect(planLrRange(trials, knee, millis)).toEqual(expected);
  });
  test('fewer than the 20 steps a suggestion needs: not run, and it says why', () => {
    expect(planLrRange(trials, 256, 20 * 13.3 + 1).skipped).toBeNull();
    expect(planLrRange(trials, 256, 100).skipped).toBe('the LR range test was not run: the 20 steps it needs for a suggestion take about 0.3s at batch 128, more than its 0.1s');
  });
});
