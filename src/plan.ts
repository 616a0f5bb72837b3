/**
 * How one `--time-budget` is shared by the phases. Each phase gets a deadline when it
 * starts, from what is left, so time a phase does not use flows to the later ones.
 *
 *   probe      at most 30 % of the whole budget
 *   noise      no deadline: K = 64 small-batch gradients, a second or two
 *   lr-range   at most 20 % of what is left after the probe and the noise
 *   search     the rest, less a reserve for the recommendation and the output, in
 *              equal slots: 75 % of a slot trains, the rest measures the result
 */
export const PLAN = {
  probeShare: 0.3,
  lrRangeShare: 0.2,
  /** Seconds kept back at the end. */
  reserveSeconds: 2,
  /** Share of a candidate's slot spent training; the rest evaluates and measures noise. */
  trainShare: 0.75,
  /** A candidate trained for less than this says little: fewer candidates instead. */
  minCandidateSeconds: 1,
  /** Fewer candidates than this is no search: the phase is reported as cut. */
  minCandidates: 3,
  candidates: 5,
} as const;

export function probeDeadline(start: number, totalSeconds: number): number {
  return start + PLAN.probeShare * totalSeconds * 1000 - PLAN.reserveSeconds * 1000;
}

export function lrRangeDeadline(now: number, end: number): number {
  return now + PLAN.lrRangeShare * Math.max(0, end - now - PLAN.reserveSeconds * 1000);
}

/**
 * How many candidates the time left allows, and the training seconds of each: as many
 * as asked while each gets at least `minCandidateSeconds` of training.
 */
export function planSearch(now: number, end: number, wanted: number): { count: number; trainSeconds: number } {
  const available = Math.max(0, (end - now) / 1000 - PLAN.reserveSeconds);
  for (let count = wanted; count >= 1; count--) {
    const trainSeconds = (available / count) * PLAN.trainShare;
    if (trainSeconds >= PLAN.minCandidateSeconds) return { count, trainSeconds };
  }
  return { count: 0, trainSeconds: 0 };
}
