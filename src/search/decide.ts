import { normalQuantile } from '../util/stats';
import { compareConfigs, type ConfigEstimate, type Evidence } from './evidence';

/**
 * The search's decision at its decisive rung, from the evidence (see `weighEvidence`),
 * in four steps, each a rule a reader can check against the document:
 *
 *   1. Only runs that learned count: a configuration whose loss is not below the initial
 *      weights' by more than its noise decides nothing.
 *   2. The best is the lowest *expected* loss, never the luckiest draw.
 *   3. Among the configurations within `TIE_Z` standard errors of it, the pick is the one
 *      with the lowest upper bound (expected loss + `TIE_Z` standard errors): a
 *      configuration measured more often, or steadier over its replicates, beats one that
 *      only drew well once; a high rate's wide spread is not rewarded. Among those whose
 *      upper bound is within `SPEED_ALLOWANCE` of the pick's, the one that trains
 *      fastest (samples/s at its batch size).
 *   4. The user's own configuration (batch 32, the compiled rate, constant), when it was
 *      measured, stays the answer unless the pick beats it by more than the noise: a
 *      one-sided test at `DEFAULT_TEST_LEVEL`, corrected for the pick being the best of
 *      the m configurations it was chosen among (Šidák: the best of ten equal
 *      configurations looks 1.5 standard errors better than it is; see `competitors`). Tuning must never leave the user
 *      worse off than not tuning.
 */

/** Standard errors within which two configurations count as tied. */
export const TIE_Z = 2;

/** The chance, at most, that a pick no better than the user's default replaces it (one-sided, the whole decision's). */
export const DEFAULT_TEST_LEVEL = 0.05;

/**
 * Standard errors by which the best of `competitors` configurations must beat the
 * default: the one-sided `DEFAULT_TEST_LEVEL` quantile, Šidák-corrected for the choice
 * among them (1.64 for one, 2.57 for ten).
 */
export function beatDefaultZ(competitors: number): number {
  return normalQuantile((1 - DEFAULT_TEST_LEVEL) ** (1 / Math.max(1, competitors)));
}

/** A run learned when its loss is this many standard errors below the initial weights'. */
export const LEARNED_Z = 2;

/** Relative loss a tied configuration may give up for a faster run. */
export const SPEED_ALLOWANCE = 0.01;

export const DECISION_RULES = ['lowest-bound', 'faster-within-noise', 'default-within-noise', 'nothing-learned'] as const;
/** Which of the rules above made the pick. */
export type DecisionRule = (typeof DECISION_RULES)[number];

export interface DecisionOptions {
  /** The user's default configuration, when it was measured. */
  baseline: string | null;
  /** Samples/s at the configuration's batch size (null: unknown). */
  throughput: (config: string) => number | null;
  /** Whether the configuration left the initial weights' loss by more than its noise (see `LEARNED_Z`); all did when absent. */
  learned?: (config: string) => boolean;
  /** Whether the configuration may be the answer (a batch size too large for the horizon may not, when the rung is shorter). */
  eligible?: (config: string) => boolean;
}

export interface Comparison {
  config: string;
  /** Its expected loss minus the pick's. */
  difference: number;
  standardError: number;
}

export interface Decision {
  /** The configuration recommended. */
  pick: string;
  /** How many configurations the pick was chosen among (see `competitors`): the default's test is corrected for them. */
  competitors: number;
  rule: DecisionRule;
  /** The lowest expected loss among those that may win. */
  best: string;
  /** Configurations within `TIE_Z` standard errors of the best, itself included. */
  tied: string[];
  /** The closest other configuration that may win, against the pick; null when none. */
  runnerUp: Comparison | null;
  /**
   * The user's default against the best other pick (`config`: that pick; `difference`:
   * the default's expected loss − its); null when the default was not measured, or nothing else could win.
   */
  versusDefault: Comparison | null;
}

/** The decision (see the file's comment); null when no configuration trained without diverging. */
export function decide(evidence: Evidence, options: DecisionOptions): Decision | null {
  const learned = options.learned ?? (() => true);
  const eligible = options.eligible ?? (() => true);
  const measured = evidence.estimates;
  if (!measured.length) return null;
  const baseline = options.baseline !== null ? (measured.find((e) => e.config === options.baseline) ?? null) : null;
  const pool = measured.filter((e) => eligible(e.config) && learned(e.config));
  if (!pool.length) {
    // Nothing learned: the user's configuration, or, unmeasured, the lowest loss with the rule saying why.
    const pick = baseline ?? measured.find((e) => eligible(e.config)) ?? measured[0];
    return { pick: pick.config, competitors: 1, rule: 'nothing-learned', best: pick.config, tied: [pick.config], runnerUp: null, versusDefault: null };
  }
  const best = pool[0];
  const tied = pool.filter((e) => e === best || withinNoise(evidence, e, best));
  const bound = (e: ConfigEstimate) => e.mean + TIE_Z * e.standardError;
  let pick = tied.reduce((a, b) => (bound(b) < bound(a) ? b : a));
  let rule: DecisionRule = 'lowest-bound';
  const faster = fastestWithin(tied, pick, bound, options.throughput);
  if (faster !== pick) {
    pick = faster;
    rule = 'faster-within-noise';
  }
  let versusDefault: Comparison | null = null;
  const chosenAmong = competitors(measured, baseline, pick, tied);
  if (baseline && baseline !== pick) {
    const { difference, standardError } = compareConfigs(evidence, baseline.config, pick.config);
    versusDefault = { config: pick.config, difference, standardError };
    if (difference <= beatDefaultZ(chosenAmong) * standardError) {
      pick = baseline;
      rule = 'default-within-noise';
    }
  }
  const others = pool.filter((e) => e !== pick);
  const runnerUp = others.length ? against(evidence, others[0], pick) : null;
  return { pick: pick.config, competitors: chosenAmong, rule, best: best.config, tied: tied.map((e) => e.config), runnerUp, versusDefault };
}

/**
 * How many configurations the pick was chosen among, for the test against the default:
 * those the race measured as often as the pick was measured beyond its first run (the
 * pick's later replicates are fresh draws, so the selection that biases its estimate is
 * among these), or without a race, every configuration tied with the best.
 */
export function competitors(measured: readonly ConfigEstimate[], baseline: ConfigEstimate | null, pick: ConfigEstimate, tied: readonly ConfigEstimate[]): number {
  if (pick.replicates < 2) return Math.max(1, tied.length);
  return Math.max(1, measured.filter((e) => e !== baseline && e.replicates >= 2).length);
}

function withinNoise(evidence: Evidence, a: ConfigEstimate, best: ConfigEstimate): boolean {
  const { difference, standardError } = compareConfigs(evidence, a.config, best.config);
  return difference <= TIE_Z * standardError;
}

/**
 * The tied configuration with the highest throughput whose upper bound is within
 * `SPEED_ALLOWANCE` of the pick's loss above the pick's bound: a faster run measured
 * once, with a wide bound, does not qualify on one good draw.
 */
function fastestWithin(tied: readonly ConfigEstimate[], pick: ConfigEstimate, bound: (e: ConfigEstimate) => number, throughput: (config: string) => number | null): ConfigEstimate {
  const speed = (e: ConfigEstimate) => throughput(e.config) ?? 0;
  const close = tied.filter((e) => bound(e) <= bound(pick) + SPEED_ALLOWANCE * Math.abs(pick.mean) + 1e-12);
  return close.reduce((a, b) => (speed(b) > speed(a) ? b : a), pick);
}

function against(evidence: Evidence, other: ConfigEstimate, pick: ConfigEstimate): Comparison {
  const { difference, standardError } = compareConfigs(evidence, other.config, pick.config);
  return { config: other.config, difference, standardError };
}
