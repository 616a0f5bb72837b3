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
