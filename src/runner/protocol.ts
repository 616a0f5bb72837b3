import type { BackendName, Trial, WorkloadInfo } from '../document';
import type { BackendChoice } from '../options';
import type { WorkloadSpec } from '../workloads/spec';
import type { TrialSpec } from './runner';

/** Messages between the tuner and its trial process (IPC, JSON-serialized). */
export type ToChild =
  | { type: 'init'; workload: WorkloadSpec; backend: BackendChoice; minBatch: number }
  | { type: 'trial'; spec: TrialSpec };

export type FromChild =
  | { type: 'ready'; backend: BackendName; fallbackReason: string | null; skipped: { backend: BackendName; reason: string }[]; info: WorkloadInfo }
  | { type: 'init-error'; code: string | null; message: string }
  | { type: 'result'; trial: Trial }
  | { type: 'trial-error'; code: string | null; message: string };
