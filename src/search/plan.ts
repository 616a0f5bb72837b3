import type { Trial } from '../document';
import { formatSeconds } from '../util/units';
import { MIN_RANGE_POINTS } from '../lr/suggest';

/**
 * How one `--time-budget` is shared by the phases. Each phase gets a deadline when it
 * starts, from what is left, so time a phase does not use flows to the later ones.
 *
 *   probe      at most 30 % of what is left when it starts (after reading the data
 *              and starting the backend), less the reserve; with no search, all of it
 *   noise      at most 10 % of what is left after the probe: K = 64 small-batch
 *              gradients (256 when too noisy) where that fits, fewer (at least 16) where not
 *   lr-range   at most 20 % of what is left after the probe and the noise
 *   search     the rest, less a reserve for the recommendation and the output: 75 %
 *              trains (in rounds: see `planSearch`), the rest measures the results
 */
export const PLAN = {
  probeShare: 0.3,
  noiseShare: 0.1,
  lrRangeShare: 0.2,
  /** Seconds kept back at the end. */
  reserveSeconds: 2,
  /** Share of the search's time spent training; the rest evaluates and measures noise. */
  trainShare: 0.75,
  /**
   * A first-round run shorter than this says little: a simpler search instead. First-round
   * runs only choose each size's rate; the later rounds, 3× and 9× longer, decide.
   */
  minCandidateSeconds: 0.5,
  /** Fewer candidates than this is no search: the phase is reported as cut. */
  minCandidates: 3,
  candidates: 5,
} as const;

/**
 * The probe's deadline: `probeShare` of the time left (less the reserve), counted from
 * when it starts, so a large file's reading does not eat its share; with no search to
 * follow (`--no-search`), all of it.
 */
export function probeDeadline(now: number, end: number, searching = true): number {
  return now + (searching ? PLAN.probeShare : 1) * Math.max(0, end - now - PLAN.reserveSeconds * 1000);
}

export function noiseDeadline(now: number, end: number): number {
  return now + PLAN.noiseShare * Math.max(0, end - now - PLAN.reserveSeconds * 1000);
}

/** Gradients of the noise measurement: the usual K, never fewer than this (8 groups of 2). */
export const NOISE_BATCHES = { usual: 64, retry: 256, least: 16 } as const;

/**
 * The noise measurement sized to its share of the time: K = 64 gradients (and a repeat
 * with 256 when too noisy) where they fit in `millis` at `gradientMs` each, fewer where
 * not, never under 16; no repeat unless it fits after the first. When not even 16 fit,
 * none: `batches` is 0 and `skipped` says why (a noise scale from fewer gradients is
 * noise itself, and measuring 16 anyway would break the budget). Without a measured
 * gradient time, the usual K and no repeat.
 */
export function planNoise(gradientMs: number | null, millis: number): { batches: number; retryBatches: number; skipped: string | null } {
  if (gradientMs === null || !(gradientMs > 0)) return { batches: NOISE_BATCHES.usual, retryBatches: 0, skipped: null };
  // A gradient costs about one step; evaluation and read-back add a little.
  const fit = Math.floor(millis / (1.2 * gradientMs));
  if (fit < NOISE_BATCHES.least) {
    const needs = formatSeconds((NOISE_BATCHES.least * 1.2 * gradientMs) / 1000);
    return { batches: 0, retryBatches: 0, skipped: `the gradient noise scale was not measured: ${NOISE_BATCHES.least} gradients take about ${needs} at this speed, more than its share of the budget (${formatSeconds(Math.max(0, millis) / 1000)})` };
  }
  const batches = Math.min(NOISE_BATCHES.usual, fit);
  return { batches, retryBatches: fit - batches >= NOISE_BATCHES.retry ? NOISE_BATCHES.retry : 0, skipped: null };
}

/**
 * The LR range test's deadline: `lrRangeShare` of the time left; or all of it (less the
 * reserve) when what would be left after that share cannot hold even the smallest search
 * that compares rates (see `minimalSearchSeconds`) at `searchStepMs` on `parallel`
 * processes. Such a search would be refused, or compare rates on noise; a range test long
 * enough to suggest a rate is the better use of the time, and time it does not use (it
 * ends at 100 steps) still flows to the search. `note` says so; null when not.
 */
export function lrRangeDeadline(now: number, end: number, searchStepMs: number | null = null, parallel = 1): { deadline: number; note: string | null } {
  const left = Math.max(0, end - now - PLAN.reserveSeconds * 1000);
  const share = { deadline: now + PLAN.lrRangeShare * left, note: null };
  if (searchStepMs === null || !(searchStepMs > 0)) return share;
  const needs = minimalSearchSeconds(searchStepMs, parallel);
  if ((1 - PLAN.lrRangeShare) * left >= needs * 1000) return share;
  return {
    deadline: now + left,
    note: `the LR range test was given the search's time too: the smallest search that compares rates needs about ${formatSeconds(needs)} at this speed, ${formatSeconds(((1 - PLAN.lrRangeShare) * left) / 1000)} would have been left`,
  };
}

/** Largest batch of the LR range test: enough to tame per-batch loss noise, small enough to be quick. */
const LR_RANGE_MAX_BATCH = 128;

/** Steps of the LR sweep: 100 when time allows, never under 30 (a coarser sweep beats a truncated one). */
const LR_RANGE_STEPS = { most: 100, least: 30 };

/**
 * The LR range test's batch (the largest probed size up to the knee and 128) and its
 * steps: as many of 100 as fit in `millis`, at the probe's measured step time plus a
 * third for the loss read-back. When fewer than `MIN_RANGE_POINTS` fit, it could suggest
 * nothing: `skipped` says why, and it is not run.
 */
export function planLrRange(trials: readonly Trial[], knee: number, millis: number): { batchSize: number; steps: number; skipped: string | null } {
  const limit = Math.min(knee, LR_RANGE_MAX_BATCH);
  const ok = trials.filter((t) => t.status === 'ok' && t.batchSize <= limit).sort((a, b) => b.batchSize - a.batchSize);
  const trial = ok[0] ?? trials.find((t) => t.batchSize === knee)!;
  const stepMs = trial.stepMs! * 1.33;
  const fit = Math.floor(millis / stepMs);
  const skipped =
    fit < MIN_RANGE_POINTS
      ? `the LR range test was not run: the ${MIN_RANGE_POINTS} steps it needs for a suggestion take about ${formatSeconds((MIN_RANGE_POINTS * stepMs) / 1000)} at batch ${trial.batchSize}, more than its ${formatSeconds(Math.max(0, millis) / 1000)}`
      : null;
  return { batchSize: trial.batchSize, steps: Math.max(LR_RANGE_STEPS.least, Math.min(LR_RANGE_STEPS.most, fit)), skipped };
}

/** One round of the search: its batch sizes each train `multiple` × the first round's time, at each of `lrFactors`. */
export interface RoundShape {
  /** Batch sizes trained in this round: the best of the round before. */
  batchSizes: number;
  multiple: number;
  /** Learning rates, as multiples of the rate each size goes on with (the scaled rate in the first round). */
  lrFactors: readonly number[];
}

/** How the search spends its time: its rounds. */
export interface SearchPlan {
  /** Batch sizes in the first round (0 when there is no time to search). */
  count: number;
  /** The sizes themselves, when the planner chose them (see `planRungs`); otherwise the search does. */
  sizes?: number[];
  rounds: PlannedRound[];
  /**
   * The race at the top rung (see `nextContenders`): replicates a configuration may reach,
   * configurations raced besides the default, and the folds it races over (null: data orders).
   * Absent: no race.
   */
  race?: { replicates: number; contenders: number; folds: number | null };
}

/** One round: its sizes, rates, and how long each run trains. */
export interface PlannedRound {
  batchSizes: number;
  /** Training seconds of a run: the round's length where no `length` is given, an estimate where one is. */
  trainSeconds: number;
  lrFactors: readonly number[];
  /**
   * The round's length in the horizon's unit (see `planRungs`): every run trains this many
   * epochs (steps from the data's size at its batch), or seconds (steps from its step time).
   * Absent: `trainSeconds` of training for every run, as steps from the probe's step time.
   */
  length?: { unit: 'epochs' | 'seconds'; value: number; fraction: number };
}

/** Learning rates a round of several rates tries around each batch size's rate. */
export const LR_FACTORS = [0.5, 1, 2] as const;
/** Each round trains this many times longer than the one before (successive halving's η). */
export const ROUND_GROWTH = 3;
/** Batch sizes in the last round of a search of several rounds. */
export const FINALISTS = 2;

/**
 * The search's shapes, richest first. With time, successive halving over batch sizes
 * and learning rates: every candidate size at 3 rates for t, each at the rate it keeps
 * (see `pickRate`) for 3t, the best two at 3 rates again for 9t. The first round only
 * picks each size's rate: the shortest runs are the most biased towards small batches,
 * so no size is dropped on them. The last round tries several rates again because the
 * best rate falls as runs get longer: its best rate, against the first round's, measures
 * how fast (see `horizonExponent`), and that trend carries the rate to the user's horizon.
 * With less time, every size in two rounds that both try three rates (the trend from t to
 * 3t); then no second set of rates (no trend measured); then one rate per size; with
 * little, one round.
 */
export function searchShapes(count: number): { rounds: RoundShape[] }[] {
  const finalists = Math.min(FINALISTS, count);
  return [
    {
      rounds: [
        { batchSizes: count, multiple: 1, lrFactors: LR_FACTORS },
        { batchSizes: count, multiple: ROUND_GROWTH, lrFactors: [1] },
        { batchSizes: finalists, multiple: ROUND_GROWTH ** 2, lrFactors: LR_FACTORS },
      ],
    },
    {
      rounds: [
        { batchSizes: count, multiple: 1, lrFactors: LR_FACTORS },
        { batchSizes: count, multiple: ROUND_GROWTH, lrFactors: LR_FACTORS },
      ],
    },
    {
      rounds: [
        { batchSizes: count, multiple: 1, lrFactors: LR_FACTORS },
        { batchSizes: count, multiple: ROUND_GROWTH, lrFactors: [1] },
      ],
    },
    {
      rounds: [
        { batchSizes: count, multiple: 1, lrFactors: [1] },
        { batchSizes: finalists, multiple: ROUND_GROWTH, lrFactors: [1] },
      ],
    },
    { rounds: [{ batchSizes: count, multiple: 1, lrFactors: [1] }] },
  ];
}

/**
 * A shape's cost in units of one first-round run's training time (every round retrains
 * from the start), on `parallel` processes: a round's runs go `parallel` at a time and
 * the next round waits for the last, so a round of 5 runs on 2 processes costs 3 runs.
 */
export function shapeCost(shape: { rounds: RoundShape[] }, parallel = 1): number {
  return shape.rounds.reduce((sum, r) => sum + Math.ceil((r.batchSizes * r.lrFactors.length) / parallel) * r.multiple, 0);
}

/**
 * The richest search the time left allows: the first shape (see `searchShapes`) whose
 * first round still trains at least `minCandidateSeconds`, with as many of the wanted
 * batch sizes as fit, never fewer than `minCandidates` unless only one round fits. With
 * `parallel` processes a round's runs train side by side (see `shapeCost`): the same
 * time holds a richer search, or longer runs.
 */
export function planSearch(now: number, end: number, wanted: number, parallel = 1): SearchPlan {
  const available = Math.max(0, (end - now) / 1000 - PLAN.reserveSeconds) * PLAN.trainShare;
  const last = searchShapes(wanted).length - 1;
  const tries = searchShapes(wanted).flatMap((_, shape) =>
    Array.from({ length: wanted }, (_, i) => wanted - i)
      .filter((count) => shape === last || count >= PLAN.minCandidates)
      .map((count) => ({ count, shape: searchShapes(count)[shape] })),
  );
  for (const { count, shape } of tries) {
    const seconds = available / shapeCost(shape, parallel);
    if (seconds >= PLAN.minCandidateSeconds) {
      return { count, rounds: shape.rounds.map((r) => ({ batchSizes: r.batchSizes, trainSeconds: seconds * r.multiple, lrFactors: r.lrFactors })) };
    }
  }
  return { count: 0, rounds: [] };
}

/** A first-round run of fewer steps than this compares rates on noise: no meaningful search. */
export const MEANINGFUL_STEPS = 20;

/**
 * Seconds the smallest search that compares rates takes (3 sizes × 3 rates for t, 3
 * sizes for 3t: 18 t on one process) with t `MEANINGFUL_STEPS` steps of `stepMs`, its
 * evaluation share and the reserve included.
 */
export function minimalSearchSeconds(stepMs: number, parallel = 1): number {
  const units = shapeCost(searchShapes(PLAN.minCandidates)[2], parallel);
  return (units * MEANINGFUL_STEPS * stepMs) / 1000 / PLAN.trainShare + PLAN.reserveSeconds;
}

/** The step time the probe measured at the knee, where the search's sizes sit; null if none. */
export function kneeStepMs(trials: readonly Trial[], knee: number): number | null {
  return trials.find((t) => t.batchSize === knee && t.status === 'ok')?.stepMs ?? null;
}

/**
 * The whole budget a meaningful search needs at the measured speed, in seconds: the time
 * the probe took, plus what the later phases need for the smallest search that still
 * compares rates (3 sizes × 3 rates for t, 3 sizes for 3t: 18 t) with t at least
 * `MEANINGFUL_STEPS` steps of `stepMs`, given each phase's share of the time left.
 */
export function budgetForSearch(spentSeconds: number, stepMs: number): number {
  const search = minimalSearchSeconds(stepMs) - PLAN.reserveSeconds;
  return spentSeconds + search / (1 - PLAN.lrRangeShare) / (1 - PLAN.noiseShare) + 2 * PLAN.reserveSeconds;
}

/**
 * Said at once after the probe when the budget cannot hold a meaningful search at the
 * speed measured at the knee: how long one would take, as a flag to copy. Null when it fits.
 */
export function adviseBudget(trials: readonly Trial[], knee: number, spentSeconds: number, budgetSeconds: number): string | null {
  const stepMs = kneeStepMs(trials, knee);
  if (!stepMs) return null;
  const needed = budgetForSearch(spentSeconds, stepMs);
  if (needed <= budgetSeconds) return null;
  const flag = needed < 120 ? `${Math.ceil(needed / 10) * 10}s` : `${Math.ceil(needed / 60)}m`;
  return (
    `at ${stepMs >= 100 ? Math.round(stepMs) : stepMs.toPrecision(3)} ms a step (batch ${knee}), a search of at least ${MEANINGFUL_STEPS} steps a run needs about ${flag}: ` +
    `--time-budget ${flag}; the answer below is the best ${budgetSeconds} s allow, on less evidence`
  );
}
