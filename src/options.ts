import { BACKEND_CHOICES, type BackendChoice } from './platform/backend';
import type { HorizonOption } from './lr/horizon';
import { UsageError } from './util/errors';
import { parseQueueUrl, type QueueUrl } from './runner/queue/url';
import type { ProgressEvent } from './progress';
import type { AutobatchDocument } from './document';
import { parseBytes, parseDuration } from './util/units';
import { TASKS, type Task } from './workloads/table/preparation';
import { DEFAULT_IMAGE_SIZE, parseImageSize } from './workloads/image-folder/preparation';
import type { WorkloadSpec } from './workloads/spec';

import { EXAMPLE_NAMES, type ExampleName } from './workloads/examples/names';
import type { DataInput, ModelFactory } from './workloads/inputs';

export { EXAMPLE_NAMES, type ExampleName } from './workloads/examples/names';
export type { DataInput, ModelFactory } from './workloads/inputs';

export { BACKEND_CHOICES, type BackendChoice } from './platform/backend';

/** Options of `tune()`. The CLI's flags map onto these one to one (`src/cli/args.ts`). */
export interface TuneOptions {
  /**
   * Built-in example to tune, when neither `model` nor `data` is given.
   * @default 'mnist-mlp'
   */
  example?: ExampleName;
  /**
   * The model: a function returning a fresh `tf.LayersModel` (sync or async; compiled,
   * or give its loss through a compiled model), a module file (.js, .mjs, .cjs)
   * exporting `createModel(tf)` and `loadData(tf)`, or a saved LayersModel
   * (`model.json`, needs `data`).
   * @default a default MLP sized to `data`, or the example
   */
  model?: string | ModelFactory;
  /**
   * Training data: `{ x, y }` or `{ train: { x, y }, validation?: { x, y } }` (tensors
   * or arrays; autobatch works on copies), a .csv, .tsv, .json or .jsonl file, or a folder
   * of class sub-folders of images (streamed: see `imageSize`, `imageFolderDataset`).
   */
  data?: string | DataInput;
  /**
   * With `data` a folder of images: the size every image is resized to, `WIDTHxHEIGHT`
   * (`64x64`) or one number for a square.
   * @default '64x64'
   */
  imageSize?: string | number;
  /**
   * Label column of `data`.
   * @default the last column
   */
  label?: string;
  /**
   * Feature columns of `data`: names, or one comma-separated string.
   * @default every column but the label
   */
  features?: string | string[];
  /**
   * Columns of `data` to read as categories (one-hot), e.g. integer codes; names, or
   * one comma-separated string.
   * @default inferred: columns with text values
   */
  categorical?: string | string[];
  /**
   * Columns of `data` to read as numbers; text in them is an error.
   * @default inferred: columns whose values are all numbers
   */
  numeric?: string | string[];
  /**
   * Columns of `data` to leave out.
   * @default inferred: identifiers, constant and mostly empty columns
   */
  ignore?: string | string[];
  /**
   * The task of `data`.
   * @default inferred: classification for non-numeric labels or at most 20 distinct integers
   */
  task?: Task;
  /**
   * Standardize `data`'s numeric features, and a regression target, with the training
   * rows' mean and deviation.
   * @default true
   */
  standardize?: boolean;
  /**
   * Share of the training data held out for validation when the source gives none.
   * @default 0.2
   */
  validationSplit?: number;
  /**
   * Backend: `auto` tries tensorflow (tfjs-node), then wasm, then cpu.
   * @default 'auto'
   */
  backend?: BackendChoice;
  /**
   * Memory budget for peak tensor bytes; a number of bytes or a size such as `2GiB`.
   * @default a share of the memory the backend can use; see `defaultMemoryBudget`
   */
  maxMemory?: number | string;
  /**
   * Wall-clock budget for the whole run: seconds or a duration such as `2m`.
   * @default 120
   */
  timeBudget?: number | string;
  /** `timeBudget` in seconds, for pipelines that compute it. */
  timeBudgetSeconds?: number;
  /** `maxMemory` in bytes, for pipelines that compute it. */
  maxMemoryBytes?: number;
  /**
   * First batch size the probe tries.
   * @default 8
   */
  minBatch?: number;
  /**
   * Largest batch size the probe may try.
   * @default no limit but the training set
   */
  maxBatch?: number;
  /**
   * Seed for weights, data order and splits.
   * @default 42
   */
  seed?: number;
  /**
   * Untimed steps at the start of each trial; the last one measures peak memory.
   * @default 2
   */
  warmupSteps?: number;
  /**
   * Timed steps per trial, at least.
   * @default 5
   */
  minSteps?: number;
  /**
   * Seconds of timed steps per trial, at least.
   * @default 1
   */
  minTrialSeconds?: number;
  /**
   * A folder of cached results: a run whose model (architecture and initial weights),
   * data, hardware, backend, settings and autobatch version all match a cached
   * complete run returns that result instead of measuring again.
   * @default no cache
   */
  cache?: string;
  /**
   * With `cache`: measure again and overwrite the cached result.
   * @default false
   */
  refresh?: boolean;
  /**
   * A folder to write the model autobatch tunes to, untrained (the initial weights every
   * run started from), as a TensorFlow.js LayersModel (`model.json`, `weights.bin`),
   * before the probe starts. A folder autobatch wrote before is replaced; a file, or a
   * folder of other files, is refused.
   * @default not saved
   */
  saveModel?: string;
  /**
   * Run each capacity trial in a child process, so an out-of-memory that kills the
   * process (wasm heap, V8 heap, the kernel's OOM killer) is a measured limit instead of
   * the end of the run. Needs a workload given by files or an example.
   * @default false for the library; the CLI turns it on (`--no-isolate` turns it off)
   */
  isolate?: boolean;
  /**
   * Search runs trained side by side, each in its own process (a pool). The runs are
   * independent and each gives the same result in any process, so this changes how much
   * the search measures in its time, not how it decides given its plan. Needs a workload
   * given by files or an example; a model or data given in code trains in this process.
   * @default measured: the fewest processes that keep 90 % of the cores other programs
   * leave free busy (one wasm or cpu process keeps one core busy; tfjs-node's thread pool
   * several), fewer when the memory budget holds fewer copies of the data and model. See
   * `choosePoolSize`.
   */
  parallel?: number;
  /**
   * Run the statistical search (noise scale, LR range test, candidates) after the
   * probe. Without it the recommendation is the throughput knee at the optimizer's
   * default learning rate.
   * @default true
   */
  search?: boolean;
  /**
   * Epochs the real training run will last: the horizon the schedule and the learning
   * rates are for. Give this or `trainTime`.
   * @default 20 (`DEFAULT_OPTIONS.epochs`), stated as a default in the result
   */
  epochs?: number;
  /**
   * How long the real training run will last, in wall-clock time on this machine
   * (seconds or a duration such as `45m`): turned into steps at the recommended batch
   * size's measured throughput. Give this or `epochs`.
   */
  trainTime?: number | string;
  /**
   * Data-parallel workers: also recommend the per-worker and global batch and the
   * global batch's learning rate.
   * @default 1
   */
  workers?: number;
  /**
   * A job queue for the search's runs: `redis://[user:password@]HOST:PORT[/DB]`, or
   * `rediss://…` for TLS. The probe and the measurements before the search stay here; the
   * search's runs become BullMQ jobs that `autobatch worker --queue` processes train, on
   * this machine or others with the same hardware. A password in it is never printed or
   * written to the result. Needs a workload given by files or an example.
   * @default no queue: the search trains on this machine's pool
   */
  queue?: string;
  /**
   * With `queue`: how long to wait for a worker before the search trains here instead, and
   * for a Redis that stops answering before the search stops (seconds or a duration).
   * @default 30
   */
  queueWait?: number | string;
  /**
   * Carry on from an interrupted run: its document (or the path of its JSON), as a
   * checkpoint or an interrupt left it (`complete: false`, with a `checkpoint`). The
   * phases it finished are reused, its search's plan is kept and its finished runs are
   * not trained again. The model, data, machine, backend and settings must be the same;
   * the time budget is this run's own.
   * @default a new run
   */
  resume?: AutobatchDocument | string;
  /**
   * Called with the document so far, `complete: false`, after each phase and each of the
   * search's runs: written to a file, what a killed tuner leaves for `resume`. Called
   * synchronously; copy or write it before returning (the run goes on changing it).
   */
  onCheckpoint?: (doc: AutobatchDocument) => void;
  /** Called with progress events, for progress bars or logs. */
  onProgress?: (event: ProgressEvent) => void;
  /** Aborting ends the run early; `tune()` then returns a document with `complete: false`. */
  signal?: AbortSignal;
}

/** The defaults of `TuneOptions`, kept in one place. */
export const DEFAULT_OPTIONS = {
  example: 'mnist-mlp',
  standardize: true,
  validationSplit: 0.2,
  backend: 'auto',
  timeBudgetSeconds: 120,
  workers: 1,
  epochs: 20,
  search: true,
  isolate: false,
  minBatch: 8,
  maxBatch: Number.POSITIVE_INFINITY,
  seed: 42,
  warmupSteps: 2,
  minSteps: 5,
  minTrialSeconds: 1,
  queueWaitSeconds: 30,
  imageSize: `${DEFAULT_IMAGE_SIZE.width}x${DEFAULT_IMAGE_SIZE.height}`,
} as const;

/** `TuneOptions` with defaults applied and sizes parsed. */
export interface NormalizedOptions {
  /** Where the workload comes from, as the trial process needs it. */
  workload: WorkloadSpec;
  /** A model or data given in code: they cannot cross to a trial process. */
  inline: { model?: ModelFactory; data?: DataInput };
  backend: BackendChoice;
  /** Null: derive from the hardware and the backend once both are known. */
  maxMemoryBytes: number | null;
  timeBudgetSeconds: number;
  /** Whether the time budget was given (not the default): a resumed run otherwise has what its interrupted run had left. */
  timeBudgetGiven: boolean;
  minBatch: number;
  maxBatch: number;
  seed: number;
  warmupSteps: number;
  minSteps: number;
  minTrialSeconds: number;
  workers: number;
  /** The length of the user's training run: what the recommendation is for. */
  horizon: HorizonOption;
  search: boolean;
  isolate: boolean;
  /** Null: choose from the backend, the cores and the memory once they are known. */
  parallel: number | null;
  cache: string | null;
  refresh: boolean;
  saveModel: string | null;
  /** The search's job queue; null: this machine's pool. */
  queue: QueueUrl | null;
  queueWaitSeconds: number;
  resume: AutobatchDocument | string | null;
  onCheckpoint: ((doc: AutobatchDocument) => void) | null;
  onProgress: (event: ProgressEvent) => void;
  signal: AbortSignal | undefined;
}

/**
 * Applies defaults and checks every option.
 * @throws UsageError naming the option and the value when one is unusable.
 */
export function normalizeOptions(options: TuneOptions = {}): NormalizedOptions {
  const example = normalizeExample(options);
  const backend = options.backend ?? DEFAULT_OPTIONS.backend;
  if (!BACKEND_CHOICES.includes(backend)) {
    throw new UsageError(`backend "${backend}" is unknown; choose one of: ${BACKEND_CHOICES.join(', ')}`, { option: 'backend' });
  }
  const { minBatch, maxBatch } = normalizeBatchRange(options);
  checkDataOptions(options);
  checkGivenTwice(options);
  const { workload, inline } = normalizeWorkload(options, example);
  return {
    workload,
    inline,
    backend,
    maxMemoryBytes: parseBytesOption(options.maxMemory ?? options.maxMemoryBytes),
    timeBudgetSeconds: parseDuration(options.timeBudget ?? options.timeBudgetSeconds ?? DEFAULT_OPTIONS.timeBudgetSeconds, 'timeBudget'),
    timeBudgetGiven: options.timeBudget !== undefined || options.timeBudgetSeconds !== undefined,
    minBatch,
    maxBatch,
    seed: workload.seed,
    warmupSteps: requireInteger('warmupSteps', options.warmupSteps ?? DEFAULT_OPTIONS.warmupSteps, 1),
    minSteps: requireInteger('minSteps', options.minSteps ?? DEFAULT_OPTIONS.minSteps, 1),
    minTrialSeconds: requireNumber('minTrialSeconds', options.minTrialSeconds ?? DEFAULT_OPTIONS.minTrialSeconds, 0),
    workers: requireInteger('workers', options.workers ?? DEFAULT_OPTIONS.workers, 1),
    horizon: normalizeHorizon(options),
    search: options.search ?? DEFAULT_OPTIONS.search,
    isolate: options.isolate ?? DEFAULT_OPTIONS.isolate,
    parallel: options.parallel === undefined ? null : requireInteger('parallel', options.parallel, 1),
    cache: options.cache ?? null,
    refresh: options.refresh ?? false,
    saveModel: normalizeSaveModel(options.saveModel),
    queue: normalizeQueue(options.queue, inline),
    queueWaitSeconds: parseDuration(options.queueWait ?? DEFAULT_OPTIONS.queueWaitSeconds, 'queueWait'),
    resume: options.resume ?? null,
    onCheckpoint: options.onCheckpoint ?? null,
    onProgress: options.onProgress ?? (() => {}),
    signal: options.signal,
  };
}

/** The built-in example (the default when no model or data is given). */
function normalizeExample(options: TuneOptions): ExampleName {
  const example = options.example ?? DEFAULT_OPTIONS.example;
  if (options.example !== undefined && (options.model !== undefined || options.data !== undefined)) {
    throw new UsageError(`example cannot be combined with a model or data of your own`, { option: 'example' });
  }
  if (!EXAMPLE_NAMES.includes(example)) {
    throw new UsageError(`example "${example}" is unknown; choose one of: ${EXAMPLE_NAMES.join(', ')}`, { option: 'example' });
  }
  return example;
}

/** The smallest and largest batch sizes the probe may try. */
function normalizeBatchRange(options: TuneOptions): { minBatch: number; maxBatch: number } {
  const minBatch = requireInteger('minBatch', options.minBatch ?? DEFAULT_OPTIONS.minBatch, 1);
  const maxBatch = options.maxBatch === undefined ? DEFAULT_OPTIONS.maxBatch : requireInteger('maxBatch', options.maxBatch, 1);
  if (maxBatch < minBatch) {
    throw new UsageError(`maxBatch ${maxBatch} is below minBatch ${minBatch}`, { option: 'maxBatch' });
  }
  return { minBatch, maxBatch };
}

/** The options that only one kind of data takes: a table's (data from a file; a known task), the image size (a folder). */
function checkDataOptions(options: TuneOptions): void {
  if (options.task !== undefined && !TASKS.includes(options.task)) {
    throw new UsageError(`task "${options.task}" is unknown; choose one of: ${TASKS.join(', ')}`, { option: 'task' });
  }
  if (options.imageSize !== undefined && typeof options.data !== 'string') {
    throw new UsageError('imageSize needs data from a folder of images', { option: 'imageSize' });
  }
  const tableOption = (['label', 'features', 'categorical', 'numeric', 'ignore', 'task'] as const).find((key) => options[key] !== undefined);
  if (tableOption !== undefined && typeof options.data !== 'string') {
    throw new UsageError(`${tableOption} needs data from a file`, { option: tableOption });
  }
}

/** The options with two spellings (a string with units, a number): one may be given, not both. */
function checkGivenTwice(options: TuneOptions): void {
  if (options.timeBudget !== undefined && options.timeBudgetSeconds !== undefined) {
    throw new UsageError('timeBudget and timeBudgetSeconds were both given', { option: 'timeBudget' });
  }
  if (options.maxMemory !== undefined && options.maxMemoryBytes !== undefined) {
    throw new UsageError('maxMemory and maxMemoryBytes were both given', { option: 'maxMemory' });
  }
}

/**
 * What is trained: the workload as a trial process builds it (an example, or files, with
 * the table's and the split's settings), and a model or data given in code.
 */
function normalizeWorkload(options: TuneOptions, example: ExampleName): Pick<NormalizedOptions, 'workload' | 'inline'> {
  const inline = {
    ...(typeof options.model === 'function' ? { model: options.model } : {}),
    ...(options.data !== undefined && typeof options.data === 'object' ? { data: options.data } : {}),
  };
  if (options.model !== undefined && typeof options.model !== 'function' && typeof options.model !== 'string') {
    throw new UsageError('model must be a function returning a tf.LayersModel or a file path', { option: 'model' });
  }
  if (options.data !== undefined && typeof options.data !== 'object' && typeof options.data !== 'string') {
    throw new UsageError('data must be { x, y }, { train, validation } or a file path', { option: 'data' });
  }
  if (inline.data && typeof options.model !== 'function') {
    throw new UsageError('data given in code needs a model given in code (a function returning a tf.LayersModel)', { option: 'data' });
  }
  const validationSplit = requireNumber('validationSplit', options.validationSplit ?? DEFAULT_OPTIONS.validationSplit, 0);
  if (validationSplit <= 0 || validationSplit >= 1) {
    throw new UsageError(`validationSplit must be between 0 and 1, got ${validationSplit}`, { option: 'validationSplit' });
  }
  const seed = requireInteger('seed', options.seed ?? DEFAULT_OPTIONS.seed, 0);
  const features = columnList(options.features);
  const categorical = columnList(options.categorical);
  const numeric = columnList(options.numeric);
  const ignore = columnList(options.ignore);
  const workload: WorkloadSpec = {
    example,
    ...(typeof options.model === 'string' ? { model: options.model } : {}),
    ...(typeof options.data === 'string' ? { data: options.data } : {}),
    ...(options.imageSize === undefined ? {} : { imageSize: normalizeImageSize(options.imageSize) }),
    ...(options.label === undefined ? {} : { label: options.label }),
    ...(features === undefined ? {} : { features }),
    ...(categorical === undefined ? {} : { categorical }),
    ...(numeric === undefined ? {} : { numeric }),
    ...(ignore === undefined ? {} : { ignore }),
    ...(options.task === undefined ? {} : { task: options.task }),
    standardize: options.standardize ?? DEFAULT_OPTIONS.standardize,
    validationSplit,
    seed,
  };
  return { workload, inline };
}

function normalizeHorizon(options: TuneOptions): HorizonOption {
  if (options.epochs !== undefined && options.trainTime !== undefined) {
    throw new UsageError('the training run was given twice, as epochs (--epochs) and as trainTime (--train-time): give one');
  }
  if (options.trainTime !== undefined) return { seconds: parseDuration(options.trainTime, 'trainTime'), source: 'given' };
  if (options.epochs === undefined) return { epochs: DEFAULT_OPTIONS.epochs, source: 'default' };
  if (typeof options.epochs !== 'number' || !Number.isFinite(options.epochs) || options.epochs <= 0) {
    throw new UsageError(`epochs must be a positive number, got ${JSON.stringify(options.epochs)}`, { option: 'epochs' });
  }
  return { epochs: options.epochs, source: 'given' };
}

function normalizeImageSize(value: unknown): { width: number; height: number } {
  try {
    return parseImageSize(value as string);
  } catch (err) {
    throw new UsageError(`imageSize: ${(err as Error).message}`, { option: 'imageSize' });
  }
}

function normalizeSaveModel(value: unknown): string | null {
  if (value === undefined) return null;
  if (typeof value !== 'string' || value.trim() === '') {
    throw new UsageError(`saveModel must be a folder path, got ${JSON.stringify(value)}`, { option: 'saveModel' });
  }
  return value;
}

function normalizeQueue(value: unknown, inline: { model?: unknown; data?: unknown }): QueueUrl | null {
  if (value === undefined) return null;
  if (typeof value !== 'string') throw new UsageError('queue must be a redis:// or rediss:// URL', { option: 'queue' });
  if (inline.model || inline.data) throw new UsageError('queue needs a workload given by files or an example: a model or data given in code cannot cross to a worker', { option: 'queue' });
  return parseQueueUrl(value);
}

function parseBytesOption(value: number | string | undefined): number | null {
  return value === undefined ? null : parseBytes(value, 'maxMemory');
}

function requireInteger(name: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new UsageError(`${name} must be an integer of at least ${min}, got ${JSON.stringify(value)}`, { option: name });
  }
  return value;
}

function requireNumber(name: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    throw new UsageError(`${name} must be a number of at least ${min}, got ${JSON.stringify(value)}`, { option: name });
  }
  return value;
}

/** Column names from a list or one comma-separated string. */
function columnList(value: string | readonly string[] | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  return (typeof value === 'string' ? value.split(',') : [...value]).map((name) => name.trim()).filter(Boolean);
}
