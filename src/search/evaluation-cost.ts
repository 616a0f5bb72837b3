import type { Trial } from '../document';
import { gradientMs } from '../noise/at-init';

/** Rows a search run evaluates in one forward pass (see `perSampleLosses`). */
export const EVALUATION_CHUNK = 512;

/**
 * Seconds a search run's evaluation is expected to take before any run has measured
 * it: one forward pass over the validation rows and as many training rows, each
 * costed at a whole training step per sample at the evaluation's chunk size (from the
 * probe). An upper bound, as a forward pass is the cheaper part of a step; it only
 * matters for the first run, and for a slow model it is most of the run: 410
 * validation rows at 120 ms a sample take 49 s, the training rows as much again.
 */
export function expectedEvaluationSeconds(trials: readonly Trial[], valSamples: number, trainSamples: number, maxBatch: number): number {
  const chunk = Math.min(EVALUATION_CHUNK, maxBatch);
  const stepMs = gradientMs(trials, chunk);
  if (stepMs === null) return 0;
  return ((valSamples + Math.min(valSamples, trainSamples)) * stepMs) / chunk / 1000;
}
