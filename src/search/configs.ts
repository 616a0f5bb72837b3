import type { ScheduleKind } from '../lr/schedule';
import type { FoldSpec } from '../workloads/folds';

/**
 * A configuration of the search (a batch size, a rate, a schedule) and its replicates
 * (the data orders and folds it trains on), as plain data: what the decision compares.
 */

/** One configuration: `default` marks the user's own (batch 32, the compiled rate, constant). */
export interface RunConfig {
  batchSize: number;
  /** The schedule's peak; with `constant`, the rate. */
  learningRate: number;
  schedule: ScheduleKind;
  default?: boolean;
}

/** The configuration's key: the same batch, rate and schedule give the same key. */
export function configKey(config: RunConfig): string {
  return config.default ? 'default' : `${config.batchSize}@${config.learningRate.toPrecision(12)}/${config.schedule}`;
}

/** Where a replicate trains: its data order, and on small data its fold. */
export interface Replicate {
  seed: number;
  fold?: FoldSpec;
}

/**
 * The r-th replicate (0-based) of a configuration: with `folds`, fold r in the search's
 * data order, then the folds again in the next data orders; without, data order seed + r
 * on the same rows.
 */
export function replicateAt(r: number, seed: number, folds: number | null): Replicate {
  if (!folds) return { seed: seed + r };
  return { seed: seed + Math.floor(r / folds), fold: { index: r % folds, count: folds } };
}

/** A replicate's key (see `Measurement.replicate`). */
export function replicateKey(replicate: Replicate): string {
  return `s${replicate.seed}${replicate.fold ? `f${replicate.fold.index}` : ''}`;
}

/** The rows a replicate is scored on (see `Measurement.rows`): its fold's, or the rung's sample of the validation rows. */
export function rowsKey(replicate: Replicate, evaluationRows: number): string {
  return replicate.fold ? `fold${replicate.fold.index}` : `sample${evaluationRows}`;
}

/** The rates a size tries at a rung: `factors` × its centre (the range test's rate scaled to it). */
export function ratesAround(centre: number, factors: readonly number[]): number[] {
  return factors.map((f) => centre * f);
}
