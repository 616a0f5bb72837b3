import { argmin, gridCap, gridSizes, lowest } from '../../bench/leaderboard-grid';
import { aggregateRatios, lossRatio, splitRatios, type MethodResult, type Ratios, type Stability } from '../../bench/leaderboard-report';
import { evaluateTargets } from '../../bench/leaderboard-targets';
import { parseLeaderboardArgs } from '../../bench/leaderboard-args';

const none: Ratios = { vsKerasDefault: null, vsGrid: null, vsGridBound: null, vsOptuna: null, vsLightning: null };
const unmeasured: Stability = { measured: false, reason: 'once' };

describe("the leaderboard's ratios", () => {
  it.each([
    [1, 2, 0.5],
    [2, Infinity, 0],
    [Infinity, 2, Infinity],
    [Infinity, Infinity, null],
    [1, null, null],
    [null, 1, null],
  ])('%s over %s is %s', (a, b, ratio) => {
    expect(lossRatio(a, b)).toBe(ratio);
  });

  it("reads autobatch's test loss over each other method's; a method that did not run gives null", () => {
    const m = (method: MethodResult['method'], testLoss: number) => ({ method, available: true, testLoss }) as MethodResult;
    const methods = [m('autobatch', 0.9), m('kerasDefault', 1), m('grid', 0.9), m('gridBound', 0.8), { method: 'optuna', available: false, reason: 'no Python' } as MethodResult, m('lightning', Infinity)];
    expect(splitRatios(methods)).toEqual({ vsKerasDefault: 0.9, vsGrid: 1, vsGridBound: 1.125, vsOptuna: null, vsLightning: 0 });
  });

  it('aggregates the splits by the median of each ratio, over the splits that have it', () => {
    const splits = [
      { ...none, vsGrid: 1.1, vsKerasDefault: 0.8 },
      { ...none, vsGrid: 0.9, vsKerasDefault: 1.3 },
      { ...none, vsGrid: 1.0, vsKerasDefault: null },
    ];
    expect(aggregateRatios(splits)).toEqual({ ...none, splits: 3, vsGrid: 1.0, vsKerasDefault: 1.05 });
  });
});

describe("the leaderboard's targets", () => {
  const workload = (name: string, aggregate: Partial<Ratios>, stability: Stability = unmeasured) => ({ name, aggregate: { ...none, ...aggregate }, stability });
  const byId = (targets: ReturnType<typeof evaluateTargets>) => Object.fromEntries(targets.map((t) => [t.id, { holds: t.holds, value: t.value }]));

  it('are judged per workload on its aggregate ratio: shares, medians and every one', () => {
    const held = (spread: number): Stability => ({ measured: true, picks: [], recommendationSpread: spread, seedSpread: 0.05, ratio: spread / 0.05, holds: spread <= 0.05 });
    const targets = byId(
      evaluateTargets([
        workload('a', { vsGrid: 1.0, vsGridBound: 1.02, vsKerasDefault: 0.8, vsOptuna: 1.0, vsLightning: 0.5 }, held(0.01)),
        workload('b', { vsGrid: 1.02, vsGridBound: 1.04, vsKerasDefault: 0.85, vsOptuna: 1.03, vsLightning: 0.9 }, held(0.2)),
        workload('c', { vsGrid: 0.95, vsGridBound: 1.01, vsKerasDefault: 0.95, vsOptuna: 0.99, vsLightning: 0 }),
        workload('d', { vsGrid: 1.05, vsGridBound: 1.1, vsKerasDefault: 1.01, vsOptuna: 1.01, vsLightning: 1.0 }),
        workload('e', { vsGrid: 1.0, vsGridBound: 1.0, vsKerasDefault: 0.7, vsOptuna: null, vsLightning: null }),
      ]),
    );
    expect(targets['vs-grid']).toEqual({ holds: true, value: 0.8 });
    expect(targets['vs-grid-bound']).toEqual({ holds: true, value: 1.02 });
    expect(targets['keras-never-worse']).toEqual({ holds: false, value: 1.01 });
    expect(targets['keras-median']).toEqual({ holds: true, value: 0.85 });
    expect(targets['vs-optuna']).toEqual({ holds: false, value: 0.75 });
    expect(targets['vs-lightning']).toEqual({ holds: false, value: 1.0 });
    expect(targets.stability).toEqual({ holds: false, value: 0.5 });
  });

  it('count a diverged pick as failing, and say n/a with no numbers', () => {
    const targets = byId(evaluateTargets([workload('a', { vsKerasDefault: Infinity, vsGrid: Infinity })]));
    expect(targets['keras-never-worse'].holds).toBe(false);
    expect(targets['vs-grid']).toEqual({ holds: false, value: 0 });
    expect(targets['vs-optuna']).toEqual({ holds: null, value: null });
    expect(targets.stability).toEqual({ holds: null, value: null });
  });
});

describe("the leaderboard's grid", () => {
  it('keeps the sizes that fit and that the training rows fill; else the smallest, capped at the rows', () => {
    expect(gridSizes([16, 32, 64, 128, 256], 128, 200)).toEqual([16, 32, 64, 128]);
    expect(gridSizes([16, 32, 64], Infinity, 59)).toEqual([16, 32]);
    expect(gridSizes([16, 64], Infinity, 10)).toEqual([10]);
    // The probe's safe maximum caps the grid where memory stopped it, not where throughput did.
    expect(gridCap({ stopReason: 'oom', safeMaxBatch: 40 }, 1920)).toBe(40);
    expect(gridCap({ stopReason: 'memory', safeMaxBatch: 64 }, 1920)).toBe(64);
    expect(gridCap({ stopReason: 'time', safeMaxBatch: 128 }, 1920)).toBe(128);
    expect(gridCap({ stopReason: 'input-bound', safeMaxBatch: 32 }, 1920)).toBe(1920);
    expect(gridCap({ stopReason: 'throughput-plateau', safeMaxBatch: 256 }, 1920)).toBe(1920);
    expect(gridCap(null, 1920)).toBe(1920);
  });

  it('chooses finalists by the lowest loss, diverged last, ties in order; the lowest median wins', () => {
    const points = [{ id: 'a', v: 0.5 }, { id: 'b', v: Infinity }, { id: 'c', v: 0.2 }, { id: 'd', v: 0.5 }, { id: 'e', v: 0.9 }];
    expect(lowest(points, (p) => p.v, 3).map((p) => p.id)).toEqual(['c', 'a', 'd']);
    expect(lowest(points, (p) => p.v, 9).map((p) => p.id)).toEqual(['c', 'a', 'd', 'e', 'b']);
    expect(argmin(points, (p) => p.v).id).toBe('c');
    expect(argmin([{ id: 'x', v: Infinity }, { id: 'y', v: Infinity }], (p) => p.v).id).toBe('x');
  });
});

describe("the leaderboard's flags", () => {
  it.each([
    [['--leaderboard', '--only', 'iris,cars93', '--splits', '1', '--no-peers'], { only: ['iris', 'cars93'], splits: 1, peers: false }],
    [['--leaderboard', '--tune-seconds', '15', '--epochs', '3', '--json'], { tuneSeconds: 15, epochs: 3, json: true }],
  ])('%j', (args, expected) => {
    expect(parseLeaderboardArgs(args)).toMatchObject(expected);
  });

  it.each([
    [['--splits', '1.5'], '--splits needs a whole number, got 1.5'],
    [['--epochs', '0'], '--epochs needs a positive number, got 0'],
    [['--only'], '--only needs a value'],
    [['--fast'], 'unknown argument --fast'],
  ])('%j: one line', (args, message) => {
    expect(parseLeaderboardArgs(args)).toEqual(expect.stringContaining(message));
  });
});
