import type { BackendName, Trial, WorkloadInfo } from '../document';
import type { BackendChoice } from '../platform/backend';
import type { WorkloadSpec } from '../workloads/spec';
import type { CandidateRun, RunSpec } from './run-spec';
import type { TrialSpec } from './runner';

/**
 * Messages between the tuner and its trial processes (IPC, Node's "advanced"
 * serialization: structured clone, so typed arrays and NaN cross intact).
 */
export type ToChild =
  /** Sent at once to a process started early: load TensorFlow.js and activate the first backend that activates. */
  | { type: 'warm'; backend: BackendChoice }
  | { type: 'init'; workload: WorkloadSpec; backend: BackendChoice; minBatch: number }
  | { type: 'trial'; spec: TrialSpec }
  | { type: 'run'; spec: RunSpec }
  /** The workload's fingerprint (a queue worker checks it against the tuner's). */
  | { type: 'fingerprint' };

/** Seconds a trial process took to start, as it measured them (see the document's `timings`). */
export interface StartTimings {
  /** From its start to ready for its workload: Node, autobatch's modules, TensorFlow.js, and (started early) the first backend activated. */
  processStart: number;
  /** Loading its data: the prepared file read and checked (or the source loaded, without one). */
  dataLoad: number;
  /** Picking the backend: activating each tried and one training step on it, its data load aside. */
  backendCheck: number;
}

export type FromChild =
  | { type: 'ready'; backend: BackendName; fallbackReason: string | null; skipped: { backend: BackendName; reason: string }[]; info: WorkloadInfo; timings: StartTimings }
  | { type: 'init-error'; code: string | null; message: string }
  | { type: 'result'; trial: Trial }
  | { type: 'trial-error'; code: string | null; message: string }
  | { type: 'run-result'; run: CandidateRun }
  | { type: 'fingerprint'; fingerprint: string }
  /** A run threw; `oom` when the error reads as out-of-memory (the process's heap may be broken). */
  | { type: 'run-error'; code: string | null; message: string; oom: boolean };
