import type { StopReason, Trial } from '../document';
import { predictPeakBytes } from './memory-model';

/** The limits a probe works within. */
export interface ProbeLimits {
  minBatch: number;
  /** Largest size allowed by the user; Infinity when unset. */
  maxBatch: number;
  /** Training samples: no batch can be larger. */
  datasetSize: number;
  memoryBudgetBytes: number;
}

/**
 * Throughput has stopped paying when the last two doublings together gained less than
 * this share over the size before them (DeepSpeed's autotuner uses 5 % too).
 */
export const PLATEAU_GAIN = 0.05;

/** A trial this much slower (samples/s) than the best so far is a drop, not noise. */
export const DROP_TOLERANCE = 0.1;

export type ProbeDecision =
  | { action: 'run'; batchSize: number }
  | { action: 'stop'; reason: StopReason; /** The size that did not fit, measured or predicted. */ failedBatch?: number };

/**
 * What the doubling phase does next, given the trials so far (in the order run).
 * Time is not its concern: the probe checks the clock before running what this returns.
 */
export function decideNextTrial(trials: readonly Trial[], limits: ProbeLimits): ProbeDecision {
  const cap = Math.min(limits.maxBatch, limits.datasetSize);
  const capReason: StopReason = limits.datasetSize <= limits.maxBatch ? 'dataset' : 'max-batch';
  const last = trials[trials.length - 1];
  if (!last) {
    return limits.minBatch > cap ? { action: 'stop', reason: capReason } : { action: 'run', batchSize: limits.minBatch };
  }
  if (last.status === 'over-budget') return { action: 'stop', reason: 'memory', failedBatch: last.batchSize };
  if (last.status !== 'ok') return { action: 'stop', reason: 'oom', failedBatch: last.batchSize };
  if (last.batchSize >= cap) return { action: 'stop', reason: capReason };
  const next = Math.min(last.batchSize * 2, cap);
  // A hard limit before a soft one: when the next size would not fit anyway, say so.
  const predicted = predictPeakBytes(trials, next);
  if (predicted !== undefined && predicted > limits.memoryBudgetBytes) {
    return { action: 'stop', reason: 'memory', failedBatch: next };
  }
  if (isInputBound(trials)) return { action: 'stop', reason: 'input-bound' };
  if (hasThroughputStalled(trials)) return { action: 'stop', reason: 'throughput-plateau' };
  return { action: 'run', batchSize: next };
}

/**
 * True when samples/s stopped improving: less than `PLATEAU_GAIN` over the last two
 * doublings, or the last trial fell `DROP_TOLERANCE` below the best before it.
 */
export function hasThroughputStalled(trials: readonly Trial[]): boolean {
  const rates = trials.filter((t) => t.status === 'ok').map((t) => t.samplesPerSec!);
  const n = rates.length;
  if (n >= 2 && rates[n - 1] < (1 - DROP_TOLERANCE) * Math.max(...rates.slice(0, -1))) return true;
  return n >= 3 && Math.max(rates[n - 1], rates[n - 2]) < (1 + PLATEAU_GAIN) * rates[n - 3];
}

/** A step that waits this share of its time or more for its batch is paced by the data pipeline, not the model. */
export const INPUT_BOUND_SHARE = 0.25;

/** The share of a trial's step spent waiting for its batch; null where not measured (data in memory). */
export function inputShare(trial: Pick<Trial, 'inputMs' | 'stepMs'>): number | null {
  return trial.inputMs === undefined || !trial.stepMs ? null : trial.inputMs / trial.stepMs;
}

/**
 * True when the input pipeline caps samples/s: the last two ok trials both waited for
 * their batches at least `INPUT_BOUND_SHARE` of each step, and doubling the batch gained
 * less than 2 × `PLATEAU_GAIN`. A larger batch only makes the model wait longer for more
 * samples the pipeline delivers at the same rate.
 */
export function isInputBound(trials: readonly Trial[]): boolean {
  const ok = trials.filter((t) => t.status === 'ok');
  if (ok.length < 2) return false;
  const [before, last] = ok.slice(-2);
  const bound = (t: Trial) => (inputShare(t) ?? 0) >= INPUT_BOUND_SHARE;
  return bound(before) && bound(last) && last.samplesPerSec! < (1 + 2 * PLATEAU_GAIN) * before.samplesPerSec!;
}

/** How many sizes to try between the last that fit and the first that did not. */
export const BISECT_STEPS = 3;

/**
 * The next size to try after a memory stop: halfway between the largest ok size and
 * the smallest size known not to fit (`upperBound`, measured or predicted). Null once
 * the gap is within an eighth of the ok size, or nothing fit at all.
 */
export function nextBisectBatch(trials: readonly Trial[], upperBound: number): number | null {
  const ok = trials.filter((t) => t.status === 'ok').map((t) => t.batchSize);
  if (ok.length === 0) return null;
  const lo = Math.max(...ok);
  const failed = trials.filter((t) => t.status !== 'ok').map((t) => t.batchSize);
  const hi = Math.min(upperBound, ...failed);
  if (hi - lo <= Math.max(1, lo / 8)) return null;
  let mid = Math.floor((lo + hi) / 2);
  // Multiples of 8 suit vectorized kernels and read better; only where that keeps mid strictly inside.
  const rounded = mid - (mid % 8);
  if (lo >= 64 && rounded > lo) mid = rounded;
  return mid > lo && mid < hi ? mid : null;
}

/** Largest ok batch size, or null when no trial was ok. */
export function findMaxFeasibleBatch(trials: readonly Trial[]): number | null {
  const ok = trials.filter((t) => t.status === 'ok');
  return ok.length ? Math.max(...ok.map((t) => t.batchSize)) : null;
}

/**
 * After an out-of-memory or a crash, sizes above this share of the smallest fatal size
 * are not recommended: a long training run meets peaks that a few probe steps do not
 * (allocator fragmentation, evaluation, the odd larger tensor), the failure users of
 * other batch finders report most.
 */
export const OOM_SAFETY_FRACTION = 0.8;

/**
 * The largest size safe to recommend: the largest ok size, or after a fatal trial the
 * largest ok size within `OOM_SAFETY_FRACTION` of the smallest fatal one (the smallest
 * ok size when none is). Null when nothing was ok.
 */
export function findSafeMaxBatch(trials: readonly Trial[]): number | null {
  const ok = trials.filter((t) => t.status === 'ok').map((t) => t.batchSize);
  if (ok.length === 0) return null;
  const fatal = trials.filter((t) => t.status === 'oom' || t.status === 'crashed').map((t) => t.batchSize);
  if (fatal.length === 0) return Math.max(...ok);
  const limit = OOM_SAFETY_FRACTION * Math.min(...fatal);
  const safe = ok.filter((b) => b <= limit);
  return safe.length ? Math.max(...safe) : Math.min(...ok);
}

/** Share of the best throughput that counts as "as fast": the knee's threshold. */
export const KNEE_FRACTION = 0.9;

/** Smallest ok batch size reaching `KNEE_FRACTION` of the best samples/s; null when none was ok. */
export function findThroughputKnee(trials: readonly Trial[]): number | null {
  const ok = trials.filter((t) => t.status === 'ok').sort((a, b) => a.batchSize - b.batchSize);
  if (ok.length === 0) return null;
  const best = Math.max(...ok.map((t) => t.samplesPerSec!));
  return ok.find((t) => t.samplesPerSec! >= KNEE_FRACTION * best)!.batchSize;
}

/** The timing a trial is asked for; used to estimate how long the next one takes. */
export interface TrialTiming {
  warmupSteps: number;
  minSteps: number;
  minSeconds: number;
}

/**
 * Seconds a trial at `batchSize` is expected to take, scaling the step time of the
 * nearest smaller ok trial linearly in the batch (an upper bound once throughput grows
 * with the batch). Undefined before any trial was timed.
 */
export function estimateTrialSeconds(trials: readonly Trial[], batchSize: number, timing: TrialTiming): number | undefined {
  const below = trials
    .filter((t) => t.status === 'ok' && t.batchSize <= batchSize)
    .sort((a, b) => b.batchSize - a.batchSize)[0];
  if (!below) return undefined;
  const stepSeconds = (below.stepMs! / 1000) * (batchSize / below.batchSize);
  return timing.warmupSteps * stepSeconds + Math.max(timing.minSteps * stepSeconds, timing.minSeconds);
}
