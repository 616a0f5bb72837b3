import type { CandidateRun } from '../../src/runner/run-spec';
import { EDGE_RUNS, LR_EDGE_STEP, bestRate, edgeRates, mergeSeeds, refineAtHorizon, relativeSpread, type Config } from '../../src/search/refine';

const run = (batchSize: number, learningRate: number, losses: number[] | null): CandidateRun => ({
  batchSize, learningRate, steps: 10, samplesSeen: 10 * batchSize, trainSeconds: 1, diverged: losses === null, curve: [], firstLoss: 1,
  lossDropPerSec: null, lossVolatility: null, valLosses: losses && Float32Array.from(losses), valLoss: losses && losses.reduce((a, b) => a + b, 0) / losses.length,
  trainLoss: losses && 0.5, noise: null,
});
const config = (r: CandidateRun): Config => ({ run: r, seeds: [r] });

describe('edgeRates', () => {
  test.each([
    ['the highest tried: the next two above', 4, [1, 2, 4], [8, 16]],
    ['the lowest tried: the next two below', 1, [1, 2, 4], [0.5, 0.25]],
    ['inside: none', 2, [1, 2, 4], []],
    ['one rate tried: no edge to speak of', 2, [2], []],
  ])('%s', (_what, rate, tried, expected) => {
    expect(edgeRates(run(32, rate, [1]), tried, LR_EDGE_STEP)).toEqual(expected);
  });
  test('a diverged run has no edge', () => expect(edgeRates(run(32, 4, null), [1, 4], 2)).toEqual([]));
});

test('mergeSeeds averages per-sample losses over data orders; a diverged order makes the configuration diverged', () => {
  const a = run(32, 1, [1, 3]);
  const merged = mergeSeeds({ run: a, seeds: [a, run(32, 1, [3, 5])] });
  expect(Array.from(merged.valLosses!)).toEqual([2, 4]);
  expect(merged.valLoss).toBe(3);
  expect(mergeSeeds({ run: a, seeds: [a, run(32, 1, null)] }).valLoss).toBeNull();
  expect(mergeSeeds(config(a))).toBe(a);
});

test('relativeSpread and bestRate', () => {
  expect(relativeSpread([1])).toBe(0);
  expect(relativeSpread([1, 1, 1])).toBe(0);
  expect(relativeSpread([0.9, 1.1])).toBeCloseTo(Math.SQRT2 * 0.1, 9);
  expect(bestRate([run(8, 1, [2]), run(8, 2, [1]), run(8, 4, null)])).toBe(2);
  expect(bestRate([run(8, 1, null)])).toBeNull();
});

describe('refineAtHorizon', () => {
  /** A workload whose loss at batch 32 is least at rate 0.25 and grows with |log2(rate / 0.25)|; seeds add ±1 %. */
  const loss = (b: number, lr: number, seed: number) => (b === 32 ? 1 + 0.1 * Math.abs(Math.log2(lr / 0.25)) : 1.3) * (1 + 0.01 * ((seed % 3) - 1));
  const trainer = (lossOf = loss) => {
    const calls: { batchSize: number; learningRate: number; seed: number }[][] = [];
    const train = async (jobs: { batchSize: number; learningRate: number; seed: number }[]) => {
      calls.push(jobs);
      return jobs.map((j) => run(j.batchSize, j.learningRate, [lossOf(j.batchSize, j.learningRate, j.seed)]));
    };
    return { calls, train };
  };

  test('a best rate at the lowest edge gets the next rates out, and the best trains on more data orders', async () => {
    const configs = [1, 2, 4].map((lr) => config(run(32, lr, [loss(32, lr, 1)]))).concat([config(run(64, 1, [loss(64, 1, 1)]))]);
    const { calls, train } = trainer();
    await refineAtHorizon(configs, { seeds: 3, seed: 1, edgeFactor: 2, train, ratesTried: (b) => configs.filter((c) => c.run.batchSize === b).map((c) => c.run.learningRate) });
    expect(calls[0].map((j) => j.learningRate)).toEqual([0.5, 0.25].slice(0, EDGE_RUNS));
    // 0.25 is the best and again the lowest tried: the next two out, where the loss rises again.
    expect(calls[1].map((j) => j.learningRate)).toEqual([0.125, 0.0625]);
    // The best (0.25), bracketed now, trains on seeds 2 and 3.
    expect(calls[2]).toEqual([{ batchSize: 32, learningRate: 0.25, seed: 2 }, { batchSize: 32, learningRate: 0.25, seed: 3 }]);
    const best = configs.find((c) => c.run.learningRate === 0.25)!;
    expect(best.seeds).toHaveLength(3);
    // Nothing else is within twice the seeds' spread (or 1 %) of it: no further wave.
    expect(calls).toHaveLength(3);
  });

  test('contenders within the seeds spread train on the same data orders; with one seed only the edge is refined', async () => {
    const near = (b: number, lr: number, l: number) => config(run(b, lr, [l]));
    const configs = [near(32, 0.5, 1.0), near(64, 0.5, 1.004), near(128, 0.5, 1.2), near(32, 1, 1.1), near(32, 0.25, 1.1)];
    // Each configuration's other data orders land within 0.1 % of its first.
    const { calls, train } = trainer((b, lr, seed) => configs.find((c) => c.run.batchSize === b && c.run.learningRate === lr)!.run.valLoss! * (1 + 0.001 * (seed - 2)));
    await refineAtHorizon(configs, { seeds: 3, seed: 1, edgeFactor: 2, train, ratesTried: () => [0.25, 0.5, 1] });
    // Inside its rates: no edge wave; the best's seeds, then batch 64's (0.4 % away), not 128's (20 %).
    expect(calls.map((c) => c.map((j) => j.batchSize))).toEqual([[32, 32], [64, 64]]);
    const lone = trainer();
    const two = [near(32, 0.5, 1), near(32, 1, 1.1)];
    await refineAtHorizon(two, { seeds: 1, seed: 1, edgeFactor: 2, train: lone.train, ratesTried: () => two.map((c) => c.run.learningRate) });
    // 0.25 and 0.125 land at 1.0 and 1.1 (the loss above): 0.5 stays the best, inside its rates now; no seeds.
    expect(lone.calls).toEqual([[{ batchSize: 32, learningRate: 0.25, seed: 1 }, { batchSize: 32, learningRate: 0.125, seed: 1 }]]);
  });
});
