/**
 * Leaderboard mode: every method judged on rows no method chose on. For each workload a
 * seeded test split (20 % of the rows; three different ones on tables of fewer than 2,000
 * rows) is set aside before anything runs; every method chooses on the other ("dev") rows:
 *
 *   - autobatch: tune() on the dev rows (a dev file, or a module whose loadData gives them)
 *     at its default budget and `epochs: E`; asked 3 times on the small tables (stability);
 *   - Keras's default: batch 32 (or the training set), the compiled rate, constant;
 *   - PyTorch Lightning (in Python, for real): scale_batch_size(mode="power"), then
 *     lr_find().suggestion(), on the torch export of the dev workload;
 *   - Optuna (TPE + median pruner) with autobatch's wall time, each trial the whole horizon;
 *   - a grid chosen as a careful user would: batch sizes × peaks with the schedule, each
 *     point scored on the dev validation rows, its 3 best re-run on 3 data orders, the
 *     lowest median validation loss; beside it the test-set bound.
 *
 * Every pick is then trained to the horizon in one harness (the dev training rows, the
 * split and initial weights tune saw, 3 data orders) and judged on the test rows: the
 * median test loss of the 3. See bench/README.md, "Leaderboard".
 *
 *   npm run bench -- --leaderboard [--json] [--only a,b] [--out FILE] [--estimate]
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { activateBackend } from '../src/platform/backend';
import { loadTf } from '../src/platform/tf';
import { TOOL_VERSION } from '../src/util/version';
import type { LeaderboardArgs } from './leaderboard-args';
import { OPTUNA_PROCESSES, TORCH_THREADS, type Context } from './leaderboard-choose';
import { FINALISTS, gridSizes } from './leaderboard-grid';
import { makeInstances } from './leaderboard-instances';
import { preparePeers } from './leaderboard-peers';
import { printLeaderboard } from './leaderboard-print';
import { aggregateRatios, type LeaderboardReport, type WorkloadResult } from './leaderboard-report';
import { SEEDS } from './leaderboard-runs';
import { locateTables, type Located } from './leaderboard-sources';
import { TEST_SHARE, testSeeds, TEST_SEEDS } from './leaderboard-split';
import { benchSplit, stabilityOn, workerCount, type SplitOutcome } from './leaderboard-split-run';
import { evaluateTargets } from './leaderboard-targets';
import { leaderboardWorkloads, type LeaderboardWorkload } from './leaderboard-workloads';
import { benchMachine } from './machine';

export { parseLeaderboardArgs, type LeaderboardArgs } from './leaderboard-args';

/** The workloads `--only` names, or those run by default. @throws a UsageError (run.ts: one line, exit 2) for an unknown name. */
function chooseWorkloads(all: LeaderboardWorkload[], only: string[] | null): LeaderboardWorkload[] {
  const unknown = (only ?? []).filter((n) => !all.some((w) => w.name === n));
  const chosen = only ? all.filter((w) => only.includes(w.name)) : all.filter((w) => w.byDefault);
  if (unknown.length || !chosen.length) throw Object.assign(new Error(`--only names ${unknown.join(', ') || 'nothing'}: choose from ${all.map((w) => w.name).join(', ')}`), { name: 'UsageError' });
  return chosen;
}

/** A rough duration: the tunes, the peers (Optuna gets autobatch's time), and the runs on the pool, per split. */
export function estimateSeconds(entries: LeaderboardWorkload[], args: LeaderboardArgs, peers: boolean): { name: string; seconds: number }[] {
  return entries.map((e) => {
    const epochs = args.epochs ?? e.epochs;
    const splits = e.data.kind === 'module' ? 1 : testSeeds(e.estimate.rows, args.splits).length;
    const tuneSeconds = Math.min(args.tuneSeconds ?? 120, e.estimate.tuneSeconds);
    const again = stabilityOn(e, args.stability) ? 2 : 0;
    const trainRows = Math.round(e.estimate.rows * (1 - TEST_SHARE) * 0.8);
    const points = gridSizes(e.gridSizes, Infinity, trainRows).length * e.gridFactors.length;
    // Each point once; at most 2 × 3 finalists (validation's and the bound's) twice more; 4 methods × 3 data orders.
    const runs = points + 2 * FINALISTS * (SEEDS.length - 1) + 4 * SEEDS.length;
    const training = ((runs * splits + again) * epochs * e.estimate.epochSeconds * e.estimate.scale) / workerCount();
    const peerSeconds = peers ? splits * (tuneSeconds + 40 + e.estimate.epochSeconds * epochs * 0.3) : 0;
    return { name: e.name, seconds: (splits + again) * tuneSeconds + peerSeconds + training + 10 * splits };
  });
}

/** One workload over its splits; a workload whose data cannot be had is returned as not run. */
async function benchWorkload(ctx: Context, entry: LeaderboardWorkload, located: Located | null): Promise<WorkloadResult | { notRun: string }> {
  if (located && 'reason' in located) return { notRun: located.reason };
  const started = performance.now();
  const instances = await makeInstances(entry, located?.file ?? null, ctx.dir, ctx.args.splits);
  ctx.log(`${entry.name}: ${instances.length} test split(s), seeds ${instances.map((i) => i.testSeed).join(', ')}`);
  const outcomes: SplitOutcome[] = [];
  for (const instance of instances) outcomes.push(await benchSplit(ctx, entry, instance));
  const firstSplit = outcomes[0];
  const reason = ctx.args.stability === 'none' ? 'left out (--no-stability)' : 'autobatch asked once here: the three asks are for the small tables, where a tune is short (--stability-all asks everywhere)';
  return {
    name: entry.name,
    about: entry.about,
    origin: entry.origin,
    public: entry.public,
    epochs: ctx.args.epochs ?? entry.epochs,
    epochsWhy: ctx.args.epochs ? 'set by --epochs' : (entry.epochsWhy ?? null),
    backend: firstSplit.backend,
    optimizer: firstSplit.optimizer,
    splits: outcomes.map((o) => o.result),
    aggregate: aggregateRatios(outcomes.map((o) => o.result.ratios)),
    stability: firstSplit.stability ?? { measured: false, reason },
    seconds: (performance.now() - started) / 1000,
  };
}

/** The Python peers, where they are wanted. */
function peerEnvironment(args: LeaderboardArgs, log: (s: string) => void): Context['peers'] {
  if (!args.peers || args.estimateOnly) return null;
  const peers = preparePeers(log);
  if (!peers.ok) log(`peers left out: ${peers.reason}`);
  else {
    const vision = peers.versions.torchvision ? `, torchvision ${peers.versions.torchvision}` : `; no torchvision (${peers.vision ?? 'not installed'}): image folders without peers`;
    log(`peers: Python ${peers.versions.python}, torch ${peers.versions.torch}, lightning ${peers.versions.lightning}, optuna ${peers.versions.optuna}${vision}; torch on ${TORCH_THREADS} thread a process`);
  }
  return peers;
}

export async function leaderboardMode(args: LeaderboardArgs): Promise<void> {
  const log = (s: string) => process.stderr.write(`bench: ${s}\n`);
  const chosen = chooseWorkloads(leaderboardWorkloads(), args.only);
  const tf = loadTf();
  if (await activateBackend(tf, 'wasm')) await activateBackend(tf, 'cpu');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'autobatch-leaderboard-'));
  const started = Date.now();
  try {
    const peers = peerEnvironment(args, log);
    const estimate = estimateSeconds(chosen, args, args.estimateOnly ? args.peers : peers?.ok === true);
    const total = estimate.reduce((s, e) => s + e.seconds, 0);
    log(`estimate on ${os.cpus().length} cores: ${(total / 60).toFixed(0)} minutes (${estimate.map((e) => `${e.name} ${(e.seconds / 60).toFixed(1)}`).join(', ')})`);
    if (args.estimateOnly) return;
    const tables = await locateTables(chosen.flatMap((w) => (w.data.kind === 'table' ? [{ name: w.name, source: w.data.source }] : [])), dir, log);
    const ctx: Context = { tf, dir, args, peers, log };
    const report = await benchAll(ctx, chosen, tables);
    Object.assign(report, { estimatedSeconds: total, seconds: (Date.now() - started) / 1000, versions: { ...report.versions, tfjs: tf.version.tfjs } });
    // JSON has no Infinity: a diverged run's loss (and a ratio over it) is written as null.
    const text = JSON.stringify(report, null, 2);
    if (args.out) fs.writeFileSync(args.out, `${text}\n`);
    process.stdout.write(args.json ? `${text}\n` : printLeaderboard(report));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function benchAll(ctx: Context, chosen: LeaderboardWorkload[], tables: Map<string, Located>): Promise<LeaderboardReport> {
  const { args, log, peers } = ctx;
  const workloads: WorkloadResult[] = [];
  const notRun: LeaderboardReport['notRun'] = [];
  const failed: LeaderboardReport['failed'] = [];
  for (const entry of chosen) {
    try {
      const r = await benchWorkload(ctx, entry, tables.get(entry.name) ?? null);
      if ('notRun' in r) {
        log(`${entry.name}: not run: ${r.notRun}`);
        notRun.push({ name: entry.name, reason: r.notRun });
        continue;
      }
      workloads.push(r);
      const ratios = Object.entries(r.aggregate).filter(([k]) => k !== 'splits').map(([k, v]) => `${k} ${typeof v === 'number' ? v.toFixed(3) : '-'}`).join(', ');
      log(`${r.name}: done in ${(r.seconds / 60).toFixed(1)} min: ${ratios}`);
    } catch (err) {
      // One workload that cannot run (tune threw, its test rows did not load) must not lose the others' hours.
      const error = err instanceof Error ? err.message : String(err);
      log(`${entry.name}: not benched: ${error}`);
      failed.push({ name: entry.name, error });
    }
  }
  return {
    mode: 'leaderboard',
    date: new Date().toISOString(),
    machine: benchMachine(),
    versions: { autobatch: TOOL_VERSION, ...(peers?.ok ? peers.versions : {}) },
    settings: {
      testShare: TEST_SHARE,
      testSeeds: TEST_SEEDS,
      outerSplits: 'three test splits where a table has fewer than 2,000 labelled rows, else one (the first seed)',
      aggregate: "each ratio's median over a workload's splits",
      dataOrders: SEEDS,
      finalists: FINALISTS,
      torchThreads: TORCH_THREADS,
      optunaProcesses: OPTUNA_PROCESSES,
      tuneSeconds: args.tuneSeconds ?? 'default (120)',
      ...(args.splits ? { splitsLimit: args.splits } : {}),
      stability: chosen.filter((w) => stabilityOn(w, args.stability)).map((w) => w.name),
    },
    peers: peers ? (peers.ok ? { available: true } : { available: false, reason: peers.reason }) : { available: false, reason: 'left out (--no-peers)' },
    estimatedSeconds: 0,
    seconds: 0,
    workloads,
    notRun,
    failed,
    targets: evaluateTargets(workloads),
  };
}
