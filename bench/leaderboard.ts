/**
 * Leaderboard mode: for each workload, the batch size and learning rate (or schedule)
 * each method picks, all trained to the user's horizon (E epochs) in one harness
 * (`trainToHorizon` on a pool of worker processes), from the same initial weights and
 * the same split, 3 data orders on every decisive point, judged on the final validation
 * loss (median of 3):
 *
 *   - autobatch: tune() at its default budget and `epochs: E`; its schedule (linear
 *     warm-up and decay at its peak) at its batch; asked 3 times (the same command, seed 42) on the
 *     small tables for stability;
 *   - Keras's default: batch 32 (or the training set), the optimizer's default rate, constant;
 *   - PyTorch Lightning (in Python, for real): scale_batch_size(mode="power"), then
 *     lr_find().suggestion(), trained at a constant rate;
 *   - Optuna (TPE + median pruner) with autobatch's wall time, each trial the whole
 *     horizon in torch; its best trial trained at a constant rate;
 *   - a grid oracle: fixed batch sizes × peaks of 0.3, 1, 3, 10 × the default with the
 *     schedule, its 3 best points to 3 seeds, the lowest median wins.
 *
 *   npm run bench -- --leaderboard [--json] [--only a,b] [--out FILE]
 */
import { benchMachine } from './machine';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AutobatchDocument } from '../src/document';
import { activateBackend } from '../src/platform/backend';
import { loadTf, type TF } from '../src/platform/tf';
import { tune } from '../src/tune';
import { median } from '../src/util/stats';
import { TOOL_VERSION } from '../src/util/version';
import { preparePeers, runPeer, type PeerEnvironment } from './leaderboard-peers';
import { evaluateTargets, printLeaderboard, type AvailableMethod, type LeaderboardReport, type MethodResult, type WorkloadResult } from './leaderboard-report';
import type { LeaderboardMessage } from './leaderboard-worker';
import { buildFromOptions, leaderboardWorkloads, writeLeaderboardData, type LeaderboardWorkload } from './leaderboard-workloads';
import { exportForTorch } from './torch-export';
import type { HorizonJob, HorizonRun } from './train-to-horizon';
import { WorkerPool } from './worker-pool';

/** Seeds (data orders) behind every decisive number. */
const SEEDS = [42, 43, 44];
/** Grid points re-run to every seed before the grid's best is chosen. */
const FINALISTS = 3;
/** torch threads in every peer process (Optuna runs one process a core). */
const TORCH_THREADS = 1;

export interface LeaderboardArgs {
  json: boolean;
  only: string[] | null;
  out: string | null;
  /** autobatch's budget; undefined: its default (120 s). Hidden, for testing the harness. */
  tuneSeconds?: number;
  /** Every workload's horizon, for testing the harness. */
  epochs?: number;
  /** Where autobatch runs three times: the workloads marked for it (the small tables), every one, or none. */
  stability: 'marked' | 'all' | 'none';
  peers: boolean;
  /** Print the estimate and stop. */
  estimateOnly: boolean;
}

/** The leaderboard's flags, or a message for a bad one. */
export function parseLeaderboardArgs(args: readonly string[]): LeaderboardArgs | string {
  const out: LeaderboardArgs = { json: false, only: null, out: null, stability: 'marked', peers: true, estimateOnly: false };
  const valued = ['--only', '--out', '--tune-seconds', '--epochs'];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--leaderboard') continue;
    if (a === '--json') out.json = true;
    else if (a === '--no-stability') out.stability = 'none';
    else if (a === '--stability-all') out.stability = 'all';
    else if (a === '--no-peers') out.peers = false;
    else if (a === '--estimate') out.estimateOnly = true;
    else if (valued.includes(a)) {
      const v = args[++i];
      if (v === undefined || v.startsWith('--')) return `${a} needs a value`;
      if (a === '--only') out.only = v.split(',').filter(Boolean);
      else if (a === '--out') out.out = v;
      else {
        const n = Number(v);
        if (!Number.isFinite(n) || n <= 0) return `${a} needs a positive number, got ${v}`;
        if (a === '--tune-seconds') out.tuneSeconds = n;
        else out.epochs = n;
      }
    } else return `unknown argument ${a} for --leaderboard (use --json, --only NAME[,NAME], --out FILE, --no-stability, --stability-all, --no-peers, --tune-seconds N, --epochs N, --estimate)`;
  }
  return out;
}

const finite = (v: number) => (Number.isFinite(v) ? v : Infinity);
const medianLoss = (runs: HorizonRun[]) => median(runs.map((r) => finite(r.finalLoss ?? Infinity)));
const spread = (values: number[]) => (Math.max(...values) - Math.min(...values)) / median(values);

interface Context {
  tf: TF;
  dir: string;
  args: LeaderboardArgs;
  peers: PeerEnvironment | null;
  log: (s: string) => void;
}

/** A run to the horizon; `error` when its process failed (the loss is then infinite). */
type LeaderboardRun = HorizonRun & { error?: string };

/** Runs of one workload, each (kind, batch, rate, seed) trained once however many methods pick it. */
class Runs {
  private readonly cache = new Map<string, Promise<LeaderboardRun>>();

  constructor(
    private readonly pool: WorkerPool<LeaderboardMessage, HorizonRun>,
    private readonly base: Omit<LeaderboardMessage, 'job'>,
    private readonly epochs: number,
    private readonly log: (s: string) => void,
  ) {}

  one(kind: HorizonJob['kind'], batchSize: number, learningRate: number, seed: number): Promise<LeaderboardRun> {
    const job: HorizonJob = { kind, batchSize, learningRate, epochs: this.epochs, seed };
    const key = JSON.stringify(job);
    let run = this.cache.get(key);
    if (!run) {
      run = this.pool.run({ ...this.base, job }).then(
        (r): LeaderboardRun => {
          const revived = { ...r, finalLoss: r.finalLoss ?? Infinity, bestLoss: r.bestLoss ?? Infinity };
          this.log(`${this.base.workload}:   ${kind} batch ${batchSize} lr ${learningRate.toExponential(2)} seed ${seed}: final ${revived.finalLoss.toFixed(4)} (${r.seconds.toFixed(1)} s)`);
          return revived;
        },
        // A run that fails (its process out of memory) is a result: an infinite loss, with why.
        (err: Error): LeaderboardRun => {
          this.log(`${this.base.workload}:   ${kind} batch ${batchSize} lr ${learningRate.toExponential(2)} seed ${seed}: failed: ${err.message}`);
          return { ...job, steps: 0, finalLoss: Infinity, bestLoss: Infinity, bestEpoch: 0, seconds: 0, error: err.message };
        },
      );
      this.cache.set(key, run);
    }
    return run;
  }

  seeds(kind: HorizonJob['kind'], batchSize: number, learningRate: number): Promise<LeaderboardRun[]> {
    return Promise.all(SEEDS.map((s) => this.one(kind, batchSize, learningRate, s)));
  }
}

/** What the document says about where the answer was measured; every field read defensively (src/ is moving). */
function measuredFields(doc: AutobatchDocument): Record<string, unknown> {
  const loose = doc as unknown as { search?: Record<string, unknown>; recommendation?: Record<string, unknown> | null };
  const rec = loose.recommendation ?? null;
  const trend = rec?.horizonTrend as { fromSteps?: number; factor?: number; limitedByRangeTest?: boolean; clamped?: boolean } | null | undefined;
  return {
    complete: doc.complete,
    phasesCut: doc.phasesCut,
    measured: rec?.measured ?? null,
    measuredAtHorizon: loose.search?.measuredAtHorizon ?? null,
    rungs: loose.search?.rungs ?? null,
    plan: loose.search?.plan ?? null,
    horizon: rec?.horizon ?? null,
    horizonTrend: trend ? { fromSteps: trend.fromSteps ?? null, factor: trend.factor ?? null, limitedByRangeTest: trend.limitedByRangeTest ?? null, clamped: trend.clamped ?? null } : null,
  };
}

async function tuneOnce(ctx: Context, entry: LeaderboardWorkload, seed: number, epochs: number) {
  ctx.log(`${entry.name}: autobatch, tune seed ${seed}, --epochs ${epochs}, ${ctx.args.tuneSeconds ? `${ctx.args.tuneSeconds} s budget` : 'its default budget'}`);
  const t0 = performance.now();
  const doc = await tune({ ...entry.options, seed, epochs, ...(ctx.args.tuneSeconds ? { timeBudget: ctx.args.tuneSeconds } : {}) });
  const wallSeconds = (performance.now() - t0) / 1000;
  const rec = doc.recommendation;
  ctx.log(`${entry.name}: tune seed ${seed}: ${rec ? `batch ${rec.batchSize}, peak ${rec.schedule.peakLearningRate.toExponential(2)}` : 'no recommendation'} in ${wallSeconds.toFixed(0)} s`);
  return { doc, wallSeconds };
}

function methodFrom(method: MethodResult['method'], kind: HorizonJob['kind'], batchSize: number, learningRate: number, runs: LeaderboardRun[], pickSeconds: number | null, extra: Partial<AvailableMethod> = {}): AvailableMethod {
  const finalLoss = medianLoss(runs);
  return {
    method,
    available: true,
    kind,
    batchSize,
    learningRate,
    finalLoss,
    runs: runs.map((r) => finite(r.finalLoss)),
    bestEpochLoss: median(runs.map((r) => finite(r.bestLoss))),
    diverged: !Number.isFinite(finalLoss),
    vsKerasDefault: null,
    regret: null,
    pickSeconds,
    trainSeconds: median(runs.map((r) => r.seconds)),
    ...(runs.some((r) => r.error) ? { failures: runs.filter((r) => r.error).map((r) => `seed ${r.seed}: ${r.error}`) } : {}),
    ...extra,
  };
}

const unavailable = (method: MethodResult['method'], reason: string): MethodResult => ({ method, available: false, reason });

async function benchWorkload(ctx: Context, entry: LeaderboardWorkload): Promise<WorkloadResult> {
  const epochs = ctx.args.epochs ?? entry.epochs;
  const { tf, log } = ctx;
  const started = performance.now();

  // 1. autobatch, alone on the machine: its wall time is a result.
  const first = await tuneOnce(ctx, entry, SEEDS[0], epochs);
  const doc = first.doc;
  const rec = doc.recommendation;
  const backend = doc.backend?.name ?? 'wasm';
  // Asked three times: the same command, the same seed (a tune's seed also sets the split and
  // the initial weights, so another seed is another workload); what differs is the machine's timing.
  const stabilityTunes = stabilityOn(entry, ctx.args) ? [await tuneOnce(ctx, entry, SEEDS[0], epochs), await tuneOnce(ctx, entry, SEEDS[0], epochs)] : [];

  // 2. The workload as tune() saw it (seed 42), handed to the peers.
  const workload = await buildFromOptions(tf, entry.options, SEEDS[0]);
  const rows = workload.info.trainSamples;
  const base = workload.info.optimizer.learningRate;
  const optimizer = workload.info.optimizer.name;
  let exported: Awaited<ReturnType<typeof exportForTorch>> | null = null;
  try {
    if (ctx.peers?.ok) exported = await exportForTorch(tf, workload, path.join(ctx.dir, entry.name, 'torch'));
  } finally {
    workload.dispose();
  }
  const peerReason = !ctx.args.peers ? 'peers left out (--no-peers)' : !ctx.peers?.ok ? (ctx.peers?.reason ?? 'no Python') : exported && !exported.ok ? `not translated to torch: ${exported.reason}` : null;

  // 3. The peers, each alone on the machine.
  let lightning: { batchSize: number; learningRate: number; wallSeconds: number; detail: Record<string, unknown> } | { reason: string };
  let optuna: { batchSize: number; learningRate: number; wallSeconds: number; detail: Record<string, unknown> } | { reason: string };
  if (peerReason || !exported?.ok || !ctx.peers?.ok) {
    lightning = { reason: peerReason ?? 'not exported' };
    optuna = { reason: peerReason ?? 'not exported' };
  } else {
    const folder = exported.dir;
    log(`${entry.name}: PyTorch Lightning: scale_batch_size(mode="power"), lr_find() (torch, ${TORCH_THREADS} thread)`);
    const l = await runPeer<{ batchSize: number; learningRate: number } & Record<string, unknown>>(ctx.peers, 'lightning_pick.py', ['--dir', folder, '--epochs', String(epochs), '--threads', String(TORCH_THREADS)], 1800);
    lightning = l.result ? { batchSize: Math.min(rows, l.result.batchSize), learningRate: l.result.learningRate, wallSeconds: l.wallSeconds, detail: l.result } : { reason: l.error ?? 'no result' };
    log(`${entry.name}: Lightning: ${'reason' in lightning ? lightning.reason : `batch ${lightning.batchSize}, lr ${lightning.learningRate.toExponential(2)} in ${lightning.wallSeconds.toFixed(0)} s`}`);
    const budget = first.wallSeconds;
    log(`${entry.name}: Optuna, TPE + median pruner, ${budget.toFixed(0)} s (autobatch's wall time), 2 processes × ${TORCH_THREADS} torch thread`);
    const o = await runPeer<{ batchSize: number | null; learningRate: number | null; reason?: string } & Record<string, unknown>>(ctx.peers, 'optuna_pick.py', ['--dir', folder, '--epochs', String(epochs), '--timeout', budget.toFixed(1), '--seed', '42', '--jobs', '2', '--threads', String(TORCH_THREADS)], budget + 1800);
    optuna =
      o.result && o.result.batchSize !== null && o.result.learningRate !== null
        ? { batchSize: Math.min(rows, o.result.batchSize), learningRate: o.result.learningRate, wallSeconds: o.wallSeconds, detail: o.result }
        : { reason: o.result?.reason ? `${o.result.reason} (${JSON.stringify(o.result)})` : (o.error ?? 'no result') };
    log(`${entry.name}: Optuna: ${'reason' in optuna ? optuna.reason : `batch ${optuna.batchSize}, lr ${optuna.learningRate.toExponential(2)} after ${String(optuna.detail.trials)} trials in ${optuna.wallSeconds.toFixed(0)} s`}`);
  }

  // 4. Every pick trained to the horizon in the TS harness.
  const safe = doc.probe?.safeMaxBatch ?? rows;
  const sizes = entry.gridSizes.filter((b) => b <= Math.min(safe, rows));
  if (!sizes.length) sizes.push(Math.min(entry.gridSizes[0], rows));
  const grid = sizes.flatMap((b) => entry.gridFactors.map((f) => ({ batchSize: b, learningRate: base * f, factor: f })));
  const keras = Math.min(32, rows);
  const pool = new WorkerPool<LeaderboardMessage, HorizonRun>(path.join(__dirname, 'leaderboard-worker.ts'), Math.max(1, Math.min(os.cpus().length, 4)));
  const runs = new Runs(pool, { workload: entry.name, dir: ctx.dir, seed: SEEDS[0], backend }, epochs, log);
  try {
    log(`${entry.name}: training to ${epochs} epoch(s): ${grid.length} grid points (batch ${sizes.join(', ')}), autobatch, Keras's default${'reason' in lightning ? '' : ', Lightning'}${'reason' in optuna ? '' : ', Optuna'}`);
    const autobatchRuns = rec ? runs.seeds('schedule', Math.min(rec.batchSize, rows), rec.schedule.peakLearningRate) : Promise.resolve(null);
    const stabilityRuns = Promise.all(stabilityTunes.map((t) => (t.doc.recommendation ? runs.one('schedule', Math.min(t.doc.recommendation.batchSize, rows), t.doc.recommendation.schedule.peakLearningRate, SEEDS[0]) : Promise.resolve(null))));
    const kerasRuns = runs.seeds('constant', keras, base);
    const lightningRuns = 'reason' in lightning ? Promise.resolve(null) : runs.seeds('constant', lightning.batchSize, lightning.learningRate);
    const optunaRuns = 'reason' in optuna ? Promise.resolve(null) : runs.seeds('constant', optuna.batchSize, optuna.learningRate);
    const gridFirst = await Promise.all(grid.map((g) => runs.one('schedule', g.batchSize, g.learningRate, SEEDS[0])));
    const ranked = grid.map((g, i) => ({ ...g, first: gridFirst[i] })).sort((a, b) => finite(a.first.finalLoss) - finite(b.first.finalLoss));
    log(`${entry.name}: the grid's best ${FINALISTS} to ${SEEDS.length} seeds`);
    const finalists = await Promise.all(ranked.slice(0, FINALISTS).map(async (p) => ({ ...p, runs: await runs.seeds('schedule', p.batchSize, p.learningRate) })));
    const best = finalists.reduce((a, b) => (medianLoss(b.runs) < medianLoss(a.runs) ? b : a));
    const gridSeconds = (gridFirst.reduce((s, r) => s + r.seconds, 0) + finalists.reduce((s, p) => s + p.runs.slice(1).reduce((t, r) => t + r.seconds, 0), 0)) / Math.max(1, Math.min(os.cpus().length, 4));

    const [aRuns, sRuns, kRuns, lRuns, oRuns] = await Promise.all([autobatchRuns, stabilityRuns, kerasRuns, lightningRuns, optunaRuns]);
    const methods: MethodResult[] = [];
    methods.push(
      rec && aRuns
        ? methodFrom('autobatch', 'schedule', Math.min(rec.batchSize, rows), rec.schedule.peakLearningRate, aRuns, first.wallSeconds, {
            constantRate: rec.learningRate,
            warmupSteps: rec.schedule.warmupSteps,
            totalSteps: rec.schedule.totalSteps,
            tuneTotalSeconds: doc.timings.total ?? null,
            autobatch: measuredFields(doc),
          })
        : unavailable('autobatch', `tune gave no recommendation${doc.incompleteReason ? `: ${doc.incompleteReason}` : ''}`),
    );
    methods.push(methodFrom('kerasDefault', 'constant', keras, base, kRuns, 0));
    methods.push('reason' in lightning ? unavailable('lightning', lightning.reason) : methodFrom('lightning', 'constant', lightning.batchSize, lightning.learningRate, lRuns!, lightning.wallSeconds, { peer: lightning.detail }));
    methods.push('reason' in optuna ? unavailable('optuna', optuna.reason) : methodFrom('optuna', 'constant', optuna.batchSize, optuna.learningRate, oRuns!, optuna.wallSeconds, { peer: optuna.detail }));
    methods.push(methodFrom('grid', 'schedule', best.batchSize, best.learningRate, best.runs, gridSeconds, { factor: best.factor }));
    const gridBest = medianLoss(best.runs);
    const kerasLoss = medianLoss(kRuns);
    for (const m of methods) {
      if (!m.available) continue;
      m.vsKerasDefault = Number.isFinite(kerasLoss) ? m.finalLoss / kerasLoss : null;
      m.regret = Number.isFinite(gridBest) ? m.finalLoss / gridBest - 1 : null;
    }

    let stability: WorkloadResult['stability'];
    if (!stabilityTunes.length) {
      stability = { measured: false, reason: ctx.args.stability === 'none' ? 'left out (--no-stability)' : 'autobatch run once here: the three tunes are for the small tables, where a tune is short (--stability-all runs them everywhere)' };
    } else {
      const picks = [first, ...stabilityTunes].map((t, i) => {
        const r = t.doc.recommendation;
        const run = i === 0 ? aRuns?.[0] : sRuns[i - 1];
        return { tuneSeed: SEEDS[0], batchSize: r?.batchSize ?? null, peakLearningRate: r?.schedule.peakLearningRate ?? null, wallSeconds: t.wallSeconds, finalLoss: run ? finite(run.finalLoss) : null };
      });
      const losses = picks.map((p) => p.finalLoss).filter((v): v is number => v !== null && Number.isFinite(v));
      const seedLosses = (aRuns ?? []).map((r) => finite(r.finalLoss)).filter(Number.isFinite);
      const recommendationSpread = losses.length === 3 ? spread(losses) : null;
      const seedSpread = seedLosses.length === 3 ? spread(seedLosses) : null;
      stability = {
        measured: true,
        picks,
        recommendationSpread,
        seedSpread,
        ratio: recommendationSpread !== null && seedSpread ? recommendationSpread / seedSpread : null,
        holds: recommendationSpread !== null && seedSpread !== null ? recommendationSpread <= seedSpread : null,
      };
    }

    const result: WorkloadResult = {
      name: entry.name,
      about: entry.about,
      epochs,
      epochsWhy: ctx.args.epochs ? 'set by --epochs' : (entry.epochsWhy ?? null),
      backend,
      trainSamples: rows,
      valSamples: doc.workload?.valSamples ?? null,
      optimizer: { name: optimizer, learningRate: base },
      grid: {
        sizes,
        factors: entry.gridFactors,
        points: ranked.map((p) => ({ batchSize: p.batchSize, learningRate: p.learningRate, factor: p.factor, steps: p.first.steps, finalLoss: finite(p.first.finalLoss), seconds: p.first.seconds, ...(p.first.error ? { error: p.first.error } : {}) })),
        finalists: finalists.map((p) => ({ batchSize: p.batchSize, learningRate: p.learningRate, runs: p.runs.map((r) => finite(r.finalLoss)), median: medianLoss(p.runs) })),
      },
      methods,
      stability,
      peers: peerReason ? { available: false, reason: peerReason } : { available: true, torchThreads: TORCH_THREADS, optunaProcesses: 2 },
      seconds: (performance.now() - started) / 1000,
    };
    return result;
  } finally {
    pool.close();
  }
}

function stabilityOn(entry: LeaderboardWorkload, args: LeaderboardArgs): boolean {
  return args.stability === 'all' || (args.stability === 'marked' && entry.stability);
}

/** A rough duration: tunes, the peers (Optuna gets autobatch's time), and the runs on the pool. */
function estimateSeconds(entries: LeaderboardWorkload[], args: LeaderboardArgs, peers: boolean): { name: string; seconds: number }[] {
  const workers = Math.max(1, Math.min(os.cpus().length, 4));
  return entries.map((e) => {
    const epochs = args.epochs ?? e.epochs;
    const tuneSeconds = Math.min(args.tuneSeconds ?? 120, e.estimate.tuneSeconds);
    const tunes = stabilityOn(e, args) ? 3 : 1;
    const sizes = e.gridSizes.filter((b) => b <= e.estimate.trainRows).length || 1;
    const runs = sizes * e.gridFactors.length + 2 * FINALISTS + 4 * SEEDS.length + (tunes - 1);
    const training = (runs * epochs * e.estimate.epochSeconds * e.estimate.scale) / workers;
    const peerSeconds = peers ? tuneSeconds + 40 + e.estimate.epochSeconds * epochs * 0.3 : 0;
    return { name: e.name, seconds: tunes * tuneSeconds + peerSeconds + training + 10 };
  });
}

export async function leaderboardMode(args: LeaderboardArgs): Promise<void> {
  const log = (s: string) => process.stderr.write(`bench: ${s}\n`);
  const tf = loadTf();
  if (await activateBackend(tf, 'wasm')) await activateBackend(tf, 'cpu');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'autobatch-leaderboard-'));
  const all = leaderboardWorkloads(tf, dir);
  const chosen = args.only ? all.filter((w) => args.only!.includes(w.name)) : all;
  const unknown = (args.only ?? []).filter((n) => !all.some((w) => w.name === n));
  if (unknown.length || !chosen.length) {
    fs.rmSync(dir, { recursive: true, force: true });
    // run.ts prints a UsageError as one line and exits 2.
    throw Object.assign(new Error(`--only names ${unknown.join(', ') || 'nothing'}: choose from ${all.map((w) => w.name).join(', ')}`), { name: 'UsageError' });
  }
  const started = Date.now();
  try {
    const peers = args.peers && !args.estimateOnly ? preparePeers(log) : null;
    if (peers && !peers.ok) log(`peers left out: ${peers.reason}`);
    else if (peers?.ok) log(`peers: Python ${peers.versions.python}, torch ${peers.versions.torch}, lightning ${peers.versions.lightning}, optuna ${peers.versions.optuna}; torch on ${TORCH_THREADS} thread a process`);
    const estimate = estimateSeconds(chosen, args, args.estimateOnly ? args.peers : peers?.ok === true);
    const total = estimate.reduce((s, e) => s + e.seconds, 0);
    log(`estimate on ${os.cpus().length} cores: ${(total / 60).toFixed(0)} minutes (${estimate.map((e) => `${e.name} ${(e.seconds / 60).toFixed(1)}`).join(', ')})`);
    if (args.estimateOnly) return;
    writeLeaderboardData(dir, chosen.map((w) => w.name));
    const results: WorkloadResult[] = [];
    const failed: { name: string; error: string }[] = [];
    for (const entry of chosen) {
      let r: WorkloadResult;
      try {
        r = await benchWorkload({ tf, dir, args, peers, log }, entry);
      } catch (err) {
        // One workload that cannot run (tune threw) must not lose the others' hour.
        const error = err instanceof Error ? err.message : String(err);
        log(`${entry.name}: not benched: ${error}`);
        failed.push({ name: entry.name, error });
        continue;
      }
      results.push(r);
      const line = r.methods.map((m) => `${m.method} ${m.available ? `${m.batchSize}@${m.learningRate.toExponential(2)} ${m.finalLoss.toFixed(4)}` : 'n/a'}`).join('; ');
      log(`${r.name}: done in ${(r.seconds / 60).toFixed(1)} min: ${line}`);
    }
    const report: LeaderboardReport = {
      mode: 'leaderboard',
      date: new Date().toISOString(),
      machine: benchMachine(),
      versions: { autobatch: TOOL_VERSION, tfjs: tf.version.tfjs, ...(peers?.ok ? peers.versions : {}) },
      settings: { seeds: SEEDS, finalists: FINALISTS, torchThreads: TORCH_THREADS, optunaProcesses: 2, tuneSeconds: args.tuneSeconds ?? 'default (120)', stability: chosen.filter((w) => stabilityOn(w, args)).map((w) => w.name) },
      peers: peers ? (peers.ok ? { available: true } : { available: false, reason: peers.reason }) : { available: false, reason: 'left out (--no-peers)' },
      estimatedSeconds: total,
      seconds: (Date.now() - started) / 1000,
      workloads: results,
      failed,
      targets: evaluateTargets(results),
    };
    // JSON has no Infinity: a diverged run's loss is written as null.
    const text = JSON.stringify(report, null, 2);
    if (args.out) fs.writeFileSync(args.out, `${text}\n`);
    if (args.json) process.stdout.write(`${text}\n`);
    else process.stdout.write(printLeaderboard(report));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
