/**
 * The grid, chosen as a careful user would: every point (batch sizes × peaks, with the
 * schedule) trained to the horizon on the dev training rows once, scored on the dev
 * validation rows; the 3 best re-run on every data order; the lowest median validation
 * loss chosen, and its median test loss is the grid's result. Beside it the test-set
 * bound: the same procedure choosing on the test rows instead (the 3 best single runs by
 * test loss re-run too; the lowest median test loss over every re-run point), which
 * nobody can reach without peeking at the test rows.
 */
import { finite, medianTest, medianVal, SEEDS, type LeaderboardRun, type Runs } from './leaderboard-runs';

/** Grid points re-run to every data order before one is chosen. */
export const FINALISTS = 3;

export interface GridPoint {
  batchSize: number;
  learningRate: number;
  /** The peak as a multiple of the optimizer's default. */
  factor: number;
}

/**
 * The largest batch the grid may train: the probe's safe maximum where memory stopped it
 * (or it ran out of time before finding a limit); where it stopped on throughput
 * (`throughput-plateau`, `input-bound`) a larger size still fits, and only the rows cap
 * it. A throughput stop is autobatch's own judgement, not a limit a careful user's grid
 * would keep to (a folder of PNGs stopped input-bound at 32 and cut the grid to 16 and 32).
 */
export function gridCap(probe: { stopReason?: string | null; safeMaxBatch?: number | null } | null | undefined, trainRows: number): number {
  if (!probe || probe.stopReason === 'throughput-plateau' || probe.stopReason === 'input-bound') return trainRows;
  return probe.safeMaxBatch ?? trainRows;
}

/** The grid's batch sizes for a workload: those under the cap (see `gridCap`) that the training rows can fill; else the smallest, capped at the rows. */
export function gridSizes(sizes: readonly number[], safeMax: number, trainRows: number): number[] {
  const kept = sizes.filter((b) => b <= Math.min(safeMax, trainRows));
  return kept.length ? kept : [Math.min(sizes[0], trainRows)];
}

/** Every (size, factor) point, peaks at `factor × base`. */
export function gridPoints(sizes: readonly number[], factors: readonly number[], base: number): GridPoint[] {
  return sizes.flatMap((batchSize) => factors.map((factor) => ({ batchSize, learningRate: base * factor, factor })));
}

/** The `k` items with the lowest `score` (infinite last; ties keep their order). */
export function lowest<T>(items: readonly T[], score: (item: T) => number, k: number): T[] {
  return items
    .map((item, i) => ({ item, i, s: finite(score(item)) }))
    .sort((a, b) => a.s - b.s || a.i - b.i)
    .slice(0, k)
    .map((x) => x.item);
}

/** The item with the lowest `score`; the first of equals. */
export function argmin<T>(items: readonly T[], score: (item: T) => number): T {
  return items.reduce((best, item) => (finite(score(item)) < finite(score(best)) ? item : best));
}

export type RerunPoint = GridPoint & { runs: LeaderboardRun[] };

export interface GridOutcome {
  /** Every point's first run (data order 42), best validation loss first. */
  points: (GridPoint & { first: LeaderboardRun })[];
  /** The 3 best by validation loss, on every data order: the careful user's finalists. */
  finalists: RerunPoint[];
  /** The 3 best by test loss, on every data order (the bound's). */
  testFinalists: RerunPoint[];
  /** The careful user's choice: the lowest median validation loss among `finalists`. */
  chosen: RerunPoint;
  /** The lowest median test loss among every re-run point. */
  bound: RerunPoint;
  /** The careful user's compute: every point once and the finalists' other data orders, in run-seconds. */
  runSeconds: number;
}

export async function runGrid(runs: Runs, points: readonly GridPoint[]): Promise<GridOutcome> {
  const firsts = await Promise.all(points.map((p) => runs.one('schedule', p.batchSize, p.learningRate, SEEDS[0])));
  const scored = points.map((p, i) => ({ ...p, first: firsts[i] }));
  const rerun = (p: GridPoint & { first: LeaderboardRun }) => runs.seeds('schedule', p.batchSize, p.learningRate).then((r): RerunPoint => ({ batchSize: p.batchSize, learningRate: p.learningRate, factor: p.factor, runs: r }));
  const [finalists, testFinalists] = await Promise.all([
    Promise.all(lowest(scored, (p) => p.first.finalLoss, FINALISTS).map(rerun)),
    Promise.all(lowest(scored, (p) => p.first.testLoss, FINALISTS).map(rerun)),
  ]);
  const chosen = argmin(finalists, (p) => medianVal(p.runs));
  const bound = argmin([...finalists, ...testFinalists], (p) => medianTest(p.runs));
  const runSeconds = firsts.reduce((s, r) => s + r.seconds, 0) + finalists.reduce((s, p) => s + p.runs.slice(1).reduce((t, r) => t + r.seconds, 0), 0);
  return { points: lowest(scored, (p) => p.first.finalLoss, scored.length), finalists, testFinalists, chosen, bound, runSeconds };
}

/** A re-run point's summary for the report. */
export function summarize(p: RerunPoint) {
  return { batchSize: p.batchSize, learningRate: p.learningRate, factor: p.factor, valRuns: p.runs.map((r) => finite(r.finalLoss)), testRuns: p.runs.map((r) => finite(r.testLoss)), valLoss: medianVal(p.runs), testLoss: medianTest(p.runs) };
}
