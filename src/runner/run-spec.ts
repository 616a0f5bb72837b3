import type { GradientNoiseResult } from '../noise/measure';
import type { ScheduleKind } from '../lr/schedule';
import type { FoldSpec } from '../workloads/folds';

/*
 * What one training run of the search is, and what it gives back, in plain data: a run
 * crosses to a pool process as this spec and its result comes back over IPC (structured
 * clone: the Float32Array of validation losses and non-finite losses survive).
 */

export interface CandidateRunOptions {
  batchSize: number;
  /** The rate, or with `schedule: 'linear-decay'` the schedule's peak. */
  learningRate: number;
  /**
   * How the rate moves over the run: `linear-decay` is the recommended schedule (see
   * `linearDecaySchedule`) compressed to `steps`, so the peak a short run picks is the
   * peak of the long run's schedule. Needs `steps`; without it, constant.
   * @default 'constant'
   */
  schedule?: ScheduleKind;
  /**
   * Wall-clock seconds of training; with `steps`, a cap only (a step count planned
   * from a throughput measured earlier can run long on a machine that got busier).
   */
  seconds: number;
  /**
   * Train exactly this many steps (unless `seconds` runs out first): equal time in
   * expectation, yet the result does not depend on how busy the machine was.
   */
  steps?: number;
  /** Same seed for every candidate: the same data order. */
  seed: number;
  /** Measure the Adam-preconditioned noise scale too. */
  precondition: boolean;
  /** Largest batch for evaluation and the noise measurement. */
  maxBatch: number;
  /** Measure the noise scale at the final weights. @default true */
  measureNoise?: boolean;
  /** Gradients (K) of that measurement. @default 64 */
  noiseBatches?: number;
  /**
   * Validation rows the run's losses are measured on (and as many training rows): a
   * seeded sample, the same for every run with this seed (see `evaluationSample`).
   * @default all of them
   */
  evaluationRows?: number;
  /**
   * Seed of that sample: runs of several data orders (`seed`) are measured on the same rows.
   * @default seed
   */
  evaluationSeed?: number;
  /**
   * Train and evaluate on this fold of the user's rows (cross-validation on small data:
   * see `foldData`) instead of the workload's own split; evaluated on all its rows.
   * @default the workload's split
   */
  fold?: FoldSpec;
  signal?: AbortSignal;
}

export interface CandidateRun {
  batchSize: number;
  learningRate: number;
  steps: number;
  samplesSeen: number;
  trainSeconds: number;
  diverged: boolean;
  /** Training loss per step, downsampled to at most 100 points: [seconds, loss]. */
  curve: [number, number][];
  firstLoss: number;
  lossDropPerSec: number | null;
  lossVolatility: number | null;
  /** Per-sample validation losses at the end; null when diverged. */
  valLosses: Float32Array | null;
  valLoss: number | null;
  /** Loss on as many training samples as validation samples evaluated, at the end. */
  trainLoss: number | null;
  /** Seconds the evaluation of both took; absent when diverged before it. */
  evaluationSeconds?: number;
  /** Gradient noise at the final weights; null when diverged. */
  noise: GradientNoiseResult | null;
}


/** A run's spec as it crosses to a process: everything but the abort signal. */
export type RunSpec = Omit<CandidateRunOptions, 'signal'>;

/** How a run whose process died ended: `oom` or `crashed`, as `classifyChildExit` says. */
export interface RunFailure {
  status: 'oom' | 'crashed';
  error: string;
}

/**
 * What became of one run: its result, or the death of the process that ran it. `process`
 * is the pool slot that ran it (null: the tuner's own process) and `pid` that process.
 */
export type RunOutcome = ({ run: CandidateRun; failure?: undefined } | { run?: undefined; failure: RunFailure }) & {
  process: number | null;
  pid: number | null;
  /** On a job queue: the worker that trained it (`host:pid`). */
  worker?: string;
  /** On a job queue: how often the run started again elsewhere after its worker died mid-run. */
  retries?: number;
};

/** Something that trains runs one at a time: the tuner's process, or one process of a pool. */
export interface RunWorker {
  /** The pool slot, or null for the tuner's own process. */
  readonly slot: number | null;
  /**
   * Trains one run. A process that dies is the run's `failure`, never a throw; any other
   * failure throws. Once `signal` aborts: in-process, the run ends after the current step;
   * in a pool, its process is killed and this rejects with `TrialAbortedError`.
   */
  run(spec: RunSpec, signal?: AbortSignal): Promise<RunOutcome>;
}
