import type { BackendName, Trial } from './document';

/** The phases of a run, in order. */
export type Phase = 'hardware' | 'backend' | 'probe' | 'recommend';

/** What `onProgress` receives. */
export type ProgressEvent =
  | { type: 'phase-start'; phase: Phase }
  | { type: 'phase-end'; phase: Phase; seconds: number }
  | { type: 'backend-skipped'; backend: BackendName; reason: string }
  | { type: 'backend-selected'; backend: BackendName }
  | { type: 'trial-start'; batchSize: number; index: number; secondsLeft: number }
  | { type: 'trial-end'; trial: Trial; index: number };
