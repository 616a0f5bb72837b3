import type * as tfTypes from '@tensorflow/tfjs';
import { compiledLoss, estimateGradientNoise, type GradientNoiseResult } from '../noise/measure';
import { trainingStep } from '../runner/in-process';
import type { TF } from '../platform/tf';
import type { Batch, BatchStream, DataSource } from '../workloads/data-source';
import { TensorSource, tensorsOf } from '../workloads/tensor-source';
import { disposeModel, type Dataset, type Workload } from '../workloads/workload';
import { foldData } from '../workloads/folds';
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
 * the final weights. Divergence (see `isDiverging`) ends training at once. With
 * `fold`, it trains and is measured on that fold of the user's rows (see `foldData`).
 */
export async function trainCandidate(tf: TF, workload: Workload, options: CandidateRunOptions): Promise<CandidateRun> {
  const data = dataFor(tf, workload, options);
  const model = await workload.createModel({ learningRate: options.learningRate });
  try {
    const run = await trainSteps(model, data, options);
    if (run.diverged) return run;
    const evaluated = await evaluateModel(tf, model, data, options);
    Object.assign(run, evaluated);
    if (!Number.isFinite(run.valLoss)) return { ...run, diverged: true, valLosses: null, valLoss: null };
    if (options.measureNoise === false) return run;
    // The same b and K as at the initial weights, whatever the candidate's batch size.
    run.noise = await estimateGradientNoise(tf, model, data, {
      batchSize: Math.min(64, options.maxBatch),
      batches: options.noiseBatches ?? 64,
      precondition: options.precondition,
      seed: options.seed + 1,
    });
    return run;
  } finally {
    disposeModel(model);
    if (data !== workload.data) data.dispose();
  }
}

/**
 * What a run trains and is measured on: the workload's data, or with `fold` that fold of
 * the user's rows (see `foldData`), which only data held in memory has; the caller
 * disposes it when it is not the workload's own.
 */
function dataFor(tf: TF, workload: Workload, options: Pick<CandidateRunOptions, 'fold'>): DataSource {
  return options.fold ? new TensorSource(tf, foldData(tf, tensorsOf(workload), options.fold)) : workload.data;
}

/** The training part of a run: its steps on `train`, the schedule applied, its curve; not yet evaluated. */
async function trainSteps(model: tfTypes.LayersModel, data: DataSource, options: CandidateRunOptions): Promise<CandidateRun> {
  const batches = data.batches(options.batchSize, 'shuffled', options.seed);
  try {
    return await trainBatches(model, batches, options);
  } finally {
    // Its buffers go before the evaluation's are filled.
    batches.close();
  }
}

async function trainBatches(model: tfTypes.LayersModel, batches: BatchStream, options: CandidateRunOptions): Promise<CandidateRun> {
  const step = trainingStep(model, batches);
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
  return {
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
}

/** What `options` asks a run to be measured on: which validation rows (all of a fold's), how many training rows. */
type EvaluationOptions = Pick<CandidateRunOptions, 'evaluationRows' | 'evaluationSeed' | 'seed' | 'maxBatch' | 'fold'>;

/**
 * The model's per-sample losses on the run's validation rows (a seeded sample of them,
 * the same for every run with the same `evaluationSeed`; a fold's all), its mean, and the
 * mean loss on as many training rows.
 */
async function evaluateModel(tf: TF, model: tfTypes.LayersModel, data: DataSource, options: EvaluationOptions) {
  const chunk = Math.min(EVALUATION_CHUNK, options.maxBatch);
  const valCount = data.valSamples;
  const rows = options.fold ? valCount : Math.max(1, Math.min(valCount, options.evaluationRows ?? valCount));
  const evaluationStart = performance.now();
  const sample = rows < valCount ? evaluationSample(valCount, rows, options.evaluationSeed ?? options.seed) : undefined;
  const valLosses = await streamedLosses(tf, model, data.validation(chunk, sample), rows);
  const trainLoss = mean(await streamedLosses(tf, model, data.trainSample(chunk, rows), Math.min(rows, data.trainSamples)));
  return { valLosses, valLoss: mean(valLosses), trainLoss, evaluationSeconds: (performance.now() - evaluationStart) / 1000 };
}

/**
 * The initial weights' per-sample losses on the rows a run with `options` is measured on:
 * what a run must beat by more than its noise to have learned anything.
 */
export async function initialLosses(tf: TF, workload: Workload, options: EvaluationOptions): Promise<Float32Array> {
  const data = dataFor(tf, workload, options);
  const model = await workload.createModel();
  try {
    return (await evaluateModel(tf, model, data, options)).valLosses;
  } finally {
    disposeModel(model);
    if (data !== workload.data) data.dispose();
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
  const n = data.x.shape[0];
  const out = new Float32Array(n);
  for (let begin = 0; begin < n; begin += chunk) {
    const size = Math.min(chunk, n - begin);
    const batch = tf.tidy(() => {
      const rows = tf.range(begin, begin + size, 1, 'int32');
      return { x: tf.gather(data.x, rows), y: tf.gather(data.y, rows) };
    });
    try {
      out.set(chunkLosses(tf, model, batch), begin);
    } finally {
      tf.dispose([batch.x, batch.y]);
    }
  }
  return out;
}

/** `perSampleLosses` over chunks a data source gives (`count` samples in all); disposes each chunk. */
export async function streamedLosses(tf: TF, model: tfTypes.LayersModel, chunks: AsyncIterable<Batch>, count: number): Promise<Float32Array> {
  const out = new Float32Array(count);
  let offset = 0;
  for await (const batch of chunks) {
    try {
      out.set(chunkLosses(tf, model, batch), offset);
    } finally {
      tf.dispose([batch.x, batch.y]);
    }
    offset += batch.x.shape[0];
  }
  if (offset !== count) throw new RangeError(`expected ${count} samples to evaluate, the data gave ${offset}`);
  return out;
}

/** The compiled loss of each sample of one chunk. */
function chunkLosses(tf: TF, model: tfTypes.LayersModel, batch: Batch): Float32Array {
  const lossFn = compiledLoss(model);
  return tf.tidy(() => {
    const prediction = model.predict(batch.x) as tfTypes.Tensor;
    // A loss over outputs of more than one value per sample (an image's pixels, a
    // sequence's steps) is reduced over them as the compiled loss's mean is.
    return lossFn(batch.y, prediction).reshape([batch.x.shape[0], -1]).mean(1).dataSync() as Float32Array;
  });
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

function downsample<T>(values: T[], max: number): T[] {
  if (values.length <= max) return values;
  const stride = values.length / max;
  return Array.from({ length: max }, (_, i) => values[Math.min(values.length - 1, Math.round(i * stride))]);
}
