import { EDGE_RUNS } from '../../src/search/refine';
import { DECADE_RATES, LEAST_RUNG_STEPS, RUNG_GROWTH, SEARCH_HORIZONS, WIDTH_ALLOWANCE, planForHorizon, planRungs, rungShapes, type RungPlanInputs } from '../../src/search/rungs';
import { trial } from '../helpers/trials';

/** Sizes 16…512 at a step time that grows with the batch (1 ms + 0.05 ms a sample). */
const sizes = (list: number[]) => list.map((b) => ({ batchSize: b, stepMs: 1 + 0.05 * b }));
const SETS = [sizes([16, 32, 64, 128, 256, 512]), sizes([32, 64, 128, 256, 512]), sizes([32, 64, 128, 256]), sizes([64, 128, 256])];

const inputs = (over: Partial<RungPlanInputs>): RungPlanInputs => ({
  horizon: { unit: 'epochs', value: 20 },
  trainSamples: 2_000,
  sizeSets: SETS,
  parallel: 1,
  secondsAvailable: 100,
  overheadFor: () => 0,
  baseline: { batchSize: 32, stepMs: 2.6 },
  ...over,
});

/** Seconds of one run of `fraction` of 20 epochs over 2,000 rows at batch b (no overhead). */
const runSeconds = (b: number, fraction: number, samples = 2_000, epochs = 20) => (Math.max(1, Math.round(epochs * fraction * Math.ceil(samples / b))) * (1 + 0.05 * b)) / 1000;

describe('planRungs: the horizon, rows, step times and budget give the rungs', () => {
  test.each([
    // [what, over, top rung's fraction, shape, sizes]
    // 20 epochs of 2,000 rows take 2.1–4.5 s a run: the richest shape with four sizes, raced on three data orders.
    ['a cheap horizon (2,000 rows): measured at the horizon, the richest shape with four sizes', {}, 1, 'wide', 4],
    ['small data, a held-out share: every size at the horizon, raced over five folds', { trainSamples: 300, folds: 5 }, 1, 'one rung, cross-validated', 6],
    // 20 epochs of 300,000 rows: minutes a run; the budget holds a rung of 1/81 of it.
    ['a large table (300,000 rows) in the same time: the top rung stops short of the horizon', { trainSamples: 300_000 }, 1 / 81, 'lean', 5],
    // Short of the horizon, three lengths first: they measure how the best rate falls with length.
    ['a horizon in seconds (--train-time 30s) with 100 s: the top rung is 10/3 s', { horizon: { unit: 'seconds' as const, value: 30 } }, 1 / 9, 'three rungs', 5],
    ['a horizon in seconds with an hour: at the horizon, every size', { horizon: { unit: 'seconds' as const, value: 30 }, secondsAvailable: 3600 }, 1, 'wide', 6],
  ] as [string, Partial<RungPlanInputs>, number, string, number][])('%s', (_what, over, fraction, shape, count) => {
    const plan = planRungs(inputs(over))!;
    expect(plan.topFraction).toBeCloseTo(fraction, 9);
    expect(plan.shape).toBe(shape);
    expect(plan.count).toBe(count);
    expect(plan.rounds[plan.rounds.length - 1].length!.fraction).toBeCloseTo(fraction, 9);
    // The plan holds its own estimate within the time available.
    expect(plan.estimatedSeconds).toBeLessThanOrEqual(over.secondsAvailable ?? 100);
    // Rungs grow by RUNG_GROWTH up to the top.
    plan.rounds.slice(1).forEach((r, i) => expect(r.length!.fraction / plan.rounds[i].length!.fraction).toBeCloseTo(RUNG_GROWTH, 9));
  });

  test('the same epochs for every size: a rung of E/3 at batch b costs E/3 × ⌈N/b⌉ steps of its step time', () => {
    const plan = planRungs(inputs({ sizeSets: [sizes([32, 64, 128])], secondsAvailable: 1000 }))!;
    expect(plan.shape).toBe('wide');
    expect(plan.rounds[0].length!.unit).toBe('epochs');
    expect(plan.rounds[0].length!.value).toBeCloseTo(20 / 3, 9);
    expect(plan.rounds[0].length!.fraction).toBeCloseTo(1 / 3, 9);
    const mean = [32, 64, 128].reduce((sum, b) => sum + runSeconds(b, 1 / 3), 0) / 3;
    expect(plan.rounds[0].trainSeconds).toBeCloseTo(mean, 9);
  });

  test('a search no wider than the question needs: SEARCH_HORIZONS runs of the horizon, or twice the leanest, when the budget is larger', () => {
    const plan = planRungs(inputs({ secondsAvailable: 1000 }))!;
    const leanest = planRungs(inputs({ secondsAvailable: 1000, sizeSets: [SETS[SETS.length - 1]] }))!;
    const median = [16, 32, 64, 128, 256, 512].map((b) => runSeconds(b, 1)).sort((a, b) => a - b);
    const enough = Math.max(WIDTH_ALLOWANCE * leanest.estimatedSeconds, (SEARCH_HORIZONS * (median[2] + median[3])) / 2);
    expect(plan.estimatedSeconds).toBeLessThanOrEqual(enough);
    expect(plan.topFraction).toBe(1);
    expect(plan.why).toMatch(/measured at the horizon \(20 epochs\); no wider than the question needs/);
  });

  test('asked on a machine twice as busy, the same plan: every cost is a multiple of the step times', () => {
    for (const trainSamples of [300, 2_000, 20_000]) {
      const quiet = planRungs(inputs({ trainSamples, secondsAvailable: 1e6 }))!;
      const slow = SETS.map((set) => set.map((s) => ({ ...s, stepMs: 2 * s.stepMs })));
      const busy = planRungs(inputs({ trainSamples, secondsAvailable: 1e6, sizeSets: slow }))!;
      expect({ shape: busy.shape, sizes: busy.sizes, top: busy.topFraction }).toEqual({ shape: quiet.shape, sizes: quiet.sizes, top: quiet.topFraction });
    }
  });

  test('with less time, leaner shapes before a lower top rung', () => {
    const costs = [1000, 100, 20, 5].map((seconds) => planRungs(inputs({ trainSamples: 20_000, secondsAvailable: seconds })));
    const tops = costs.map((p) => p?.topFraction ?? 0);
    // Never a higher top rung with less time, and each plan within its time.
    tops.slice(1).forEach((t, i) => expect(t).toBeLessThanOrEqual(tops[i]));
    costs.forEach((p, i) => p && expect(p.estimatedSeconds).toBeLessThanOrEqual([1000, 100, 20, 5][i]));
    expect(costs[0]!.topFraction).toBe(1);
    expect(costs[3]!.topFraction).toBeLessThan(1);
    expect(costs[3]!.why).toMatch(/the top rung is .* epochs, 1\/\d+ of the horizon/);
  });

  test('on two processes the same time reaches as high or higher', () => {
    for (const seconds of [5, 20, 60]) {
      const one = planRungs(inputs({ trainSamples: 50_000, secondsAvailable: seconds }));
      const two = planRungs(inputs({ trainSamples: 50_000, secondsAvailable: seconds, parallel: 2 }));
      expect(two?.topFraction ?? 0).toBeGreaterThanOrEqual(one?.topFraction ?? 0);
    }
  });

  test(`no plan when no first rung reaches ${LEAST_RUNG_STEPS} steps; sizes too large for it leave the set`, () => {
    // 40 rows: E/3 at batch 32 is ceil(40/32) × 6.67 = 13 steps; at 64 and above, 7: those sizes leave.
    const tiny = planRungs(inputs({ trainSamples: 40, sizeSets: [sizes([8, 16, 32, 64, 128])] }))!;
    expect(tiny.sizes).toEqual([8, 16, 32]);
    expect(tiny.topFraction).toBe(1);
    expect(planRungs(inputs({ trainSamples: 40, horizon: { unit: 'epochs', value: 2 }, sizeSets: [sizes([64, 128])] }))).toBeNull();
    expect(planRungs(inputs({ sizeSets: [] }))).toBeNull();
  });

  test('every rung tries a decade either side of each size\'s centre; the top rung races its contenders', () => {
    for (const over of [{}, { trainSamples: 300_000 }, { trainSamples: 300, folds: 5 }, { secondsAvailable: 5 }] as Partial<RungPlanInputs>[]) {
      const plan = planRungs(inputs(over))!;
      for (const r of plan.rounds) expect([Math.min(...r.lrFactors), Math.max(...r.lrFactors)]).toEqual([0.1, 10]);
      expect(plan.race!.replicates).toBeGreaterThanOrEqual(2);
    }
    expect(planRungs(inputs({}))!.rounds[1].lrFactors).toEqual(DECADE_RATES);
    // Folds only where the top rung is the horizon: below it, data orders.
    const folded = planRungs(inputs({ trainSamples: 300, folds: 5 }))!;
    expect(folded.race).toEqual({ replicates: 5, contenders: 4, folds: 5 });
    const short = planRungs(inputs({ trainSamples: 300_000, folds: 5 }))!;
    expect(short.topFraction).toBeLessThan(1);
    expect(short.race!.folds).toBeNull();
  });

  test('the race and the default\'s runs are costed: a plan without the default costs less', () => {
    const withDefault = planRungs(inputs({ secondsAvailable: 1e6 }))!;
    const without = planRungs(inputs({ secondsAvailable: 1e6, baseline: null }))!;
    expect(without.shape).toBe(withDefault.shape);
    expect(without.estimatedSeconds).toBeLessThan(withDefault.estimatedSeconds);
  });

  test('every shape ends on its top rung (share 1) and starts with every size', () => {
    for (const shape of [...rungShapes(), ...rungShapes(5)]) {
      expect(shape.rungs[shape.rungs.length - 1].share).toBe(1);
      expect(shape.rungs[0].sizes).toBe(Infinity);
    }
    expect(EDGE_RUNS).toBeGreaterThan(0);
  });
});

describe('planForHorizon', () => {
  // Throughput rising to batch 1024 (the knee): 3,200 training rows, a horizon of 3 epochs.
  const sizesProbed = [8, 16, 32, 64, 128, 256, 512, 1024];
  const probe = {
    trials: sizesProbed.map((b) => trial(b, 2000 * Math.sqrt(b), 10)),
    stopReason: 'dataset' as const,
    maxFeasibleBatch: 1024,
    throughputKnee: 1024,
    safeMaxBatch: 1024,
  };
  test('sizes too large for a third of the horizon to rank them are no candidates; the rest near the knee are', () => {
    const plan = planForHorizon({ probe, noiseAtInit: null, data: { trainSamples: 3200, valSamples: 800 }, maxBatch: 1024, horizon: { epochs: 3, source: 'given' }, parallel: 2, secondsAvailable: 600 })!;
    // 1 epoch at 512 is 7 steps, at 1024 4: fewer than LEAST_RUNG_STEPS.
    expect(Math.max(...plan.sizes!)).toBeLessThanOrEqual(256);
    expect(plan.sizes!.every((b) => Math.ceil(3200 / b) >= LEAST_RUNG_STEPS)).toBe(true);
    expect(plan.topFraction).toBe(1);
  });
});
