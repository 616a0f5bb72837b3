/**
 * Every error autobatch throws on purpose carries a stable `code`. Only the CLI maps
 * codes to exit statuses (see `src/cli/exit-codes.ts`); the library just throws.
 */
export type ErrorCode =
  /** A flag or option has a value autobatch cannot use. */
  | 'E_USAGE'
  /** A file, data set or model the user supplied is unusable. */
  | 'E_INPUT'
  /** No TensorFlow.js backend could run the model's training step. */
  | 'E_BACKEND'
  /** Training failed for a reason other than running out of memory. */
  | 'E_TRAINING'
  /** `autobatch setup` could not finish: a tool it needs is missing, or a download or build failed. */
  | 'E_SETUP'
  /** The job queue (Redis) could not be reached or was lost. */
  | 'E_QUEUE';

export class AutobatchError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A bad flag or option value. */
export class UsageError extends AutobatchError {
  /** The `TuneOptions` field at fault, when one is; its name starts the message. */
  readonly option?: string;

  constructor(message: string, options?: { cause?: unknown; option?: string }) {
    super('E_USAGE', message, options);
    this.option = options?.option;
  }
}

/** A bad input file, data set or model. */
export class InputError extends AutobatchError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('E_INPUT', message, options);
  }
}

/** No backend could train the model; `message` lists why each one was skipped. */
export class BackendError extends AutobatchError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('E_BACKEND', message, options);
  }
}

/** A training step failed with an error that is not an out-of-memory. */
export class TrainingError extends AutobatchError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('E_TRAINING', message, options);
  }
}

/** `autobatch setup` could not finish; `message` says which step failed and what to do. */
export class SetupError extends AutobatchError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('E_SETUP', message, options);
  }
}

/** The job queue's Redis could not be reached, or was lost for longer than the stated wait. */
export class QueueError extends AutobatchError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('E_QUEUE', message, options);
  }
}

/** The message of anything thrown, without its stack. */
export function describeError(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
