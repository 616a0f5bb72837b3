/**
 * How much of a measured noise scale the decisions use. B_simple is a ratio of two
 * noisy sums; from few gradients, or late in training where |G|² is small, its standard
 * error can dwarf it (5,560 ± 8e11 after a short search). Such a number must not steer
 * the batch sizes searched, the learning-rate scaling or the efficiency: it is shrunk
 * towards 0 — no noise-scale correction, the rule's neutral end — by
 *
 *   B_used = B · 1 / (1 + (SE / B)²)
 *
 * a precision weight: an estimate to ±10 % keeps 99 % of its value, one to ±100 % half,
 * one whose error is ten times itself 1 %.
 */
export function credibleNoiseScale(estimate: { bSimple: number; standardError: number | null; gradSq?: number } | null | undefined): number | null {
  if (!estimate || !measurable(estimate) || !Number.isFinite(estimate.bSimple) || estimate.bSimple <= 0) return estimate ? 0 : null;
  return estimate.bSimple * noiseWeight(estimate);
}

/**
 * Whether a noise estimate measured a noise scale at all. |G|² is estimated as a
 * difference of two noisy sums; where the gradient is lost in the noise of the
 * measurement (late in training, or from few gradients), that estimate is 0 or negative
 * and B_simple = tr(Σ)/|G|² is only "larger than this measurement can tell": the JSON
 * keeps the capped ratio (`ratio`), the output says "not measurable", and the decisions
 * use no noise-scale correction, as for any estimate they cannot trust.
 */
export function measurable(estimate: { gradSq?: number }): boolean {
  return !(estimate.gradSq !== undefined && estimate.gradSq <= 0);
}

/** The weight `credibleNoiseScale` gives an estimate: 1 without a standard error. */
export function noiseWeight(estimate: { bSimple: number; standardError: number | null }): number {
  if (estimate.standardError === null || !(estimate.bSimple > 0)) return 1;
  const relative = estimate.standardError / estimate.bSimple;
  return 1 / (1 + relative * relative);
}
