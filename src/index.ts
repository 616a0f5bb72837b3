/**
 * The public API of autobatch. Everything exported here is covered by semver; the
 * list is pinned by test/index.test.ts. Internals (the trial runner, the stopping
 * rules' constants, the CLI) stay unexported so they can change.
 */
export { tune } from './tune';
export { probeCapacity, type ProbeOptions, type ProbeOutcome } from './probe/probe';
export { isOutOfMemoryError } from './runner/oom';
export type { TrialRunner, TrialSpec } from './runner/runner';
export { DEFAULT_OPTIONS, normalizeOptions, type TuneOptions, type BackendChoice, type ExampleName } from './options';
export type { ProgressEvent, Phase } from './progress';
export {
  SCHEMA_VERSION,
  type AutobatchDocument,
  type Alternative,
  type BackendInfo,
  type BackendName,
  type Candidate,
  type HardwareInfo,
  type NoiseEstimate,
  type ProbeResult,
  type Recommendation,
  type StopReason,
  type Trial,
  type TrialStatus,
  type WorkloadInfo,
} from './document';
export { AutobatchError, BackendError, InputError, TrainingError, UsageError, type ErrorCode } from './errors';
