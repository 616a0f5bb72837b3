import { SCHEMA_VERSION, readResult, type AutobatchDocument, type BackendName } from '../document';
import { normalizeOptions, type NormalizedOptions, type TuneOptions } from '../options';
import { sampleCpu, type CpuSample } from '../platform/cpu-load';
import type { TF } from '../platform/tf';
import { openResumption, tuningBudget, type Resumption } from '../reuse/resume';
import type { TrialRunner } from '../runner/runner';
import { TOOL_VERSION } from '../util/version';
import type { WorkloadSpec } from '../workloads/spec';
import type { Workload } from '../workloads/workload';
import { Checkpoints } from './checkpoints';

/**
 * What every phase of one tuning shares: the options, the document it writes, its clock,
 * the run it resumes and its checkpoints. What a phase measures is not here: phases hand
 * their results to the next as named inputs (see `tune`).
 */
export class Tuning {
  constructor(
    /** The options, with this run's time budget (a resumed run has what is left of the tuning's). */
    readonly opts: NormalizedOptions,
    readonly doc: AutobatchDocument,
    /** When this run started, and when its budget ends (epoch ms). */
    readonly clock: { readonly started: number; readonly end: number },
    /** What a resumed tuning takes from the run it carries on from; null for a new one. */
    readonly resumption: Resumption | null,
    /** How messages name the document resumed from. */
    readonly resumeSource: string,
    readonly checkpoints: Checkpoints,
    /** What other programs take of the cores is measured over the tuner's own run: from here. */
    readonly cpuAtStart: CpuSample,
  ) {}

  aborted(): boolean {
    return this.opts.signal?.aborted === true;
  }

  /** Adds a line to the document's notes. */
  note(line: string): void {
    this.doc.notes.push(line);
  }
}

/** What trains, once the backend is chosen: this process's TensorFlow.js and workload, and the trial runner. */
export interface Trainer {
  tf: TF;
  backend: BackendName;
  workload: Workload;
  /** The probe's trials run here: in a trial process, or in this one. */
  runner: TrialRunner;
  /** The workload as a trial process loads it: with the prepared data's file, where it was shared. */
  spec: WorkloadSpec;
}

/**
 * Starts a tuning: its options checked, the run it resumes read, its budget (the whole
 * tuning's: a resumed run has what is left of it), its clock and an empty document.
 * @throws UsageError for bad options, InputError for a document that cannot be resumed.
 */
export function openTuning(options: TuneOptions): Tuning {
  const given = normalizeOptions(options);
  const resumeSource = typeof given.resume === 'string' ? given.resume : 'the document to resume';
  const resumption = given.resume === null ? null : openResumption(typeof given.resume === 'string' ? readResult(given.resume) : given.resume, resumeSource);
  const budget = tuningBudget(resumption, given.timeBudgetSeconds, given.timeBudgetGiven);
  const opts = { ...given, timeBudgetSeconds: budget.seconds };
  const started = Date.now();
  const cpuAtStart = sampleCpu(started);
  const end = started + opts.timeBudgetSeconds * 1000;
  const doc = emptyDocument(opts);
  const checkpoints = new Checkpoints(doc, opts.onCheckpoint, budget, started, resumption?.checkpoint.queue);
  return new Tuning(opts, doc, { started, end }, resumption, resumeSource, checkpoints, cpuAtStart);
}

function emptyDocument(opts: NormalizedOptions): AutobatchDocument {
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'autobatch', version: TOOL_VERSION },
    createdAt: new Date().toISOString(),
    complete: true,
    hardware: null,
    backend: null,
    workload: null,
    budget: { memoryBytes: opts.maxMemoryBytes, timeSeconds: opts.timeBudgetSeconds },
    phasesCut: [],
    notes: [],
    probe: null,
    noise: null,
    lrRange: null,
    candidates: [],
    recommendation: null,
    timings: {},
  };
}
