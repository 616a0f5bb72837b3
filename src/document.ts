/**
 * The result document, schema version 1. Field names follow DESIGN.md; they are a
 * public contract (`--json`, `--out`, `tune()`), so rename nothing without bumping
 * `schemaVersion`.
 */
export const SCHEMA_VERSION = 1;

export type BackendName = 'tensorflow' | 'wasm' | 'cpu';

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
  optimizer: { name: string; learningRate: number };
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
}

export interface NoiseEstimate {
  bSimple: number;
  gradSq: number;
  traceSigma: number;
}

export interface Candidate {
  batchSize: number;
  learningRate: number;
  valLoss: number | null;
  trainLoss: number | null;
  gradientVariance: number | null;
  noiseToSignal: number | null;
  diverged: boolean;
  steps: number;
  samplesSeen: number;
  score: number | null;
}

export interface Alternative {
  batchSize: number;
  learningRate: number;
  why: string;
}

export interface Recommendation {
  batchSize: number;
  learningRate: number;
  reasons: string[];
  /** Expected throughput and memory at `batchSize`, from the probe. */
  expected: { samplesPerSec: number | null; peakBytes: number | null };
  alternatives: { fastest?: Alternative; lowestMemory?: Alternative; bestValLoss?: Alternative };
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
  probe: ProbeResult | null;
  noise: (NoiseEstimate & { atInit: NoiseEstimate | null }) | null;
  lrRange: { batchSize: number; suggestion: number; points: { lr: number; loss: number }[] } | null;
  candidates: Candidate[];
  /** Null when the run ended before any batch size could be recommended. */
  recommendation: Recommendation | null;
  /** Wall seconds per phase. */
  timings: Record<string, number>;
}
