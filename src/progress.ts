import type { BackendName, Candidate, Phase, Trial } from './document';

export type { Phase };

/** What `onProgress` receives. */
export type ProgressEvent =
  | { type: 'phase-start'; phase: Phase }
  | { type: 'phase-end'; phase: Phase; seconds: number }
  | { type: 'backend-skipped'; backend: BackendName; reason: string }
  | { type: 'backend-selected'; backend: BackendName }
  | { type: 'trial-start'; batchSize: number; index: number; secondsLeft: number }
  | { type: 'trial-end'; trial: Trial; index: number }
  | { type: 'lr-step'; step: number; steps: number; lr: number; loss: number }
  | {
      type: 'candidate-start';
      batchSize: number;
      learningRate: number;
      /** This run's place among all the search's planned runs. */
      index: number;
      count: number;
      /** This run's training seconds; `searchSeconds`: the whole search's, evaluation included. */
      seconds: number;
      searchSeconds: number;
      round: number;
      rounds: number;
      /** The pool slot training it (null: the tuner's process) and the runs in flight, this one included. */
      process?: number | null;
      inFlight?: number;
    }
  | {
      type: 'candidate-end';
      candidate: Candidate;
      index: number;
      count: number;
      round: number;
      rounds: number;
      process?: number | null;
      /** Runs still in flight after this one. */
      inFlight?: number;
      /** Set when the run's process died: the run is that failure, the search goes on. */
      failure?: { status: 'oom' | 'crashed'; error: string };
    }
  /** The search's pool of processes started: its size and their process ids. */
  | { type: 'search-pool'; size: number; pids: number[] }
  /** Reading a data file: a few times a second while it lasts, and once at the end (`bytes === totalBytes`). */
  | { type: 'data-read'; file: string; bytes: number; totalBytes: number; rows: number }
  /** Something the user should know at once, e.g. that the budget is too small for this model. */
  | { type: 'advice'; message: string };
