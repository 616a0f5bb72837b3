/**
 * One test split of one workload, end to end: every method chooses on the dev rows
 * (leaderboard-choose.ts), then every pick — autobatch's, Keras's default, Lightning's,
 * Optuna's, and the grid's points — is trained to the horizon in the same harness on the
 * dev training rows (the split and initial weights tune saw), 3 data orders each, on a
 * pool of worker processes, and judged on the test rows (median test loss of the 3).
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { median } from '../src/util/stats';
import type { SplitInstance } from './leaderboard-build';
import { autobatchPick, inspectSplit, measuredFields, OPTUNA_PROCESSES, runPeers, peersLeftOut, TORCH_THREADS, tuneOnce, type AutobatchPick, type Context, type PeerPick, type SplitInfo, type Tuned } from './leaderboard-choose';
import { gridCap, gridPoints, gridSizes, runGrid, summarize, type GridOutcome } from './leaderboard-grid';
import { TUNE_SEED } from './leaderboard-instances';
import { lossRatio, splitRatios, type AvailableMethod, type MethodName, type MethodResult, type SplitResult, type Stability } from './leaderboard-report';
import { finite, medianTest, medianVal, Runs, SEEDS, type LeaderboardRun } from './leaderboard-runs';
import type { LeaderboardMessage } from './leaderboard-worker';
import type { LeaderboardWorkload } from './leaderboard-workloads';
import type { HorizonJob, HorizonRun } from './train-to-horizon';
import { WorkerPool } from './worker-pool';

/** Worker processes training the runs: wasm trains on one thread, so one a core. */
export const workerCount = () => Math.max(1, Math.min(os.cpus().length, 4));

export function stabilityOn(entry: LeaderboardWorkload, stability: 'marked' | 'all' | 'none'): boolean {
  return stability === 'all' || (stability === 'marked' && entry.stability);
}

export interface SplitOutcome {
  result: SplitResult;
  backend: string;
  optimizer: { name: string; learningRate: number };
  /** Measured on the first split of the workloads marked for it; null elsewhere. */
  stability: Stability | null;
}

export async function benchSplit(ctx: Context, entry: LeaderboardWorkload, instance: SplitInstance): Promise<SplitOutcome> {
  const epochs = ctx.args.epochs ?? entry.epochs;
  const started = performance.now();
  const info = await inspectSplit(ctx, instance);
  // autobatch first, alone on the machine: its wall time is a result, and Optuna's budget.
  const first = await tuneOnce(ctx, instance, epochs);
  // Asked three times: the same command (tune's seed also sets its split and initial weights,
  // so another seed would be another workload); what differs is the machine's timing.
  const again = instance.split === 0 && stabilityOn(entry, ctx.args.stability) ? [await tuneOnce(ctx, instance, epochs), await tuneOnce(ctx, instance, epochs)] : [];
  const peers = await runPeers(ctx, instance, info, epochs, first.wallSeconds);
  const backend = first.doc.backend?.name ?? 'wasm';
  const pool = new WorkerPool<LeaderboardMessage, HorizonRun>(path.join(__dirname, 'leaderboard-worker.ts'), workerCount());
  const runs = new Runs(pool, { instance, seed: TUNE_SEED, backend }, epochs, ctx.log);
  try {
    const rows = info.rows.train;
    const picks = { autobatch: autobatchPick(first.doc, rows), again: again.map((t) => autobatchPick(t.doc, rows)), ...peers };
    ctx.log(`${instance.workload}#${instance.split}: training to ${epochs} epoch(s) on ${rows} rows; judged on ${info.rows.test} test rows`);
    const trained = await trainPicks(runs, entry, info, picks, gridCap(first.doc.probe, rows));
    const methods = assembleMethods(info, first, picks, trained);
    const leftOut = peersLeftOut(ctx, info);
    const result: SplitResult = {
      split: instance.split,
      testSeed: instance.testSeed,
      rows: info.rows,
      methods,
      grid: gridResult(trained.grid, trained.sizes, entry.gridFactors),
      ratios: splitRatios(methods),
      peers: leftOut ? { available: false, reason: leftOut } : { available: true, torchThreads: TORCH_THREADS, optunaProcesses: OPTUNA_PROCESSES },
      seconds: (performance.now() - started) / 1000,
    };
    const stability = again.length ? stabilityOf([first, ...again], [picks.autobatch, ...picks.again], trained.autobatch, trained.again) : null;
    return { result, backend, optimizer: info.optimizer, stability };
  } finally {
    pool.close();
  }
}

interface Picks {
  autobatch: AutobatchPick | null;
  again: (AutobatchPick | null)[];
  lightning: PeerPick;
  optuna: PeerPick;
}

interface Trained {
  sizes: number[];
  keras: { batchSize: number; runs: LeaderboardRun[] };
  autobatch: LeaderboardRun[] | null;
  again: (LeaderboardRun | null)[];
  lightning: LeaderboardRun[] | null;
  optuna: LeaderboardRun[] | null;
  grid: GridOutcome;
}

/** Every pick's runs, queued at once so the pool trains them side by side. */
async function trainPicks(runs: Runs, entry: LeaderboardWorkload, info: SplitInfo, picks: Picks, safeMax: number): Promise<Trained> {
  const rows = info.rows.train;
  const base = info.optimizer.learningRate;
  const sizes = gridSizes(entry.gridSizes, safeMax, rows);
  const keras = Math.min(32, rows);
  const peer = (p: PeerPick) => ('reason' in p ? Promise.resolve(null) : runs.seeds('constant', p.batchSize, p.learningRate));
  const a = picks.autobatch;
  const autobatch = a ? runs.seeds(a.kind, a.batchSize, a.learningRate) : Promise.resolve(null);
  const again = Promise.all(picks.again.map((p) => (p ? runs.one(p.kind, p.batchSize, p.learningRate, SEEDS[0]) : Promise.resolve(null))));
  const kerasRuns = runs.seeds('constant', keras, base);
  const lightning = peer(picks.lightning);
  const optuna = peer(picks.optuna);
  const grid = await runGrid(runs, gridPoints(sizes, entry.gridFactors, base));
  return { sizes, keras: { batchSize: keras, runs: await kerasRuns }, autobatch: await autobatch, again: await again, lightning: await lightning, optuna: await optuna, grid };
}

function methodFrom(method: MethodName, kind: HorizonJob['kind'], batchSize: number, learningRate: number, runs: LeaderboardRun[], pickSeconds: number | null, extra: Partial<AvailableMethod> = {}): AvailableMethod {
  const testLoss = medianTest(runs);
  return {
    method,
    available: true,
    kind,
    batchSize,
    learningRate,
    testLoss,
    testRuns: runs.map((r) => finite(r.testLoss)),
    valLoss: medianVal(runs),
    valRuns: runs.map((r) => finite(r.finalLoss)),
    diverged: !Number.isFinite(testLoss),
    vsKerasDefault: null,
    vsGrid: null,
    vsGridBound: null,
    pickSeconds,
    trainSeconds: median(runs.map((r) => r.seconds)),
    ...(runs.some((r) => r.error) ? { failures: runs.filter((r) => r.error).map((r) => `seed ${r.seed}: ${r.error}`) } : {}),
    ...extra,
  };
}

const unavailable = (method: MethodName, reason: string): MethodResult => ({ method, available: false, reason });

function peerMethod(method: 'lightning' | 'optuna', pick: PeerPick, runs: LeaderboardRun[] | null): MethodResult {
  if ('reason' in pick || !runs) return unavailable(method, 'reason' in pick ? pick.reason : 'not trained');
  return methodFrom(method, 'constant', pick.batchSize, pick.learningRate, runs, pick.wallSeconds, { peer: pick.detail });
}

function assembleMethods(info: SplitInfo, first: Tuned, picks: Picks, trained: Trained): MethodResult[] {
  const a = picks.autobatch;
  const doc = first.doc;
  const { grid } = trained;
  const methods: MethodResult[] = [
    a && trained.autobatch
      ? methodFrom('autobatch', a.kind, a.batchSize, a.learningRate, trained.autobatch, first.wallSeconds, { constantRate: a.constantRate ?? undefined, scheduleKind: a.scheduleKind, tuneTotalSeconds: doc.timings?.total ?? null, autobatch: measuredFields(doc) })
      : unavailable('autobatch', `tune gave no recommendation${doc.incompleteReason ? `: ${doc.incompleteReason}` : ''}`),
    methodFrom('kerasDefault', 'constant', trained.keras.batchSize, info.optimizer.learningRate, trained.keras.runs, 0),
    peerMethod('lightning', picks.lightning, trained.lightning),
    peerMethod('optuna', picks.optuna, trained.optuna),
    methodFrom('grid', 'schedule', grid.chosen.batchSize, grid.chosen.learningRate, grid.chosen.runs, grid.runSeconds / workerCount(), { factor: grid.chosen.factor }),
    methodFrom('gridBound', 'schedule', grid.bound.batchSize, grid.bound.learningRate, grid.bound.runs, null, { factor: grid.bound.factor }),
  ];
  const loss = (name: MethodName) => (methods.find((m) => m.method === name && m.available) as AvailableMethod | undefined)?.testLoss;
  for (const m of methods) {
    if (!m.available) continue;
    m.vsKerasDefault = lossRatio(m.testLoss, loss('kerasDefault'));
    m.vsGrid = lossRatio(m.testLoss, loss('grid'));
    m.vsGridBound = lossRatio(m.testLoss, loss('gridBound'));
  }
  return methods;
}

function gridResult(grid: GridOutcome, sizes: number[], factors: number[]): SplitResult['grid'] {
  return {
    sizes,
    factors,
    points: grid.points.map((p) => ({ batchSize: p.batchSize, learningRate: p.learningRate, factor: p.factor, steps: p.first.steps, valLoss: finite(p.first.finalLoss), testLoss: finite(p.first.testLoss), seconds: p.first.seconds, ...(p.first.error ? { error: p.first.error } : {}) })),
    finalists: grid.finalists.map(summarize),
    testFinalists: grid.testFinalists.map(summarize),
  };
}

const spread = (values: number[]) => (Math.max(...values) - Math.min(...values)) / median(values);

/** The three asks' recommendations, each trained once (data order 42), against the first one's spread over data orders. */
function stabilityOf(tunes: Tuned[], picks: (AutobatchPick | null)[], firstRuns: LeaderboardRun[] | null, againRuns: (LeaderboardRun | null)[]): Stability {
  const once = [firstRuns?.[0] ?? null, ...againRuns];
  const entries = tunes.map((t, i) => ({ batchSize: picks[i]?.batchSize ?? null, learningRate: picks[i]?.learningRate ?? null, kind: picks[i]?.kind ?? null, wallSeconds: t.wallSeconds, testLoss: once[i] ? finite(once[i]!.testLoss) : null }));
  const losses = entries.map((p) => p.testLoss).filter((v): v is number => v !== null && Number.isFinite(v));
  const seedLosses = (firstRuns ?? []).map((r) => finite(r.testLoss)).filter(Number.isFinite);
  const recommendationSpread = losses.length === 3 ? spread(losses) : null;
  const seedSpread = seedLosses.length === 3 ? spread(seedLosses) : null;
  return {
    measured: true,
    picks: entries,
    recommendationSpread,
    seedSpread,
    ratio: recommendationSpread !== null && seedSpread ? recommendationSpread / seedSpread : null,
    holds: recommendationSpread !== null && seedSpread !== null ? recommendationSpread <= seedSpread : null,
  };
}
