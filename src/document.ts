/**
 * The result document, schema version 1. Field names follow DESIGN.md; they are a
 * public contract (`--json`, `--out`, `tune()`), so rename nothing without bumping
 * `schemaVersion`.
 */
export const SCHEMA_VERSION = 1;

/** The phases of a run, in order. */
export type Phase = 'hardware' | 'backend' | 'probe' | 'noise' | 'lr-range' | 'search' | 'recommend';

export type BackendName = 'tensorflow' | 'wasm' | 'cpu';

/** Optimizers autobatch can rebuild with a new learning rate. */
export const OPTIMIZER_NAMES = ['sgd', 'momentum', 'adam', 'adamax', 'rmsprop', 'adagrad', 'adadelta'] as const;
export type OptimizerName = (typeof OPTIMIZER_NAMES)[number];

/** Why the capacity probe stopped doubling. */
export type StopReason = 'memory' | 'oom' | 'throughput-plateau' | 'dataset' | 'max-batch' | 'time';

/** What became of one probe trial. */
export type TrialStatus = 'ok' | 'over-budget' | 'oom' | 'crashed' | 'error';

export interface HardwareInfo {
  cpu: { model: string; cores: number; physicalCores: number };
  memory: { totalBytes: number; availableBytes: number };
  gpus: { vendor: string; model: string; memoryBytes: number | null }[];
  os: { platform: string; distro: string; release: string; arch: string };
  node: string;
}

export interface BackendInfo {
  name: BackendName;
  /** Why backends tried before this one were skipped; null when the first choice worked. */
  fallbackReason: string | null;
}

export interface WorkloadInfo {
  name: string;
  source: 'example' | 'module' | 'saved-model' | 'data';
  parameters: number;
  trainSamples: number;
  valSamples: number;
  loss: string;
  optimizer: { name: OptimizerName; learningRate: number };
}

export interface Trial {
  batchSize: number;
  status: TrialStatus;
  /** Median time of one training step (forward, backward, update), milliseconds. */
  stepMs: number | null;
  samplesPerSec: number | null;
  /** Peak bytes held by tensors during one training step, model and optimizer included. */
  peakBytes: number | null;
  /** Resident set size of the process that ran the trial, after its steps. */
  rssBytes: number | null;
  /** Timed steps (warm-up excluded). */
  steps: number;
  /** Set when the trial failed: the error text or the signal. */
  error?: string;
  /** True when this size was found by bisecting after a memory stop. */
  bisect?: boolean;
}

export interface ProbeResult {
  trials: Trial[];
  stopReason: StopReason;
  /** Largest batch size whose trial was ok; null when none was. */
  maxFeasibleBatch: number | null;
  /** Smallest ok batch size with at least 90 % of the best throughput. */
  throughputKnee: number | null;
  /** Largest size safe to recommend: `maxFeasibleBatch`, less a margin after an out-of-memory or crash. */
  safeMaxBatch: number | null;
}

export interface NoiseEstimate {
  /** B_simple = tr(Σ)/|G|²: the batch size where gradient noise and signal are equal. */
  bSimple: number;
  /** |G|², squared norm of the true gradient. */
  gradSq: number;
  /** tr(Σ), trace of the per-sample gradient covariance. */
  traceSigma: number;
  /** Jackknife standard error of bSimple; null when it could not be computed. */
  standardError: number | null;
}

export interface NoiseResult extends NoiseEstimate {
  /** Measured once, at the initial weights, with plain (not preconditioned) gradients. */
  atInit: NoiseEstimate | null;
  /** For Adam-like optimizers: the noise scale of the preconditioned gradients. */
  preconditioned: NoiseEstimate | null;
}

export interface Candidate {
  batchSize: number;
  learningRate: number;
  valLoss: number | null;
  trainLoss: number | null;
  /** tr(Σ)/B at the candidate's final weights: the variance of its batch gradient. */
  gradientVariance: number | null;
  /** B_simple/B at its final weights; above 1, noise dominates each step. */
  noiseToSignal: number | null;
  diverged: boolean;
  steps: number;
  samplesSeen: number;
  /** Relative excess validation loss over the best candidate; null when diverged. */
  score: number | null;
  /** True when statistically tied with the best validation loss. */
  tied: boolean;
  /** Convergence speed: training loss drop per second of training. */
  lossDropPerSec: number | null;
  /** Generalization: validation loss minus training loss. */
  generalizationGap: number | null;
  /** Memory: peak tensor bytes at this size, from the probe. */
  peakBytes: number | null;
  /** Speed: samples/s at this size, from the probe. */
  samplesPerSec: number | null;
  /** Stability: standard deviation of the step-to-step change of log training loss. */
  lossVolatility: number | null;
  /** Training loss over time: [seconds, loss], at most 100 points. */
  curve: [number, number][];
}

export interface Alternative {
  batchSize: number;
  learningRate: number;
  why: string;
}

export interface WorkersAdvice {
  workers: number;
  perWorkerBatchSize: number;
  globalBatchSize: number;
  /** Learning rate for the global batch. */
  learningRate: number;
  /** Set when the global batch passes the noise scale, where scaling stops paying. */
  warning: string | null;
}

export interface Recommendation {
  batchSize: number;
  learningRate: number;
  reasons: string[];
  /** Expected throughput and memory at `batchSize`, from the probe. */
  expected: { samplesPerSec: number | null; peakBytes: number | null };
  /** (B_noise + B0)/(B_noise + B): share of the smallest candidate's per-sample progress kept. */
  statisticalEfficiency: number | null;
  alternatives: { fastest?: Alternative; lowestMemory?: Alternative; bestValLoss?: Alternative };
  workers?: WorkersAdvice;
}

export interface AutobatchDocument {
  schemaVersion: typeof SCHEMA_VERSION;
  tool: { name: 'autobatch'; version: string };
  createdAt: string;
  /** False when the run was interrupted, ran out of time, or failed part-way. */
  complete: boolean;
  /** Why `complete` is false; absent when it is true. */
  incompleteReason?: string;
  hardware: HardwareInfo | null;
  backend: BackendInfo | null;
  workload: WorkloadInfo | null;
  budget: { memoryBytes: number | null; timeSeconds: number };
  /** How the workload was put together (default model, inferred task, …). */
  notes: string[];
  /** Phases that the time budget or an interrupt cut short or skipped. */
  phasesCut: Phase[];
  probe: ProbeResult | null;
  noise: NoiseResult | null;
  lrRange: { batchSize: number; suggestion: number; points: { lr: number; loss: number }[]; ended: 'max-lr' | 'diverged' | 'time' } | null;
  candidates: Candidate[];
  /** Null when the run ended before any batch size could be recommended. */
  recommendation: Recommendation | null;
  /** Wall seconds per phase. */
  timings: Record<string, number>;
}
