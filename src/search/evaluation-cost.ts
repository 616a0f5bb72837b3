import type { Trial } from '../document';
import { gradientMs } from '../noise/at-init';
import type { SearchPlan } from './plan';
import { formatSeconds } from '../util/units';

/** Rows a search run evaluates in one forward pass (see `perSampleLosses`). */
export const EVALUATION_CHUNK = 512;

/**
 * How many validation rows a search run is measured on. Each run evaluates its
 * validation rows and as many training rows; on a large table, all of them took most of
 * every run (67,000 validation rows: 1.5 s after 0.6 s of training). A run measures the
 * first `rows` of one seeded order of the validation set, the same for every run of a
 * round, so the paired comparisons between runs stay paired (see `findTies`): as many as
 * fit in `share` of the run's training time, costed as in `evaluationRowSeconds`, never
 * fewer than `leastRows` (or all of them, where there are fewer). Fewer rows widen the
 * comparison's standard error, and the tie rule sees that; a longer round measures more.
 */
export const EVALUATION = { share: 0.25, leastRows: 512 } as const;

/**
 * Seconds to evaluate one row, before any run has measured it: a whole training step's
 * time per sample at the evaluation's chunk size, from the probe. An upper bound, as a
 * forward pass is the cheaper part of a step. Null without a measured step.
 */
export function evaluationRowSeconds(trials: readonly Trial[], maxBatch: number): number | null {
  const chunk = Math.min(EVALUATION_CHUNK, maxBatch);
  const stepMs = gradientMs(trials, chunk);
  return stepMs === null ? null : stepMs / chunk / 1000;
}

/** Validation rows a run training `trainSeconds` is measured on (see `EVALUATION`); all `valRows` without a row cost. */
export function evaluationRows(trainSeconds: number, rowSeconds: number | null, valRows: number): number {
  if (rowSeconds === null || !(rowSeconds > 0)) return valRows;
  const fit = Math.floor((EVALUATION.share * trainSeconds) / (2 * rowSeconds));
  return Math.min(valRows, Math.max(EVALUATION.leastRows, fit));
}

/**
 * Seconds a run's evaluation takes: `rows` validation rows and as many training rows
 * (at most `trainRows`), at `rowSeconds` a row. For a slow model it is most of the run:
 * 410 rows at 120 ms a sample take 49 s, the training rows as much again.
 */
export function evaluationSeconds(rows: number, trainRows: number, rowSeconds: number | null): number {
  return rowSeconds === null ? 0 : (rows + Math.min(rows, trainRows)) * rowSeconds;
}

/**
 * Why the search cannot start, or null when it can: its first run — the first round's
 * training and its evaluation, costed from the probe (see `evaluationRowSeconds`) — would
 * not end in `secondsLeft`. For a slow model the evaluation alone can take minutes;
 * starting the search's processes for no run wastes their start.
 */
export function searchCannotStart(
  plan: SearchPlan,
  trials: readonly Trial[],
  data: { valSamples: number; trainSamples: number },
  maxBatch: number,
  secondsLeft: number,
): string | null {
  const first = plan.rounds[0];
  if (!first) return null;
  const rowSeconds = evaluationRowSeconds(trials, maxBatch);
  const rows = evaluationRows(first.trainSeconds, rowSeconds, data.valSamples);
  const evaluating = evaluationSeconds(rows, data.trainSamples, rowSeconds);
  if (first.trainSeconds + evaluating <= secondsLeft) return null;
  return (
    `the search was not started: one run's evaluation (${rows.toLocaleString('en-US')} validation rows and as many training rows) takes about ` +
    `${formatSeconds(evaluating)} at this speed, with its ${formatSeconds(first.trainSeconds)} of training more than the ${formatSeconds(Math.max(0, secondsLeft))} left`
  );
}
