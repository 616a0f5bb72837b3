import type { Trial } from '../document';
import { countedBytes } from '../runner/counted-bytes';

export { countedBytes };

/**
 * Predicts peak tensor bytes at `batchSize` from the ok trials. Memory is weights and
 * optimizer state (constant) plus activations and gradients of the batch (linear in it),
 * so the base is a straight line through the two largest measured sizes (the ones least
 * blurred by allocator rounding at small sizes). But the step's peak can move from one
 * part of the step to another as the batch grows (mnist-mlp's per-sample growth rises
 * five-fold between 512 and 2048, then holds): where the three largest sizes curve
 * upwards, the parabola through them is used instead when it is higher. Over-predicting
 * only stops the probe a size early; under-predicting tries a size that does not fit.
 * @returns undefined with fewer than two measured sizes: one point cannot separate the
 *   constant part from the per-sample part.
 */
export function predictPeakBytes(trials: readonly Trial[], batchSize: number): number | undefined {
  const measured = trials
    .filter((t) => t.status === 'ok' && t.peakBytes !== null)
    .sort((a, b) => a.batchSize - b.batchSize)
    .map((t) => ({ batchSize: t.batchSize, peakBytes: countedBytes(t) }));
  if (measured.length < 2) return undefined;
  const [p, q] = measured.slice(-2);
  if (q.batchSize === p.batchSize) return undefined;
  const slope = (q.peakBytes! - p.peakBytes!) / (q.batchSize - p.batchSize);
  const line = q.peakBytes! + Math.max(0, slope) * (batchSize - q.batchSize);
  if (measured.length < 3) return line;
  // Newton's form through the last three sizes: q's value, the slope p→q, the curvature.
  const o = measured[measured.length - 3];
  if (o.batchSize === p.batchSize) return line;
  const before = (p.peakBytes! - o.peakBytes!) / (p.batchSize - o.batchSize);
  const curvature = (slope - before) / (q.batchSize - o.batchSize);
  if (!(curvature > 0) || slope < 0) return line;
  const parabola = q.peakBytes! + slope * (batchSize - q.batchSize) + curvature * (batchSize - q.batchSize) * (batchSize - p.batchSize);
  return Math.max(line, parabola);
}
