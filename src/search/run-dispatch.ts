import type { Candidate, Trial } from '../document';
import { epochSteps } from '../lr/horizon';
import type { ProgressEvent } from '../progress';
import { dispatchInOrder } from '../runner/dispatch';
import type { CandidateRun, RunOutcome, RunSpec, RunWorker } from '../runner/run-spec';
import { evaluationRowSeconds, evaluationRows, evaluationSeconds } from './evaluation-cost';
import type { SearchJournal } from './journal';
import type { PlannedRound } from './plan';

/**
 * How the search's runs are trained and costed: each run's steps and wall-time cap from
 * its rung's length, the deadline every run must end by (at the step times measured so
 * far, slowed as the runs have shown, and what a run costs besides training), the
 * workers runs go to in order, the journal of a resumed search, and the progress events.
 * The search decides what to train; this trains it.
 */

/** How far past the search's deadline a run may be expected to end: part of the reserve kept after it. */
export const DEADLINE_GRACE_MS = 1000;

/**
 * A run of a round in epochs may take this many times its expected time before its
 * wall-time cap ends it: every size must train the same epochs, so the cap is only a
 * guard against a stalled machine; the deadline check keeps runs that cannot end from starting.
 */
export const EPOCH_OVERRUN = 3;

/** How far past its slot a candidate may run when the machine slows down mid-search. */
export const SLOT_OVERRUN = 1.5;

/**
 * On a pool of several processes, the slot's overrun is stretched by this much more:
 * processes side by side slow each other (two wasm processes on this 2-core machine
 * each trained 15–20 % slower than one alone, in `bench/`), and that slowdown must not use
 * up the margin meant for a machine that got busier, or more runs would be cut short of
 * their step count on a pool than alone.
 */
export const POOL_OVERRUN = 4 / 3;

/**
 * Equal training time for every candidate, as a step count from the step time the probe
 * measured: every candidate gets the time it would take on a quiet machine, and a busy
 * moment during one candidate no longer decides the comparison. The slot's wall time,
 * stretched by `SLOT_OVERRUN`, still caps it; without a measured step time, wall time
 * alone decides. `overrun`: `SLOT_OVERRUN`, times `POOL_OVERRUN` on a pool.
 */
export function equalTime(seconds: number, stepMs: number | null, overrun = SLOT_OVERRUN): { seconds: number; steps?: number } {
  if (stepMs === null || !(stepMs > 0)) return { seconds };
  return { seconds: overrun * seconds, steps: Math.max(2, Math.round((seconds * 1000) / stepMs)) };
}

export interface DispatcherOptions {
  workers: readonly RunWorker[];
  /** The probe's ok trials: each size's step time. */
  trials: readonly Trial[];
  maxBatch: number;
  trainSamples: number;
  valSamples: number;
  deadline?: number;
  signal?: AbortSignal;
  journal?: SearchJournal;
  onProgress?: (event: ProgressEvent) => void;
  /** The search's runs planned in all, and its seconds: for the progress events. */
  runsPlanned: number;
  searchSeconds: number;
}

/** A run as dispatched: its spec, and what the search files it under. */
export interface Job {
  spec: RunSpec;
  /** The configuration's key (see `configKey`). */
  config: string;
}

/** What a dispatched job gave: its outcome (undefined: not started), and whether a resumed search reused it. */
export interface Dispatched {
  job: Job;
  outcome: RunOutcome | undefined;
  reused: boolean;
}

export class RunDispatcher {
  /** True once a run could not start by the deadline: the search is cut. */
  cut = false;
  steps = 0;
  failures = 0;
  runsDone = 0;
  private index = 0;
  private evaluatedRows = 0;
  private evaluatingSeconds = 0;
  private otherSeconds = 0;
  private trainedSeconds = 0;
  private expectedTrainSeconds = 0;
  private readonly probeRowSeconds: number | null;

  constructor(private readonly options: DispatcherOptions) {
    this.probeRowSeconds = evaluationRowSeconds(options.trials, options.maxBatch);
  }

  get parallel(): number {
    return this.options.workers.length;
  }

  private stepMsOf(b: number): number | null {
    return this.options.trials.find((t) => t.batchSize === b && t.status === 'ok')?.stepMs ?? null;
  }

  /** Seconds to evaluate one row: as measured by the runs so far, else costed from the probe. */
  rowSeconds(): number | null {
    return this.evaluatedRows > 0 ? this.evaluatingSeconds / this.evaluatedRows : this.probeRowSeconds;
  }

  /** Validation rows a run of `trainSeconds` is measured on (see `evaluationRows`). */
  rowsFor(trainSeconds: number): number {
    return evaluationRows(trainSeconds, this.rowSeconds(), this.options.valSamples);
  }

  /** What a run of `trainSeconds` costs besides training: its evaluation, and the rest as measured so far. */
  overheadFor = (trainSeconds: number): number =>
    evaluationSeconds(this.rowsFor(trainSeconds), this.options.trainSamples, this.rowSeconds()) + (this.runsDone ? this.otherSeconds / this.runsDone : 0);

  /**
   * How much slower runs train than the probe's lone step times said: processes side by
   * side slow each other (15-20 % on 2 cores), and a machine can get busier. Runs keep
   * their step counts; the time they take is what the rounds left and the deadline see.
   */
  slowdown(): number {
    return this.expectedTrainSeconds > 0 ? Math.max(1, this.trainedSeconds / this.expectedTrainSeconds) : 1;
  }

  /** A run's steps and wall-time cap: its round's length in the horizon's unit, or its training seconds. */
  lengthOf(spec: PlannedRound, b: number): { seconds: number; steps?: number } {
    const stepMs = this.stepMsOf(b) ?? this.interpolatedStepMs(b);
    if (spec.length?.unit === 'epochs') {
      const runSteps = epochSteps(spec.length.value, this.options.trainSamples, b);
      // Every size trains the same epochs: a busy machine may slow a run, never shorten it, short of a stall.
      return { steps: runSteps, seconds: stepMs ? EPOCH_OVERRUN * ((runSteps * stepMs) / 1000) + 2 : Number.POSITIVE_INFINITY };
    }
    const overrun = this.parallel > 1 ? SLOT_OVERRUN * POOL_OVERRUN : SLOT_OVERRUN;
    return equalTime(spec.length?.value ?? spec.trainSeconds, stepMs, overrun);
  }

  /** A size the probe skipped (the default's 32 between 16 and 64): its step time between its neighbours'. */
  private interpolatedStepMs(b: number): number | null {
    const ok = this.options.trials.filter((t) => t.status === 'ok' && t.stepMs !== null).sort((p, q) => p.batchSize - q.batchSize);
    if (!ok.length) return null;
    const below = [...ok].reverse().find((t) => t.batchSize <= b) ?? ok[0];
    const above = ok.find((t) => t.batchSize >= b) ?? ok[ok.length - 1];
    if (below.batchSize === above.batchSize) return below.stepMs! * (b / below.batchSize);
    return below.stepMs! + ((b - below.batchSize) / (above.batchSize - below.batchSize)) * (above.stepMs! - below.stepMs!);
  }

  /** A run's expected seconds: its steps at the probe's step time, slowed as measured so far, and what it costs besides training. */
  expectedSeconds(job: RunSpec, spec: PlannedRound): number {
    const stepMs = this.stepMsOf(job.batchSize) ?? this.interpolatedStepMs(job.batchSize) ?? 0;
    return (((job.steps ?? 0) * stepMs) / 1000) * this.slowdown() + this.overheadFor(spec.trainSeconds);
  }

  /** Whether `jobs`, in waves on the workers, would end by the deadline (runs a resumed search finished cost nothing). */
  fits(jobs: readonly RunSpec[], spec: PlannedRound): boolean {
    if (this.options.deadline === undefined) return true;
    const fresh = jobs.filter((job) => !this.options.journal?.has(job));
    if (!fresh.length) return true;
    const expected = Math.ceil(fresh.length / this.parallel) * Math.max(...fresh.map((job) => this.expectedSeconds(job, spec)));
    return Date.now() + expected * 1000 <= this.options.deadline - DEADLINE_GRACE_MS;
  }

  /**
   * Trains `jobs` in order across the workers; a run that cannot end by the deadline (and
   * a second of the reserve after it) is not started, and the search is cut from then on.
   * `optional` runs (the top rung's edge waves and race) that cannot end by then are not
   * started either, but they cut nothing: the search had what it planned.
   */
  async dispatch(jobs: readonly Job[], spec: PlannedRound, round: number, rounds: number, optional = false): Promise<Dispatched[]> {
    const { options } = this;
    const first = this.index;
    const started = new Map<number, number>();
    // Runs a resumed tuning's previous search finished: their outcomes, and the wall time they took then.
    const reusedSeconds = new Map<RunSpec, number>();
    const reuseOrRun = (worker: RunWorker) => async (job: Job) => {
      const reused = options.journal?.reuse(job.spec);
      if (!reused) return worker.run(job.spec, options.signal);
      reusedSeconds.set(job.spec, reused.seconds);
      return reused.outcome;
    };
    let inFlight = 0;
    const count = () => Math.max(options.runsPlanned, first + jobs.length);
    const outcomes = await dispatchInOrder(jobs, options.workers.map(reuseOrRun), {
      mayStart: (i) => {
        if (options.signal?.aborted) return false;
        // A run finished before costs nothing: the deadline does not hold it back.
        if (options.journal?.has(jobs[i].spec)) return true;
        if (this.cut) return false;
        const late = options.deadline !== undefined && Date.now() + this.expectedSeconds(jobs[i].spec, spec) * 1000 > options.deadline + DEADLINE_GRACE_MS;
        if (late && !optional) this.cut = true;
        return !late;
      },
      onStart: (i, w) => {
        started.set(i, performance.now());
        inFlight++;
        const { batchSize, learningRate } = jobs[i].spec;
        options.onProgress?.({
          type: 'candidate-start', batchSize, learningRate, index: first + i, count: count(), seconds: spec.trainSeconds, searchSeconds: options.searchSeconds, round, rounds,
          process: options.workers[w].slot, inFlight,
        });
      },
      onEnd: (i, outcome, w) => {
        inFlight--;
        const wallSeconds = reusedSeconds.get(jobs[i].spec) ?? (performance.now() - started.get(i)!) / 1000;
        this.account(jobs[i].spec, outcome, wallSeconds);
        options.onProgress?.({
          type: 'candidate-end', candidate: progressCandidate(jobs[i].spec, outcome, round), index: first + i, count: count(), round, rounds,
          process: options.workers[w].slot, inFlight, ...(outcome.failure ? { failure: outcome.failure } : {}),
        });
      },
    });
    this.index += outcomes.filter((o) => o !== undefined).length;
    return jobs.map((job, i) => ({ job, outcome: outcomes[i], reused: reusedSeconds.has(job.spec) }));
  }

  /** A run's costs into the model of what runs cost: evaluation per row, the rest, the slowdown. */
  private account(job: RunSpec, outcome: RunOutcome, wallSeconds: number): void {
    this.runsDone++;
    this.options.journal?.record(job, outcome, wallSeconds);
    if (!outcome.run) {
      this.failures++;
      return;
    }
    const { trainSeconds, evaluationSeconds: evaluating = 0, valLosses } = outcome.run;
    this.steps += outcome.run.steps;
    this.otherSeconds += Math.max(0, wallSeconds - trainSeconds - evaluating);
    if (valLosses && evaluating > 0) {
      this.evaluatedRows += valLosses.length + Math.min(valLosses.length, this.options.trainSamples);
      this.evaluatingSeconds += evaluating;
    }
    const stepMs = this.stepMsOf(job.batchSize);
    if (stepMs && outcome.run.steps > 0) {
      this.trainedSeconds += outcome.run.trainSeconds;
      this.expectedTrainSeconds += (outcome.run.steps * stepMs) / 1000;
    }
  }
}

/** The progress record of a finished run (a run whose process died: no training, no loss). */
function progressCandidate(job: RunSpec, outcome: RunOutcome, round: number): Candidate {
  const r: CandidateRun | undefined = outcome.run;
  return {
    round, runs: [], batchSize: job.batchSize, learningRate: job.learningRate, valLoss: r?.valLoss ?? null, trainLoss: r?.trainLoss ?? null,
    gradientVariance: r?.noise ? r.noise.plain.traceSigma / r.batchSize : null, noiseToSignal: null, diverged: r?.diverged ?? false,
    steps: r?.steps ?? 0, samplesSeen: r?.samplesSeen ?? 0, score: null, tied: false, lossDropPerSec: r && !r.diverged ? r.lossDropPerSec : null,
    generalizationGap: r && r.valLoss !== null && r.trainLoss !== null ? r.valLoss - r.trainLoss : null, peakBytes: null, samplesPerSec: null,
    lossVolatility: r?.lossVolatility ?? null, curve: r?.curve ?? [],
  };
}
