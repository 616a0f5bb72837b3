import type { Candidate, NoiseEstimate, ProbeResult, Trial } from '../document';
import { scaleLearningRate } from '../lr/scaling';
import { combineNoise, type NoiseEstimateWithError } from '../noise/estimator';
import type { ProgressEvent } from '../progress';
import type { TF } from '../tf';
import type { OptimizerSpec, Workload } from '../workloads/workload';
import { chooseCandidates } from './candidates';
import { scoreCandidates, statisticalEfficiency, type ScoreResult } from './score';
import { trainCandidate, type CandidateRun } from './train-candidate';

export interface SearchOptions {
  probe: ProbeResult;
  /** Plain noise scale at the initial weights: places candidates and scales their learning rates. */
  noiseAtInit: NoiseEstimate | null;
  /** Learning rate found at `referenceBatch` by the LR range test (or the optimizer's default). */
  referenceLr: number;
  referenceBatch: number;
  optimizer: OptimizerSpec;
  count: number;
  trainSeconds: number;
  /** Largest batch to train or evaluate at: the probe's safe maximum. */
  maxBatch: number;
  seed: number;
  precondition: boolean;
  signal?: AbortSignal;
  onProgress?: (event: ProgressEvent) => void;
}

export interface SearchOutcome {
  candidates: Candidate[];
  score: ScoreResult | null;
  /** Noise at the candidates' final weights, averaged (numerators and denominators apart). */
  noise: NoiseEstimate | null;
  preconditioned: NoiseEstimate | null;
  /** The noise scale used for goodput and efficiency: at the end of training if measured, else at init. */
  bNoise: number | null;
}

/**
 * The short search: a few batch sizes, each trained from the same initial weights for
 * the same wall-clock time with its own learning rate, then scored on validation loss.
 */
export async function searchBatchSizes(tf: TF, workload: Workload, options: SearchOptions): Promise<SearchOutcome> {
  const ok = options.probe.trials.filter((t) => t.status === 'ok');
  const sizes = chooseCandidates(
    ok.map((t) => t.batchSize).filter((b) => b <= options.maxBatch),
    Math.min(options.probe.throughputKnee!, options.maxBatch),
    options.noiseAtInit?.bSimple ?? null,
    options.count,
  );
  const bNoiseInit = options.noiseAtInit?.bSimple ?? 0;
  const runs: CandidateRun[] = [];
  const candidates: Candidate[] = [];
  for (const [index, batchSize] of sizes.entries()) {
    if (options.signal?.aborted) break;
    const learningRate = scaleLearningRate(options.referenceLr, options.referenceBatch, batchSize, bNoiseInit, options.optimizer.name);
    options.onProgress?.({ type: 'candidate-start', batchSize, learningRate, index, count: sizes.length, seconds: options.trainSeconds });
    const run = await trainCandidate(tf, workload, {
      batchSize,
      learningRate,
      seconds: options.trainSeconds,
      seed: options.seed,
      precondition: options.precondition,
      maxBatch: options.maxBatch,
      signal: options.signal,
    });
    runs.push(run);
    const candidate = toCandidate(run, ok.find((t) => t.batchSize === batchSize));
    candidates.push(candidate);
    options.onProgress?.({ type: 'candidate-end', candidate, index, count: sizes.length });
  }

  const measured = runs.filter((r) => r.noise !== null);
  const noise = measured.length ? summarize(measured.map((r) => r.noise!.plain)) : null;
  const preconditionedRuns = measured.filter((r) => r.noise!.preconditioned !== null);
  const preconditioned = preconditionedRuns.length ? summarize(preconditionedRuns.map((r) => r.noise!.preconditioned!)) : null;
  const bNoise = noise?.bSimple ?? options.noiseAtInit?.bSimple ?? null;
  const smallest = Math.min(...runs.map((r) => r.batchSize));
  const throughput = (b: number) => ok.find((t) => t.batchSize === b)?.samplesPerSec ?? 0;
  const goodput = (b: number) => throughput(b) * (bNoise === null ? 1 : statisticalEfficiency(b, smallest, bNoise));
  const score = scoreCandidates(runs.map((r) => ({ batchSize: r.batchSize, valLosses: r.valLosses, goodput: goodput(r.batchSize) })));

  candidates.forEach((candidate, i) => {
    candidate.score = score?.scores[i] ?? null;
    candidate.tied = score?.tied.includes(i) ?? false;
  });
  return { candidates, score, noise, preconditioned, bNoise };
}

/** A candidate's record, before scoring. */
function toCandidate(r: CandidateRun, trial: Trial | undefined): Candidate {
  return {
    batchSize: r.batchSize,
    learningRate: r.learningRate,
    valLoss: r.valLoss,
    trainLoss: r.trainLoss,
    gradientVariance: r.noise ? r.noise.plain.traceSigma / r.batchSize : null,
    noiseToSignal: r.noise ? r.noise.plain.bSimple / r.batchSize : null,
    diverged: r.diverged,
    steps: r.steps,
    samplesSeen: r.samplesSeen,
    score: null,
    tied: false,
    lossDropPerSec: r.diverged ? null : r.lossDropPerSec,
    generalizationGap: r.valLoss !== null && r.trainLoss !== null ? r.valLoss - r.trainLoss : null,
    peakBytes: trial?.peakBytes ?? null,
    samplesPerSec: trial?.samplesPerSec ?? null,
    lossVolatility: r.lossVolatility,
    curve: r.curve,
  };
}

/**
 * Averages measurements taken at different weights (parts apart, then divides). Its
 * standard error is a leave-one-out jackknife over the measurements: the spread of the
 * estimate across the candidates' weights, not within one measurement.
 */
export function summarize(estimates: readonly NoiseEstimateWithError[]): NoiseEstimate {
  const combined = combineNoise(estimates);
  const n = estimates.length;
  if (n < 3) return { ...combined, standardError: n === 1 ? estimates[0].standardError : null };
  const leaveOut = estimates.map((_, i) => combineNoise(estimates.filter((__, j) => j !== i)).bSimple);
  const mean = leaveOut.reduce((a, b) => a + b, 0) / n;
  const standardError = Math.sqrt(((n - 1) / n) * leaveOut.reduce((a, v) => a + (v - mean) ** 2, 0));
  return { ...combined, standardError };
}
