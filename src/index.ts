/**
 * The public API of autobatch. Everything exported here is covered by semver; the
 * list is pinned by test/index.test.ts. Internals (the trial runners, the stopping
 * rules, the scoring, the CLI) stay unexported so they can change.
 */
import { loadTf } from './platform/tf';

/**
 * The TensorFlow.js instance autobatch uses. Build tensors and models with it (or with
 * the `@tensorflow/tfjs` your project resolves, when npm shares one copy between you).
 */
export const tf = loadTf();

export { tune } from './tune';
export { probeCapacity, type ProbeOptions, type ProbeOutcome } from './probe/probe';
export { estimateGradientNoise, findLearningRate, type FindLearningRateOptions, type GradientNoise } from './api';
export type { GradientNoiseOptions } from './noise/measure';
export type { LrRangeResult } from './lr/range-test';
export { learningRateSchedule, type ScheduleCallbackOptions, type ScheduleSource } from './lr/callback';
export { learningRateAt, linearDecaySchedule, type LearningRateSchedule, type ScheduleKind } from './lr/schedule';
export { isOutOfMemoryError } from './runner/oom';
export {
  applyPreparation,
  restoreTarget,
  type ApplyPreparationOptions,
  type PreparedData,
} from './workloads/table/apply';
export { MISSING_MARKERS } from './workloads/table/missing';
export { imageFolderDataset, type ImageFolderDatasetOptions } from './workloads/image-folder/fit-dataset';
export type { ImagePreparation } from './workloads/image-folder/preparation';
export type { Preparation, ColumnPreparation, ColumnKind, KindReason, Task } from './workloads/table/preparation';
export type { TargetStyle } from './workloads/table/tensors';
export { registerTrainingKernels, type TrainingKernels } from './kernels/register';
export type { TrialRunner, TrialSpec } from './runner/runner';
export {
  DEFAULT_OPTIONS,
  normalizeOptions,
  type TuneOptions,
  type BackendChoice,
  type ExampleName,
  type ModelFactory,
  type DataInput,
} from './options';
export type { ProgressEvent, Phase } from './progress';
export {
  SCHEMA_VERSION,
  DocumentSchema,
  type AutobatchDocument,
  type Alternative,
  type BackendInfo,
  type BackendName,
  type Candidate,
  type HardwareInfo,
  type NoiseEstimate,
  type NoiseResult,
  type ProbeResult,
  type Recommendation,
  type Horizon,
  type HorizonTrend,
  type Schedule,
  type StopReason,
  type Trial,
  type TrialStatus,
  type WorkloadInfo,
} from './document';
export { AutobatchError, BackendError, InputError, TrainingError, UsageError, type ErrorCode } from './util/errors';
