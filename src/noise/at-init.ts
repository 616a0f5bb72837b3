import type { NoiseEstimate, Trial } from '../document';
import type { TF } from '../platform/tf';
import { disposeModel, type Workload } from '../workloads/workload';
import { estimateGradientNoise } from './measure';

/** Batch size of the noise measurement's small batches (b), the same at init and after training. */
export const NOISE_BATCH = 64;

/** Relative standard error of the noise scale at init that is good enough. */
export const NOISE_TARGET_RELATIVE_ERROR = 0.1;

/**
 * Milliseconds of one gradient at `batchSize`, from the probe: the step time of the
 * nearest ok size, scaled by the batch (a gradient is most of a training step).
 * Null when no ok trial measured a step time.
 */
export function gradientMs(trials: readonly Trial[], batchSize: number): number | null {
  const ok = trials.filter((t) => t.status === 'ok' && t.stepMs !== null);
  if (!ok.length) return null;
  const nearest = ok.reduce((a, t) => (Math.abs(Math.log(t.batchSize / batchSize)) < Math.abs(Math.log(a.batchSize / batchSize)) ? t : a));
  return (nearest.stepMs! * batchSize) / nearest.batchSize;
}

export interface NoiseAtInitOptions {
  seed: number;
  batchSize: number;
  /** Gradients of the first measurement (K). */
  batches: number;
  /** Gradients of the repeat when the first is too noisy; 0 when there is no time for one. */
  retryBatches: number;
}

/**
 * B_simple at the initial weights. When the signal is weak against the noise (a large
 * B_simple), K batches estimate |G|² poorly: the measurement is repeated with
 * `retryBatches` once if the jackknife error is above 10 % and the plan left time for it.
 * The standard error is reported either way: a noisy estimate is said, not hidden.
 */
export async function measureNoiseAtInit(tf: TF, workload: Workload, options: NoiseAtInitOptions): Promise<NoiseEstimate> {
  const model = await workload.createModel();
  const { seed, batchSize } = options;
  try {
    let { plain } = await estimateGradientNoise(tf, model, workload.data, { seed, batches: options.batches, batchSize });
    const noisy = plain.standardError !== null && plain.standardError > NOISE_TARGET_RELATIVE_ERROR * plain.bSimple;
    if (noisy && options.retryBatches > options.batches) {
      ({ plain } = await estimateGradientNoise(tf, model, workload.data, { seed: seed + 1, batches: options.retryBatches, batchSize }));
    }
    return { bSimple: plain.bSimple, gradSq: plain.gradSq, traceSigma: plain.traceSigma, standardError: plain.standardError };
  } finally {
    disposeModel(model);
  }
}
