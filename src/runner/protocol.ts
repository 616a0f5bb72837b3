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
  | { type: 'init'; workload: WorkloadSpec; backend: BackendChoice; minBatch: number }
  | { type: 'trial'; spec: TrialSpec }
  | { type: 'run'; spec: RunSpec };

export type FromChild =
  | { type: 'ready'; backend: BackendName; fallbackReason: string | null; skipped: { backend: BackendName; reason: string }[]; info: WorkloadInfo }
  | { type: 'init-error'; code: string | null; message: string }
  | { type: 'result'; trial: Trial }
  | { type: 'trial-error'; code: string | null; message: string }
  | { type: 'run-result'; run: CandidateRun }
  /** A run threw; `oom` when the error reads as out-of-memory (the process's heap may be broken). */
  | { type: 'run-error'; code: string | null; message: string; oom: boolean };
