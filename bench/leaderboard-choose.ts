/**
 * What each method chooses on one test split, seeing only its dev rows: autobatch's
 * `tune()` on the dev file or module (alone on the machine: its wall time is a result),
 * and the Python peers on the torch export of the dev workload as tune builds it
 * (tune's own train/validation split of the dev rows). Nothing here sees a test row.
 */
import * as path from 'node:path';
import type { AutobatchDocument } from '../src/document';
import type { TF } from '../src/platform/tf';
import { tune } from '../src/tune';
import type { LeaderboardArgs } from './leaderboard-args';
import { buildFromOptions, loadTestSet, type SplitInstance } from './leaderboard-build';
import { TUNE_SEED } from './leaderboard-instances';
import { runPeer, type PeerEnvironment } from './leaderboard-peers';
import { exportForTorch } from './torch-export';

/** torch threads in every peer process (Optuna runs one process a core). */
export const TORCH_THREADS = 1;
/** Optuna's processes on one study, as autobatch's search pool on 2 cores. */
export const OPTUNA_PROCESSES = 2;

export interface Context {
  tf: TF;
  dir: string;
  args: LeaderboardArgs;
  peers: PeerEnvironment | null;
  log: (s: string) => void;
}

export interface Tuned {
  doc: AutobatchDocument;
  wallSeconds: number;
}

export async function tuneOnce(ctx: Context, instance: SplitInstance, epochs: number): Promise<Tuned> {
  const where = `${instance.workload}#${instance.split}`;
  ctx.log(`${where}: autobatch, tune seed ${TUNE_SEED}, --epochs ${epochs}, ${ctx.args.tuneSeconds ? `${ctx.args.tuneSeconds} s budget` : 'its default budget'}`);
  const t0 = performance.now();
  const doc = await tune({ ...instance.options, seed: TUNE_SEED, epochs, ...(ctx.args.tuneSeconds ? { timeBudget: ctx.args.tuneSeconds } : {}) });
  const wallSeconds = (performance.now() - t0) / 1000;
  const pick = autobatchPick(doc, Infinity);
  ctx.log(`${where}: tune: ${pick ? `batch ${pick.batchSize}, ${pick.kind === 'constant' ? 'constant' : 'peak'} ${pick.learningRate.toExponential(2)}` : 'no recommendation'} in ${wallSeconds.toFixed(0)} s`);
  return { doc, wallSeconds };
}

/** What the harness trains for autobatch's recommendation. */
export interface AutobatchPick {
  kind: 'schedule' | 'constant';
  batchSize: number;
  learningRate: number;
  /** The document's own kind, as it says it. */
  scheduleKind: string | null;
  constantRate: number | null;
}

/**
 * The recommendation, read defensively (src/ is moving): its schedule at its peak, or,
 * where the schedule is `constant` (the user's default stood), its constant rate.
 */
export function autobatchPick(doc: AutobatchDocument, rows: number): AutobatchPick | null {
  const rec = (doc as unknown as { recommendation?: { batchSize?: unknown; learningRate?: unknown; schedule?: { kind?: unknown; peakLearningRate?: unknown } } | null }).recommendation;
  if (!rec || typeof rec.batchSize !== 'number') return null;
  const scheduleKind = typeof rec.schedule?.kind === 'string' ? rec.schedule.kind : null;
  const peak = typeof rec.schedule?.peakLearningRate === 'number' ? rec.schedule.peakLearningRate : null;
  const constantRate = typeof rec.learningRate === 'number' ? rec.learningRate : null;
  const constant = scheduleKind === 'constant';
  const learningRate = constant ? (peak ?? constantRate) : (peak ?? null);
  if (learningRate === null) return null;
  return { kind: constant ? 'constant' : 'schedule', batchSize: Math.min(rec.batchSize, rows), learningRate, scheduleKind, constantRate };
}

/** What the document says about where the answer was measured and how it was decided; every field read defensively. */
export function measuredFields(doc: AutobatchDocument): Record<string, unknown> {
  const loose = doc as unknown as { search?: Record<string, unknown>; recommendation?: Record<string, unknown> | null };
  const rec = loose.recommendation ?? null;
  const trend = rec?.horizonTrend as { fromSteps?: number; factor?: number; limitedByRangeTest?: boolean; clamped?: boolean } | null | undefined;
  const decision = loose.search?.decision as Record<string, unknown> | undefined;
  const folds = decision?.folds as { count?: number } | undefined;
  return {
    complete: doc.complete,
    phasesCut: doc.phasesCut,
    measured: rec?.measured ?? null,
    measuredAtHorizon: loose.search?.measuredAtHorizon ?? null,
    rungs: loose.search?.rungs ?? null,
    plan: loose.search?.plan ?? null,
    horizon: rec?.horizon ?? null,
    horizonTrend: trend ? { fromSteps: trend.fromSteps ?? null, factor: trend.factor ?? null, limitedByRangeTest: trend.limitedByRangeTest ?? null, clamped: trend.clamped ?? null } : null,
    decision: decision
      ? { rule: decision.rule ?? null, why: decision.why ?? null, fraction: decision.fraction ?? null, pick: decision.pick ?? null, race: decision.race ?? null, folds: folds?.count ?? null, configs: Array.isArray(decision.configs) ? decision.configs.length : null }
      : null,
  };
}

export interface SplitInfo {
  rows: { train: number; validation: number; test: number; testDropped: number };
  optimizer: { name: string; learningRate: number };
  /** The torch export of the dev workload (its train and validation rows only), where the peers run. */
  exported: Awaited<ReturnType<typeof exportForTorch>> | null;
}

/**
 * The split built as the harness will train it, before anything is tuned (a test set that
 * cannot be loaded fails here, not after the tunes): its sizes and optimizer, and the
 * dev workload's torch export for the peers.
 */
export async function inspectSplit(ctx: Context, instance: SplitInstance): Promise<SplitInfo> {
  const { workload, ...dev } = await buildFromOptions(ctx.tf, instance.options, TUNE_SEED);
  try {
    const test = await loadTestSet(ctx.tf, instance.test, dev);
    const testRows = test.x.shape[0];
    ctx.tf.dispose([test.x, test.y]);
    const exported = ctx.peers?.ok ? await exportForTorch(ctx.tf, workload, path.join(ctx.dir, instance.workload, `split-${instance.split}`, 'torch'), dev.imagePreparation) : null;
    return {
      rows: { train: workload.info.trainSamples, validation: workload.info.valSamples, test: testRows, testDropped: instance.testDropped },
      optimizer: { name: workload.info.optimizer.name, learningRate: workload.info.optimizer.learningRate },
      exported,
    };
  } finally {
    workload.dispose();
  }
}

export type PeerPick = { batchSize: number; learningRate: number; wallSeconds: number; detail: Record<string, unknown> } | { reason: string };

/** Why the peers cannot run on this split, or null. */
export function peersLeftOut(ctx: Context, info: SplitInfo): string | null {
  if (!ctx.args.peers) return 'peers left out (--no-peers)';
  if (!ctx.peers?.ok) return ctx.peers?.reason ?? 'no Python';
  if (!info.exported) return 'not exported';
  if (!info.exported.ok) return `not translated to torch: ${info.exported.reason}`;
  if (info.exported.spec.images && !ctx.peers.versions.torchvision) return `a folder of images needs torchvision: ${ctx.peers.vision ?? 'not installed'}`;
  return null;
}

/**
 * PyTorch Lightning's and Optuna's picks on the dev export, each alone on the machine;
 * Optuna gets `budget` seconds (autobatch's wall time on this split).
 */
export async function runPeers(ctx: Context, instance: SplitInstance, info: SplitInfo, epochs: number, budget: number): Promise<{ lightning: PeerPick; optuna: PeerPick }> {
  const reason = peersLeftOut(ctx, info);
  if (reason || !ctx.peers?.ok || !info.exported?.ok) return { lightning: { reason: reason ?? 'not exported' }, optuna: { reason: reason ?? 'not exported' } };
  const where = `${instance.workload}#${instance.split}`;
  const folder = info.exported.dir;
  const rows = info.rows.train;
  ctx.log(`${where}: PyTorch Lightning: scale_batch_size(mode="power"), lr_find() (torch, ${TORCH_THREADS} thread)`);
  const l = await runPeer<{ batchSize: number; learningRate: number } & Record<string, unknown>>(ctx.peers, 'lightning_pick.py', ['--dir', folder, '--epochs', String(epochs), '--threads', String(TORCH_THREADS)], 1800);
  const lightning: PeerPick = l.result ? { batchSize: Math.min(rows, l.result.batchSize), learningRate: l.result.learningRate, wallSeconds: l.wallSeconds, detail: l.result } : { reason: l.error ?? 'no result' };
  ctx.log(`${where}: Lightning: ${'reason' in lightning ? lightning.reason : `batch ${lightning.batchSize}, lr ${lightning.learningRate.toExponential(2)} in ${lightning.wallSeconds.toFixed(0)} s`}`);
  ctx.log(`${where}: Optuna, TPE + median pruner, ${budget.toFixed(0)} s (autobatch's wall time), ${OPTUNA_PROCESSES} processes × ${TORCH_THREADS} torch thread`);
  const args = ['--dir', folder, '--epochs', String(epochs), '--timeout', budget.toFixed(1), '--seed', '42', '--jobs', String(OPTUNA_PROCESSES), '--threads', String(TORCH_THREADS)];
  const o = await runPeer<{ batchSize: number | null; learningRate: number | null; reason?: string } & Record<string, unknown>>(ctx.peers, 'optuna_pick.py', args, budget + 1800);
  const optuna: PeerPick =
    o.result && o.result.batchSize !== null && o.result.learningRate !== null
      ? { batchSize: Math.min(rows, o.result.batchSize), learningRate: o.result.learningRate, wallSeconds: o.wallSeconds, detail: o.result }
      : { reason: o.result?.reason ? `${o.result.reason} (${JSON.stringify(o.result)})` : (o.error ?? 'no result') };
  ctx.log(`${where}: Optuna: ${'reason' in optuna ? optuna.reason : `batch ${optuna.batchSize}, lr ${optuna.learningRate.toExponential(2)} after ${String(optuna.detail.trials)} trials in ${optuna.wallSeconds.toFixed(0)} s`}`);
  return { lightning, optuna };
}
