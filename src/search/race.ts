import { compareConfigs, type Evidence } from './evidence';
import type { Decision } from './decide';

/**
 * Spending the decisive rung's budget where it can still change the answer: a race
 * (as in F-Race and Hoeffding races). After the rung's first runs, the configurations
 * that noise cannot yet separate from the pick — the best few within `RACE_Z` standard
 * errors of it, and the user's default while it could still win — each train one more
 * replicate (another data order, or on small data another fold of the user's rows), and
 * the evidence is weighed again. The pick and the default are measured at least
 * `MIN_REPLICATES` times, and the default as often as the pick while it is within twice
 * the race's band of it. The race stops when no other configuration is within
 * noise of the pick (`settled`), when every contender has all its replicates
 * (`replicates`), or when the time left cannot hold another wave (`budget`); the
 * document says which. Pure: the search trains what this asks for.
 */

/** Standard errors within which a configuration may still overtake the pick. */
export const RACE_Z = 2;

/** Replicates of the pick (and the default) before the race may call the decision settled: σ measured, not assumed. */
export const MIN_REPLICATES = 2;

/**
 * Residual degrees of freedom before closeness is judged on the measured σ alone. Until
 * then a configuration is close when within `RACE_Z` standard errors of a spread of
 * `GUESS_RELATIVE_SIGMA` of the pick's loss: a loose guess, so that the first waves
 * measure σ on the best few instead of trusting the prior's 2 % (on small tables a
 * high rate's runs spread by 5 % and more).
 */
export const MIN_DEGREES_OF_FREEDOM = 3;
export const GUESS_RELATIVE_SIGMA = 0.05;

/** Why the race stopped. */
export const RACE_STOPS = ['settled', 'replicates', 'budget', 'interrupted'] as const;
export type RaceStop = (typeof RACE_STOPS)[number];

export interface RaceOptions {
  /** Replicates a configuration may have at most (5 folds; 3 data orders). */
  maxReplicates: number;
  /** Configurations raced at once, the pick included (the default aside). */
  maxContenders: number;
  /** The user's default configuration, when it is measured: raced while it could still be the answer. */
  baseline: string | null;
  /** Configurations that may not win (see `DecisionOptions.eligible`) are not raced. */
  eligible?: (config: string) => boolean;
}

/** The configurations to train one more replicate of, or why the race is over. */
export function nextContenders(evidence: Evidence, decision: Decision, options: RaceOptions): { configs: string[]; stop: RaceStop | null } {
  const eligible = options.eligible ?? (() => true);
  const { pick } = decision;
  const replicates = (config: string) => evidence.estimates.find((e) => e.config === config)?.replicates ?? 0;
  // Until replicates have measured σ, closeness is judged on a loose guess of it (`GUESS_RELATIVE_SIGMA`).
  const measuring = evidence.degreesOfFreedom < MIN_DEGREES_OF_FREEDOM;
  const pickMean = Math.abs(evidence.estimates.find((e) => e.config === pick)!.mean);
  const close = (config: string, band = 1) => {
    const { difference, standardError } = compareConfigs(evidence, config, pick);
    const guess = measuring ? Math.SQRT2 * GUESS_RELATIVE_SIGMA * pickMean : 0;
    return Math.abs(difference) <= band * RACE_Z * Math.max(standardError, guess);
  };
  const baseline = options.baseline !== null && options.baseline !== pick && evidence.estimates.some((e) => e.config === options.baseline) ? options.baseline : null;
  const others = evidence.estimates
    .map((e) => e.config)
    .filter((c) => c !== pick && c !== baseline && c !== options.baseline && eligible(c) && close(c))
    .slice(0, options.maxContenders - 1);
  const baselineClose = baseline !== null && close(baseline);
  // No answer rests on the prior alone: the pick and the default are measured at least
  // `MIN_REPLICATES` times, so that one unlucky draw of the default does not hand the answer
  // to the luckiest of many; while it is within noise of the pick it is raced as the others.
  const least = Math.min(MIN_REPLICATES, options.maxReplicates);
  const underMeasured = [pick, ...(baseline !== null ? [baseline] : [])].filter((c) => replicates(c) < least);
  // Within twice the race's band, the default is measured as often as the pick: its
  // comparison is the one the answer turns on last; far beyond it, more runs change nothing.
  if (baseline !== null && !underMeasured.includes(baseline) && close(baseline, 2) && replicates(baseline) < Math.min(options.maxReplicates, replicates(pick))) underMeasured.push(baseline);
  if (!others.length && !baselineClose) return underMeasured.length ? { configs: underMeasured, stop: null } : { configs: [], stop: 'settled' };
  const contenders = [pick, ...others, ...(baseline !== null && (baselineClose || underMeasured.includes(baseline)) ? [baseline] : [])];
  const open = contenders.filter((c) => replicates(c) < options.maxReplicates);
  return open.length ? { configs: open, stop: null } : { configs: [], stop: 'replicates' };
}
