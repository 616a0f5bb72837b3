import type * as tfTypes from '@tensorflow/tfjs';
import { compiledLoss, estimateGradientNoise, type GradientNoiseResult } from '../noise/measure';
import { ShuffledBatches } from '../runner/batches';
import { trainingStep } from '../runner/in-process';
import type { TF } from '../platform/tf';
import { disposeModel, type Dataset, type Workload } from '../workloads/workload';
import { smoothLosses } from '../lr/suggest';
import { constantSchedule, learningRateAt, linearDecaySchedule, type ScheduleKind } from '../lr/schedule';
import { setLearningRate } from '../lr/set-learning-rate';
import { mean } from '../util/stats';
import { createRandom, shuffledIndices } from '../util/random';
import { lossDropPerSecond, lossVolatility } from './curve-stats';
import { EVALUATION_CHUNK } from './evaluation-cost';
import type { CandidateRun, CandidateRunOptions, RunWorker } from '../runner/run-spec';

export type { CandidateRun, CandidateRunOptions } from '../runner/run-spec';

/** A smoothed loss above this multiple of the starting loss counts as divergence. */
export const DIVERGENCE_RATIO = 2;

/** Steps averaged for the starting loss, and before the smoothed loss is trusted. */
const DIVERGENCE_WINDOW = 10;

/**
 * Divergence: a non-finite loss at once, or, after `DIVERGENCE_WINDOW` steps, an
 * exponential average of the loss above `DIVERGENCE_RATIO` times the mean of the first
 * steps. One unlucky small batch can double the loss; a diverging run keeps it there.
 */
export function isDiverging(losses: readonly number[]): boolean {
  const last = losses[losses.length - 1];
  if (!Number.isFinite(last)) return true;
  if (losses.length < 2 * DIVERGENCE_WINDOW) return false;
  const start = losses.slice(0, DIVERGENCE_WINDOW).reduce((a, b) => a + b, 0) / DIVERGENCE_WINDOW;
  const recent = smoothLosses(losses.slice(-2 * DIVERGENCE_WINDOW), 0.9);
  return recent[recent.length - 1] > DIVERGENCE_RATIO * start;
}

/**
 * Trains one candidate from the workload's initial weights for a fixed wall-clock
 * time (or a fixed number of steps), then measures it: validation loss per sample, training loss, gradient noise at
 * the final weights. Divergence (see `isDiverging`) ends training at once.
 */
export async function trainCandidate(tf: TF, workload: Workload, options: CandidateRunOptions): Promise<CandidateRun> {
  const model = await workload.createModel({ learningRate: options.learningRate });
  try {
    const step = trainingStep(model, new ShuffledBatches(tf, workload.train, options.batchSize, options.seed));
    const schedule =
      options.schedule === 'linear-decay' && options.steps !== undefined
        ? linearDecaySchedule(options.learningRate, options.steps)
        : constantSchedule(options.learningRate, options.steps ?? 1);
    const losses: [number, number][] = [];
    // The loss values alone, kept alongside: the divergence check runs every step and
    // must not copy the whole history each time.
    const values: number[] = [];
    const start = performance.now();
    let diverged = false;
    let elapsed = 0;
    // The wall-time cap counts from the end of the first step: that step builds the
    // model's kernels for this batch's shapes (in a fresh search process, the backend's
    // too), which took most of a short run's cap, so the first run of each process
    // trained fewer steps than the rest of its round.
    let firstStepMs = 0;
    const more = () =>
      losses.length < 2 ||
      (elapsed - firstStepMs < options.seconds * 1000 && (options.steps === undefined || losses.length < options.steps));
    while (more()) {
      if (schedule.kind !== 'constant') setLearningRate(model.optimizer, learningRateAt(schedule, losses.length));
      const loss = await step();
      elapsed = performance.now() - start;
      if (losses.length === 0) firstStepMs = elapsed;
      losses.push([elapsed / 1000, loss]);
      values.push(loss);
      if (isDiverging(values)) {
        diverged = true;
        break;
      }
      await new Promise((resolve) => setImmediate(resolve));
      if (options.signal?.aborted) break;
    }
    const run: CandidateRun = {
      batchSize: options.batchSize,
      learningRate: options.learningRate,
      steps: losses.length,
      samplesSeen: losses.length * options.batchSize,
      trainSeconds: elapsed / 1000,
      diverged,
      curve: downsample(losses, 100),
      firstLoss: losses[0][1],
      lossDropPerSec: lossDropPerSecond(values, elapsed / 1000),
      lossVolatility: lossVolatility(values),
      valLosses: null,
      valLoss: null,
      trainLoss: null,
      noise: null,
    };
    if (diverged) return run;
    const chunk = Math.min(EVALUATION_CHUNK, options.maxBatch);
    const valCount = workload.validation.x.shape[0];
    const rows = Math.max(1, Math.min(valCount, options.evaluationRows ?? valCount));
    const evaluationStart = performance.now();
    const validation = rows < valCount ? gatherRows(tf, workload.validation, evaluationSample(valCount, rows, options.evaluationSeed ?? options.seed)) : null;
    const trainSubset = gatherRows(tf, workload.train, Array.from({ length: Math.min(rows, workload.train.x.shape[0]) }, (_, i) => i));
    try {
      run.valLosses = perSampleLosses(tf, model, validation ?? workload.validation, chunk);
      run.valLoss = mean(run.valLosses);
      run.trainLoss = mean(perSampleLosses(tf, model, trainSubset, chunk));
    } finally {
      tf.dispose([trainSubset.x, trainSubset.y, ...(validation ? [validation.x, validation.y] : [])]);
    }
    run.evaluationSeconds = (performance.now() - evaluationStart) / 1000;
    if (!Number.isFinite(run.valLoss)) {
      run.diverged = true;
      run.valLosses = null;
      run.valLoss = null;
      return run;
    }
    if (options.measureNoise === false) return run;
    // The same b and K as at the initial weights, whatever the candidate's batch size.
    run.noise = await estimateGradientNoise(tf, model, workload.train, {
      batchSize: Math.min(64, options.maxBatch),
      batches: options.noiseBatches ?? 64,
      precondition: options.precondition,
      seed: options.seed + 1,
    });
    return run;
  } finally {
    disposeModel(model);
  }
}

/**
 * Runs in this process, one at a time: the search as it runs without a pool. An abort
 * ends the run in training after its current step, and it is still measured.
 */
export function inProcessWorker(tf: TF, workload: Workload): RunWorker {
  return { slot: null, run: async (spec, signal) => ({ run: await trainCandidate(tf, workload, { ...spec, signal }), process: null, pid: null }) };
}

/**
 * The compiled loss of every sample (averaged over its output's values), evaluated in chunks so memory stays bounded. The
 * chunks are gathered, not sliced: wasm's Slice reads its whole input each time.
 */
export function perSampleLosses(tf: TF, model: tfTypes.LayersModel, data: Dataset, chunk = 512): Float32Array {
  const lossFn = compiledLoss(model);
  const n = data.x.shape[0];
  const out = new Float32Array(n);
  for (let begin = 0; begin < n; begin += chunk) {
    const size = Math.min(chunk, n - begin);
    const values = tf.tidy(() => {
      const rows = tf.range(begin, begin + size, 1, 'int32');
      const prediction = model.predict(tf.gather(data.x, rows)) as tfTypes.Tensor;
      // A loss over outputs of more than one value per sample (an image's pixels, a
      // sequence's steps) is reduced over them as the compiled loss's mean is.
      return lossFn(tf.gather(data.y, rows), prediction).reshape([size, -1]).mean(1).dataSync();
    });
    out.set(values, begin);
  }
  return out;
}

/**
 * The validation rows a run measured on `rows` of `valCount` evaluates: the first `rows`
 * of one seeded order, so every run with the same seed measures the same rows, and a
 * longer round's rows include a shorter one's. Ascending, for the gather.
 */
export function evaluationSample(valCount: number, rows: number, seed: number): number[] {
  return shuffledIndices(valCount, createRandom(seed ^ 0xe7a1))
    .slice(0, rows)
    .sort((a, b) => a - b);
}

function gatherRows(tf: TF, data: Dataset, rows: readonly number[]): Dataset {
  return tf.tidy(() => {
    const index = tf.tensor1d(rows as number[], 'int32');
    return { x: tf.gather(data.x, index), y: tf.gather(data.y, index) };
  });
}

function downsample<T>(values: T[], max: number): T[] {
  if (values.length <= max) return values;
  const stride = values.length / max;
  return Array.from({ length: max }, (_, i) => values[Math.min(values.length - 1, Math.round(i * stride))]);
}
