/**
 * The measurement functions as the library exports them: on autobatch's own
 * TensorFlow.js, with models and data as a caller has them.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import type { NoiseEstimate } from './document';
import { findLearningRate as sweep, type LrRangeResult } from './lr/range-test';
import { estimateGradientNoise as measure, type GradientNoiseOptions } from './noise/measure';
import type { DataInput, ModelFactory } from './options';
import { loadTf } from './platform/tf';
import { resolveWorkload } from './workloads/spec';
import { toDataset } from './workloads/to-tensor';
import { createWorkload } from './workloads/workload';

export interface GradientNoise extends NoiseEstimate {
  /** The Adam-preconditioned estimate, when asked for with `precondition: true`. */
  preconditioned: NoiseEstimate | null;
}

/**
 * The gradient noise scale B_simple of a compiled model at its current weights, from
 * K = `batches` gradients of `batchSize` random samples of `data` (McCandlish et al.).
 * The model's weights are left as they were; `data` is not disposed.
 */
export async function estimateGradientNoise(
  model: tfTypes.LayersModel,
  data: { x: unknown; y: unknown },
  options: GradientNoiseOptions = {},
): Promise<GradientNoise> {
  const tf = loadTf();
  const dataset = toDataset(tf, data, 'data', false);
  try {
    const { plain, preconditioned } = await measure(tf, model, dataset, options);
    const strip = (e: typeof plain): NoiseEstimate => ({ bSimple: e.bSimple, gradSq: e.gradSq, traceSigma: e.traceSigma, standardError: e.standardError });
    return { ...strip(plain), preconditioned: preconditioned ? strip(preconditioned) : null };
  } finally {
    tf.dispose([dataset.x, dataset.y]);
  }
}

export interface FindLearningRateOptions {
  /** Returns a fresh, compiled model (its optimizer is the one swept). */
  model: ModelFactory;
  data: DataInput;
  batchSize: number;
  /** @default 1e-6 */
  minLr?: number;
  /** @default 10 */
  maxLr?: number;
  /** @default 100 */
  steps?: number;
  /** @default 0 */
  seed?: number;
}

/**
 * The LR range test: one step per learning rate, rising exponentially, from the model's
 * initial weights; returns every point and the suggested rate (see `suggestLearningRate`).
 */
export async function findLearningRate(options: FindLearningRateOptions): Promise<LrRangeResult> {
  const tf = loadTf();
  const seed = options.seed ?? 0;
  const definition = await resolveWorkload(
    { example: 'mnist-mlp', standardize: false, validationSplit: 0.2, seed },
    { model: options.model, data: options.data },
  );
  const workload = await createWorkload(tf, definition, { seed, validationSplit: 0.2 });
  try {
    return await sweep(tf, workload, { batchSize: options.batchSize, minLr: options.minLr, maxLr: options.maxLr, steps: options.steps, seed });
  } finally {
    workload.dispose();
  }
}
