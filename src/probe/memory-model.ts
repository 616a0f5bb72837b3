import type { Trial } from '../document';

/**
 * Predicts peak tensor bytes at `batchSize` from the ok trials: a straight line through
 * the two largest measured sizes. Memory is weights and optimizer state (constant) plus
 * activations and gradients of the batch (linear in it); the two largest sizes are the
 * ones least blurred by allocator rounding at small sizes.
 * @returns undefined with fewer than two measured sizes: one point cannot separate the
 *   constant part from the per-sample part.
 */
export function predictPeakBytes(trials: readonly Trial[], batchSize: number): number | undefined {
  const measured = trials
    .filter((t) => t.status === 'ok' && t.peakBytes !== null)
    .sort((a, b) => a.batchSize - b.batchSize);
  if (measured.length < 2) return undefined;
  const [p, q] = measured.slice(-2);
  if (q.batchSize === p.batchSize) return undefined;
  const slope = Math.max(0, (q.peakBytes! - p.peakBytes!) / (q.batchSize - p.batchSize));
  return q.peakBytes! + slope * (batchSize - q.batchSize);
}
