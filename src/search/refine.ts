import type { CandidateRun } from '../runner/run-spec';

/**
 * What the top rung does when it is the user's own horizon: the decision is taken on
 * the run the user will do, so what one data order leaves open is settled by measuring
 * more, not by a rule. Two questions, in waves of runs:
 *
 *   1. Is the best rate bracketed? When the best run's rate is the highest (or lowest)
 *      its size tried at this rung, `EDGE_RUNS` more at the next rates out (× `edgeFactor`),
 *      and again while the best stays at the edge (at most `EDGE_WAVES` waves).
 *   2. Is the best better than the others, or only luckier? The best trains on
 *      `seeds − 1` more data orders; their spread is the seed-to-seed noise of this
 *      workload, and every configuration within twice that spread of the best (at least
 *      `SEED_FLOOR`; at most `MAX_CONTENDERS`) trains on the same data orders. Each is
 *      then judged on its losses averaged over its data orders (see `mergeSeeds`).
 */

/** One configuration (size and rate) of the rung, with its runs, one a data order. */
export interface Config {
  run: CandidateRun;
  seeds: CandidateRun[];
}

/** A rate at the edge of those tried is extended by this factor (the rungs' rates are a factor 2 apart). */
export const LR_EDGE_STEP = 2;

/** Contenders trained on more data orders besides the best. */
export const MAX_CONTENDERS = 2;

/** A relative gap this small is within noise whatever the seeds' spread says: three seeds measure a spread roughly. */
export const SEED_FLOOR = 0.01;

export interface RefineOptions {
  /** Data orders each contender ends with, the first included (1: the edge alone is refined). */
  seeds: number;
  /** The first data order's seed: the others are seed + 1, seed + 2, … */
  seed: number;
  edgeFactor: number;
  /** Trains runs of this rung side by side; null for a run that failed or was not started. */
  train: (jobs: { batchSize: number; learningRate: number; seed: number }[]) => Promise<(CandidateRun | null)[]>;
  /** The rates `batchSize` tried at this rung. */
  ratesTried: (batchSize: number) => number[];
}

/** Refines `configs` in place (see the file's comment): adds the edge run, and the seeds' runs to each contender. */
export async function refineAtHorizon(configs: Config[], options: RefineOptions): Promise<void> {
  const ranked = () => configs.filter((c) => lossOf(c) !== null).sort((a, b) => lossOf(a)! - lossOf(b)!);
  if (!ranked().length) return;
  // The next rates out, two a wave, until the best is bracketed: the best rate falls as runs
  // get longer, on small data (where the last epochs overfit) often by several steps.
  for (let wave = 0; wave < EDGE_WAVES; wave++) {
    const leader = ranked()[0];
    const edges = edgeRates(leader.run, options.ratesTried(leader.run.batchSize), options.edgeFactor, EDGE_RUNS);
    if (!edges.length) break;
    const runs = await options.train(edges.map((learningRate) => ({ batchSize: leader.run.batchSize, learningRate, seed: options.seed })));
    const trained = runs.filter((r): r is CandidateRun => r !== null);
    for (const run of trained) configs.push({ run, seeds: [run] });
    if (trained.length < edges.length) break;
  }
  const extraSeeds = Array.from({ length: Math.max(0, options.seeds - 1) }, (_, i) => options.seed + 1 + i);
  if (!extraSeeds.length) return;
  const best = ranked()[0];
  const own = await options.train(extraSeeds.map((seed) => ({ batchSize: best.run.batchSize, learningRate: best.run.learningRate, seed })));
  best.seeds.push(...own.filter((r): r is CandidateRun => r !== null));
  const spread = relativeSpread(best.seeds.map((r) => r.valLoss).filter((v): v is number => v !== null));
  const bestLoss = lossOf(best)!;
  const allowed = Math.max(SEED_FLOOR, 2 * spread);
  const contenders = ranked()
    .filter((c) => c !== best && c.seeds.length === 1 && lossOf(c)! <= (1 + allowed) * bestLoss)
    .slice(0, MAX_CONTENDERS);
  if (!contenders.length) return;
  const jobs = contenders.flatMap((c) => extraSeeds.map((seed) => ({ batchSize: c.run.batchSize, learningRate: c.run.learningRate, seed })));
  const second = await options.train(jobs);
  contenders.forEach((c, i) => {
    c.seeds.push(...second.slice(i * extraSeeds.length, (i + 1) * extraSeeds.length).filter((r): r is CandidateRun => r !== null));
  });
}

/** Rates tried beyond an edge, in one wave. */
export const EDGE_RUNS = 2;

/** Waves past an edge at most: rates down to 1/64 (or up to 64×) of the edge's. */
export const EDGE_WAVES = 3;

/**
 * The next `count` rates out when `run`'s rate is the highest or the lowest of `tried`
 * (at least two tried): × `factor`, × `factor`², … above, ÷ below; none when it lies
 * inside, or diverged.
 */
export function edgeRates(run: CandidateRun, tried: readonly number[], factor: number, count = EDGE_RUNS): number[] {
  if (tried.length < 2 || run.valLoss === null) return [];
  const step = run.learningRate >= Math.max(...tried) ? factor : run.learningRate <= Math.min(...tried) ? 1 / factor : null;
  if (step === null) return [];
  return Array.from({ length: count }, (_, i) => run.learningRate * step ** (i + 1));
}

/** Sample standard deviation over the mean; 0 for fewer than two values. */
export function relativeSpread(values: readonly number[]): number {
  if (values.length < 2) return 0;
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1);
  return mean > 0 ? Math.sqrt(variance) / mean : 0;
}

/**
 * A configuration's runs as one: per-sample validation losses averaged over its data
 * orders (every run of a rung is measured on the same rows), and the mean losses. A
 * diverged data order makes the configuration diverged. The first run's other records stay.
 */
export function mergeSeeds(config: Config): CandidateRun {
  const runs = config.seeds;
  if (runs.length <= 1) return config.run;
  if (runs.some((r) => r.valLosses === null)) return { ...config.run, valLosses: null, valLoss: null, diverged: true };
  const n = Math.min(...runs.map((r) => r.valLosses!.length));
  const valLosses = new Float32Array(n);
  for (const r of runs) for (let i = 0; i < n; i++) valLosses[i] += r.valLosses![i] / runs.length;
  const mean = (values: (number | null)[]) => {
    const known = values.filter((v): v is number => v !== null);
    return known.length ? known.reduce((a, b) => a + b, 0) / known.length : null;
  };
  return { ...config.run, valLosses, valLoss: mean(runs.map((r) => r.valLoss)), trainLoss: mean(runs.map((r) => r.trainLoss)) };
}

/** The rate of the lowest validation loss among one size's runs; null when all diverged. */
export function bestRate(runs: readonly CandidateRun[]): number | null {
  const finite = runs.filter((r) => r.valLoss !== null && Number.isFinite(r.valLoss));
  if (!finite.length) return null;
  return finite.reduce((a, b) => (b.valLoss! < a.valLoss! ? b : a)).learningRate;
}

function lossOf(config: Config): number | null {
  return mergeSeeds(config).valLoss;
}
