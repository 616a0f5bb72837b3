import { mean } from '../util/stats';

/** What scoring needs to know of one candidate's run. */
export interface ScoreInput {
  batchSize: number;
  /** Per-sample validation losses, in the same order for every candidate; null if diverged. */
  valLosses: Float32Array | null;
  /** Samples/s × statistical efficiency: progress per second once training runs long. */
  goodput: number;
}

export interface ScoreResult {
  /** Relative excess validation loss over the best candidate (0 for the best); null when diverged. */
  scores: (number | null)[];
  /** Candidates statistically tied with the best (the best included). */
  tied: number[];
  /** The recommended candidate: the tied one with the highest goodput. */
  winner: number;
  best: number;
}

/**
 * How many paired standard errors apart two validation losses must be to count as
 * different. The same validation samples score every candidate, so the per-sample
 * differences cancel the samples' own spread; what is left is the noise of the measure.
 */
export const TIE_STANDARD_ERRORS = 2;

/**
 * The most a tied candidate's validation loss may exceed the best's, whatever the
 * noise: a small or heavy-tailed validation set can make a 4× worse loss statistically
 * indistinguishable, and no user would call that a tie.
 */
export const TIE_MAX_RELATIVE = 0.1;

/**
 * The same limit where the candidates trained the user's whole horizon: their losses are
 * the answer itself, not a forecast of it, so a tie may cost the user at most this much
 * final loss (for the faster size).
 */
export const HORIZON_TIE_RELATIVE = 0.01;

/**
 * Scores candidates on validation loss. The lowest mean loss is the best; candidates
 * within `TIE_STANDARD_ERRORS` paired standard errors of it, and no more than
 * `TIE_MAX_RELATIVE` above it, are tied with it; among the
 * tied, the highest goodput wins — short runs favour small batches, and goodput uses
 * the noise scale measured at the end of the search to correct for that.
 * @returns null when every candidate diverged.
 */
export function scoreCandidates(inputs: readonly ScoreInput[], maxRelative = TIE_MAX_RELATIVE): ScoreResult | null {
  const ties = findTies(inputs.map((c) => c.valLosses), maxRelative);
  if (!ties) return null;
  const { best, tied, means } = ties;
  const winner = tied.reduce((a, b) => (inputs[b].goodput > inputs[a].goodput ? b : a));
  const scores = means.map((m) => (m === null || !Number.isFinite(m) ? null : m / means[best]! - 1));
  return { scores, tied, winner, best };
}

/**
 * The run with the lowest mean validation loss, and the runs tied with it (itself
 * included): within `TIE_STANDARD_ERRORS` paired standard errors and `TIE_MAX_RELATIVE`.
 * Runs without losses (diverged) are never tied. Null when every run diverged.
 */
export function findTies(valLosses: readonly (Float32Array | null)[], maxRelative = TIE_MAX_RELATIVE): { best: number; tied: number[]; means: (number | null)[] } | null {
  const means = valLosses.map((v) => (v ? mean(v) : null));
  let best = -1;
  means.forEach((m, i) => {
    if (m !== null && Number.isFinite(m) && (best < 0 || m < means[best]!)) best = i;
  });
  if (best < 0) return null;
  const bestLosses = valLosses[best]!;
  const tied = valLosses
    .map((_, i) => i)
    .filter((i) => {
      const m = means[i];
      if (m === null || !Number.isFinite(m)) return false;
      if (i === best) return true;
      const { mean: d, standardError } = pairedDifference(valLosses[i]!, bestLosses);
      return d <= TIE_STANDARD_ERRORS * standardError && m <= (1 + maxRelative) * means[best]!;
    });
  return { best, tied, means };
}

/**
 * The learning rate a batch size goes on with, from its runs at several rates: the
 * lowest rate tied with the best. Short runs favour high rates (fast early progress, a
 * higher loss floor later), so where they cannot tell rates apart the lower one is the
 * better bet for a long run. Null when every run diverged.
 */
export function pickRate(runs: readonly { learningRate: number; valLosses: Float32Array | null }[]): number | null {
  const ties = findTies(runs.map((r) => r.valLosses));
  if (!ties) return null;
  return Math.min(...ties.tied.map((i) => runs[i].learningRate));
}

/** Mean and standard error of a − b, sample by sample. */
export function pairedDifference(a: Float32Array, b: Float32Array): { mean: number; standardError: number } {
  const n = Math.min(a.length, b.length);
  let sum = 0;
  let sumSq = 0;
  for (let i = 0; i < n; i++) {
    const d = a[i] - b[i];
    sum += d;
    sumSq += d * d;
  }
  const m = sum / n;
  const variance = n > 1 ? Math.max(0, (sumSq - n * m * m) / (n - 1)) : 0;
  return { mean: m, standardError: Math.sqrt(variance / n) };
}

/**
 * Pollux's statistical efficiency of batch B relative to B0: the share of B0's
 * per-sample progress that each sample still buys at B, (B_noise + B0)/(B_noise + B).
 */
export function statisticalEfficiency(b: number, b0: number, bNoise: number): number {
  return (bNoise + b0) / (bNoise + b);
}
