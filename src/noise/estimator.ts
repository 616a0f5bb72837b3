/**
 * The gradient noise scale of McCandlish et al. (2018), "An Empirical Model of
 * Large-Batch Training", from K gradients of size b taken at the same weights.
 *
 * With s̄ = mean |g_i|², q = |mean g_i|² and B_big = K·b, the unbiased estimates are
 *   |G|²  ≈ (K·q − s̄) / (K − 1)
 *   tr(Σ) ≈ b·K·(s̄ − q) / (K − 1)
 *   B_simple = tr(Σ) / |G|².
 * Everything here works on sums accumulated per group of batches, so the caller never
 * holds K gradients at once: per group, Σ g_i and Σ g_i² (elementwise). That is enough
 * for s̄ and q, for a delete-a-group jackknife standard error, and for the Adam-style
 * preconditioned estimate (s̄ under a diagonal preconditioner needs only Σ g_i²).
 */

export type Vector = Float32Array | Float64Array;

/** Sums over the gradients of one group of equal-size batches. */
export interface GradientGroup {
  /** Elementwise Σ g_i over the group's batches. */
  sum: Vector;
  /** Elementwise Σ g_i² over the group's batches. */
  sumSq: Vector;
  /** Batches in the group. */
  batches: number;
}

/** The two unbiased parts of the noise scale; average these across measurements, then divide. */
export interface NoiseParts {
  /** |G|², squared norm of the true gradient. */
  gradSq: number;
  /** tr(Σ), the per-sample gradient covariance trace. */
  traceSigma: number;
}

export interface NoiseEstimateWithError extends NoiseParts {
  /** tr(Σ)/|G|² with |G|² clamped at a small epsilon. */
  bSimple: number;
  /** Jackknife standard error of bSimple over the groups; null with fewer than two groups. */
  standardError: number | null;
}

/** Smallest |G|² relative to tr(Σ) before bSimple is reported as huge rather than negative. */
const GRAD_SQ_FLOOR = 1e-12;

/**
 * The noise estimate from the groups' sums, for batches of `batchSize` samples.
 * `preconditioner`, when given, weights each coordinate (Adam: 1/(√v + ε)); the
 * estimate is then of the preconditioned gradients.
 */
export function estimateNoiseFromGroups(
  groups: readonly GradientGroup[],
  batchSize: number,
  preconditioner?: Vector,
): NoiseEstimateWithError {
  if (groups.length === 0) throw new RangeError('no gradient groups');
  const total = addGroups(groups);
  const full = partsFromTotals(total, batchSize, preconditioner);
  let standardError: number | null = null;
  if (groups.length >= 2) {
    // Delete-a-group jackknife over the ratio: the spread of the estimate with each
    // group left out, scaled by (M − 1)/M.
    const m = groups.length;
    const leaveOut = groups.map((g) => {
      const parts = partsFromTotals(subtractGroup(total, g), batchSize, preconditioner);
      return ratio(parts);
    });
    const mean = leaveOut.reduce((a, b) => a + b, 0) / m;
    standardError = Math.sqrt(((m - 1) / m) * leaveOut.reduce((a, b) => a + (b - mean) ** 2, 0));
  }
  return { ...full, bSimple: ratio(full), standardError };
}

/** Averages several measurements the way the paper does: numerator and denominator separately. */
export function combineNoise(parts: readonly NoiseParts[]): NoiseParts & { bSimple: number } {
  const gradSq = parts.reduce((a, p) => a + p.gradSq, 0) / parts.length;
  const traceSigma = parts.reduce((a, p) => a + p.traceSigma, 0) / parts.length;
  return { gradSq, traceSigma, bSimple: ratio({ gradSq, traceSigma }) };
}

/** tr(Σ)/|G|², with |G|² clamped so a gradient lost in noise reads as a huge noise scale. */
export function ratio({ gradSq, traceSigma }: NoiseParts): number {
  const floor = Math.max(GRAD_SQ_FLOOR * Math.abs(traceSigma), Number.MIN_VALUE);
  return Math.max(traceSigma, 0) / Math.max(gradSq, floor);
}

/**
 * The elementwise preconditioner Adam would apply, 1/(√v + ε), with v the mean squared
 * gradient of the measured batches.
 */
export function adamPreconditioner(groups: readonly GradientGroup[], epsilon = 1e-7): Float64Array {
  const total = addGroups(groups);
  const out = new Float64Array(total.sumSq.length);
  for (let i = 0; i < out.length; i++) out[i] = 1 / (Math.sqrt(total.sumSq[i] / total.batches) + epsilon);
  return out;
}

function partsFromTotals(total: GradientGroup, b: number, p?: Vector): NoiseParts {
  const k = total.batches;
  if (k < 2) throw new RangeError('the noise scale needs at least two batches');
  let sumNormSq = 0; // Σ_i |g_i|², weighted
  let meanSq = 0; // |Σ g_i / K|², weighted
  for (let i = 0; i < total.sum.length; i++) {
    const w = p ? p[i] * p[i] : 1;
    sumNormSq += w * total.sumSq[i];
    const mean = total.sum[i] / k;
    meanSq += w * mean * mean;
  }
  const sBar = sumNormSq / k;
  return {
    gradSq: (k * meanSq - sBar) / (k - 1),
    traceSigma: (b * k * (sBar - meanSq)) / (k - 1),
  };
}

function addGroups(groups: readonly GradientGroup[]): GradientGroup {
  const n = groups[0].sum.length;
  // Float64: sums of many float32 squares lose digits that the subtraction in the estimator needs.
  const sum = new Float64Array(n);
  const sumSq = new Float64Array(n);
  let batches = 0;
  for (const g of groups) {
    for (let i = 0; i < n; i++) {
      sum[i] += g.sum[i];
      sumSq[i] += g.sumSq[i];
    }
    batches += g.batches;
  }
  return { sum, sumSq, batches };
}

function subtractGroup(total: GradientGroup, g: GradientGroup): GradientGroup {
  const sum = new Float64Array(total.sum.length);
  const sumSq = new Float64Array(total.sum.length);
  for (let i = 0; i < sum.length; i++) {
    sum[i] = total.sum[i] - g.sum[i];
    sumSq[i] = total.sumSq[i] - g.sumSq[i];
  }
  return { sum, sumSq, batches: total.batches - g.batches };
}
