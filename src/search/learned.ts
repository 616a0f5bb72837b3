import type { TF } from '../platform/tf';
import type { CandidateRunOptions } from '../runner/run-spec';
import type { Workload } from '../workloads/workload';
import { LEARNED_Z } from './decide';
import type { Replicate } from './configs';
import { pairedDifference } from './score';
import { initialLosses } from './train-candidate';

/** A run of the rung, as the learned test reads it. */
export interface LearnedEntry {
  config: string;
  replicate: Replicate;
  run: { valLosses: Float32Array | null; diverged: boolean } | null;
}

/** The rows a replicate is scored on, as the initial weights' losses are kept: its fold's, or the one validation split's. */
function rowsOf(replicate: Replicate): string {
  return replicate.fold ? `fold${replicate.fold.index}` : 'split';
}

/**
 * The per-sample gains of a configuration over the initial weights, pooled over every
 * replicate it has (issue 28, item 7): on each set of rows (a fold, or the one split),
 * its runs' losses averaged sample by sample, subtracted from the initial weights' on the
 * same rows; the sets' gains joined. Five folds of 15 rows give 75 paired samples, where
 * the first fold alone gave 15, too few to tell a real gain from heavy-tailed noise.
 * Null when no run of it finished without diverging.
 */
export function pooledGains(entries: readonly LearnedEntry[], initial: ReadonlyMap<string, Float32Array>): Float32Array | null {
  const byRows = new Map<string, Float32Array[]>();
  for (const e of entries) {
    if (!e.run || e.run.diverged || !e.run.valLosses) continue;
    const key = rowsOf(e.replicate);
    byRows.set(key, [...(byRows.get(key) ?? []), e.run.valLosses]);
  }
  if (!byRows.size) return null;
  const parts: number[] = [];
  for (const [key, runs] of byRows) {
    const start = initial.get(key)!;
    const n = Math.min(start.length, ...runs.map((r) => r.length));
    for (let i = 0; i < n; i++) {
      let sum = 0;
      for (const r of runs) sum += r[i];
      parts.push(start[i] - sum / runs.length);
    }
  }
  return Float32Array.from(parts);
}

/** Whether pooled per-sample gains show learning: their mean above zero by more than `LEARNED_Z` standard errors. */
export function showsLearning(gains: Float32Array | null): boolean {
  if (!gains || !gains.length) return false;
  const { mean, standardError } = pairedDifference(gains, new Float32Array(gains.length));
  return mean > 0 && mean > LEARNED_Z * standardError;
}

/**
 * Which configurations left the initial loss (issue 28, item 7): those whose runs, pooled
 * over all their replicates' rows (`pooledGains`), are below the initial weights' loss by
 * more than `LEARNED_Z` paired standard errors. Runs too short to learn (an LSTM at chance
 * after twenty steps) decide nothing. The initial weights are evaluated once per set of
 * rows, in this process, and kept for the next call.
 */
export class LearnedTest {
  private readonly initial = new Map<string, Float32Array>();

  constructor(
    private readonly tf: TF,
    private readonly workload: Workload,
    private readonly evaluation: (replicate: Replicate) => Pick<CandidateRunOptions, 'evaluationRows' | 'evaluationSeed' | 'seed' | 'maxBatch' | 'fold'>,
  ) {}

  /** The test over the runs so far: a configuration with no run that finished has not learned. */
  async over(entries: readonly LearnedEntry[]): Promise<(config: string) => boolean> {
    for (const e of entries) {
      const key = rowsOf(e.replicate);
      if (e.run?.valLosses && !this.initial.has(key)) this.initial.set(key, await initialLosses(this.tf, this.workload, this.evaluation(e.replicate)));
    }
    const byConfig = new Map<string, LearnedEntry[]>();
    for (const e of entries) byConfig.set(e.config, [...(byConfig.get(e.config) ?? []), e]);
    const learned = new Set([...byConfig].filter(([, runs]) => showsLearning(pooledGains(runs, this.initial))).map(([config]) => config));
    return (config) => learned.has(config);
  }
}
