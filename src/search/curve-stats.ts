/**
 * Convergence speed: how fast the training loss fell, per second of training. The end
 * is the mean of the last tenth of the steps, so one noisy batch does not decide it.
 */
export function lossDropPerSecond(losses: readonly number[], seconds: number): number | null {
  if (losses.length < 2 || seconds <= 0) return null;
  const tail = losses.slice(-Math.max(1, Math.floor(losses.length / 10)));
  const end = tail.reduce((a, b) => a + b, 0) / tail.length;
  return (losses[0] - end) / seconds;
}

/**
 * Stability: the standard deviation of the step-to-step change of log loss over the
 * second half of training (the first half is the steep fall of any run). Scale-free, so
 * candidates of different losses compare; higher is noisier.
 */
export function lossVolatility(losses: readonly number[]): number | null {
  const half = losses.slice(Math.floor(losses.length / 2)).filter((v) => v > 0 && Number.isFinite(v));
  if (half.length < 3) return null;
  const diffs = half.slice(1).map((v, i) => Math.log(v) - Math.log(half[i]));
  const mean = diffs.reduce((a, b) => a + b, 0) / diffs.length;
  return Math.sqrt(diffs.reduce((a, d) => a + (d - mean) ** 2, 0) / (diffs.length - 1));
}
