import type { Options } from 'yargs';
import { UsageError } from '../util/errors';
import { BACKEND_CHOICES, DEFAULT_OPTIONS, EXAMPLE_NAMES, type TuneOptions } from '../options';
import { TASKS } from '../workloads/table/preparation';

/** The `TuneOptions` a flag can set: every one but the callbacks and the numeric twins of `timeBudget` and `maxMemory`. */
type FlagOptionKey = Exclude<keyof TuneOptions, 'onProgress' | 'onCheckpoint' | 'signal' | 'timeBudgetSeconds' | 'maxMemoryBytes'>;

interface FlagSpec {
  flag: string;
  yargs: Options;
}

/**
 * One flag for every `TuneOptions` field. Keyed by the option, so adding an option
 * without a flag (or the reverse) fails to compile: the CLI and the library cannot drift.
 * Defaults are shown, not applied: `normalizeOptions` applies them, once, for both.
 */
export const TUNE_FLAGS: Record<FlagOptionKey, FlagSpec> = {
  example: {
    flag: 'example',
    yargs: { type: 'string', choices: EXAMPLE_NAMES, describe: 'Built-in example workload, when neither --model nor --data is given', defaultDescription: DEFAULT_OPTIONS.example },
  },
  model: {
    flag: 'model',
    yargs: { type: 'string', describe: 'Your model: a module exporting createModel(tf) and loadData(tf), or a saved model.json (with --data)' },
  },
  data: {
    flag: 'data',
    yargs: {
      type: 'string',
      describe: 'Training data: .csv, .tsv, .txt, .data, .json or .jsonl (without --model a default MLP is sized to it), or a folder of class sub-folders of images (a default CNN)',
    },
  },
  imageSize: {
    flag: 'image-size',
    yargs: { type: 'string', describe: 'With --data DIR, a folder of images: the size they are resized to, WIDTHxHEIGHT', defaultDescription: DEFAULT_OPTIONS.imageSize },
  },
  label: {
    flag: 'label',
    yargs: { type: 'string', describe: 'Label column of --data', defaultDescription: 'the last column' },
  },
  features: {
    flag: 'features',
    yargs: { type: 'string', describe: 'Feature columns of --data, comma-separated', defaultDescription: 'all but the label' },
  },
  categorical: {
    flag: 'categorical',
    yargs: { type: 'string', describe: 'Columns of --data to read as categories (one-hot), comma-separated', defaultDescription: 'columns with text' },
  },
  numeric: {
    flag: 'numeric',
    yargs: { type: 'string', describe: 'Columns of --data to read as numbers, comma-separated', defaultDescription: 'columns of numbers' },
  },
  ignore: {
    flag: 'ignore',
    yargs: { type: 'string', describe: 'Columns of --data to leave out, comma-separated', defaultDescription: 'identifiers, constant, mostly empty' },
  },
  task: {
    flag: 'task',
    yargs: { type: 'string', choices: TASKS, describe: 'Task of --data', defaultDescription: 'inferred from the label' },
  },
  standardize: {
    flag: 'standardize',
    yargs: { type: 'boolean', describe: 'Standardize the numeric features and a regression target of --data (--no-standardize: leave them)', defaultDescription: 'true' },
  },
  validationSplit: {
    flag: 'val-split',
    yargs: { type: 'string', describe: 'Share held out for validation when the data has no validation part', defaultDescription: String(DEFAULT_OPTIONS.validationSplit) },
  },
  backend: {
    flag: 'backend',
    yargs: {
      type: 'string',
      choices: BACKEND_CHOICES,
      describe: 'TensorFlow.js backend; auto tries tensorflow (tfjs-node), then wasm, then cpu',
      defaultDescription: DEFAULT_OPTIONS.backend,
    },
  },
  maxMemory: {
    flag: 'max-memory',
    yargs: {
      type: 'string',
      describe: 'Memory budget for peak tensor bytes: bytes or a size such as 512MiB, 2GB',
      defaultDescription: 'half the free RAM; wasm: at most 2 GiB',
    },
  },
  timeBudget: {
    flag: 'time-budget',
    yargs: { type: 'string', describe: 'Wall-clock budget for the whole run, shared by the phases: 90, 90s, 2m, 1m30s', defaultDescription: `${DEFAULT_OPTIONS.timeBudgetSeconds}s` },
  },
  minBatch: {
    flag: 'min-batch',
    yargs: { type: 'string', describe: 'First batch size the probe tries', defaultDescription: String(DEFAULT_OPTIONS.minBatch) },
  },
  maxBatch: {
    flag: 'max-batch',
    yargs: { type: 'string', describe: 'Largest batch size the probe may try (tried itself if the doubling passes it)', defaultDescription: 'the training set size' },
  },
  seed: {
    flag: 'seed',
    yargs: { type: 'string', describe: 'Seed for weights, data order and splits', defaultDescription: String(DEFAULT_OPTIONS.seed) },
  },
  warmupSteps: {
    flag: 'warmup-steps',
    yargs: { type: 'string', describe: 'Untimed steps per trial (the last one measures memory)', defaultDescription: String(DEFAULT_OPTIONS.warmupSteps) },
  },
  minSteps: {
    flag: 'min-steps',
    yargs: { type: 'string', describe: 'Timed steps per trial, at least', defaultDescription: String(DEFAULT_OPTIONS.minSteps) },
  },
  minTrialSeconds: {
    flag: 'min-trial-time',
    yargs: { type: 'string', describe: 'Seconds of timed steps per trial, at least', defaultDescription: `${DEFAULT_OPTIONS.minTrialSeconds}s` },
  },
  cache: {
    flag: 'cache',
    yargs: { type: 'string', describe: 'Reuse a result cached in DIR when model, data, hardware, backend, settings and version match' },
  },
  refresh: {
    flag: 'refresh',
    yargs: { type: 'boolean', describe: 'With --cache: measure again and replace the cached result' },
  },
  saveModel: {
    flag: 'save-model',
    yargs: { type: 'string', describe: 'Write the model tuned, untrained (its initial weights), to DIR as a TensorFlow.js LayersModel' },
  },
  isolate: {
    flag: 'isolate',
    yargs: {
      type: 'boolean',
      default: true,
      describe: 'Run each capacity trial in a child process, so an out-of-memory is a measured limit (--no-isolate: in this process)',
    },
  },
  parallel: {
    flag: 'parallel',
    yargs: {
      type: 'string',
      describe: 'Search runs trained side by side, one process each',
      defaultDescription: 'measured: the fewest that keep 90 % of the free cores busy (one a core on wasm/cpu); fewer if memory is short',
    },
  },
  search: {
    flag: 'search',
    yargs: {
      type: 'boolean',
      describe: "Measure the noise scale, run the LR range test and search after the probe (--no-search: probe only, the throughput knee at the optimizer's rate)",
      defaultDescription: 'true',
    },
  },
  epochs: {
    flag: 'epochs',
    yargs: {
      type: 'string',
      describe: 'Epochs your training run will last: the schedule and rates are for this horizon (or --train-time)',
      defaultDescription: String(DEFAULT_OPTIONS.epochs),
    },
  },
  trainTime: {
    flag: 'train-time',
    yargs: { type: 'string', describe: 'How long your training run will last on this machine, e.g. 30m, 2h (instead of --epochs): steps at the recommended batch\'s measured throughput' },
  },
  queue: {
    flag: 'queue',
    yargs: { type: 'string', describe: 'Train the search\'s runs as jobs on Redis (redis://[:PASSWORD@]HOST:PORT[/DB], rediss:// for TLS), taken by `autobatch worker` processes' },
  },
  queueWait: {
    flag: 'queue-wait',
    yargs: {
      type: 'string',
      describe: 'With --queue: how long to wait for a worker before training here, and for a silent Redis before stopping',
      defaultDescription: `${DEFAULT_OPTIONS.queueWaitSeconds}s`,
    },
  },
  resume: {
    flag: 'resume',
    yargs: {
      type: 'string',
      describe: 'Carry on from FILE, the JSON an interrupted or killed run left (complete: false): finished phases and runs are reused; checkpoints and the result go to FILE unless --out',
    },
  },
  workers: {
    flag: 'workers',
    yargs: { type: 'string', describe: "Data-parallel workers: also advise the per-worker and global batch and the global batch's learning rate", defaultDescription: String(DEFAULT_OPTIONS.workers) },
  },
};

/** Options that are integers on the command line; the rest stay strings for normalizeOptions to parse. */
const INTEGER_FLAGS: readonly FlagOptionKey[] = ['minBatch', 'maxBatch', 'seed', 'warmupSteps', 'minSteps', 'workers', 'parallel'];

/** Flags of `probe` that only the CLI has. */
export const OUTPUT_FORMATS = ['text', 'json', 'env'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export const OUTPUT_FLAGS = {
  out: { type: 'string', describe: 'Write the JSON result to FILE (atomically); while the run goes on, a checkpoint after each phase and each search run, for --resume' },
  report: { type: 'string', describe: 'Write an HTML report with charts to FILE (self-contained, no network)' },
  format: {
    type: 'string',
    choices: OUTPUT_FORMATS,
    describe: 'stdout: text (the summary), json (the document only), env (AUTOBATCH_…=… lines for eval)',
    defaultDescription: 'text',
  },
  json: { type: 'boolean', describe: 'Same as --format json' },
  quiet: { type: 'boolean', alias: 'q', describe: 'No progress output' },
} as const satisfies Record<string, Options>;

export interface OutputArgs {
  out?: string;
  report?: string;
  format: OutputFormat;
  quiet: boolean;
}

/** What `autobatch setup` can set up. */
export const SETUP_TARGETS = ['tensorflow'] as const;
export type SetupTarget = (typeof SETUP_TARGETS)[number];

/** Flags of `autobatch setup tensorflow`. */
export const SETUP_FLAGS = {
  'from-wheel': { type: 'string', describe: 'A TensorFlow CPU wheel (.whl) to take the C library from', defaultDescription: 'pip downloads tensorflow-cpu from its configured index' },
  force: { type: 'boolean', describe: 'Build again even when a working binding is installed' },
} as const satisfies Record<string, Options>;

export interface SetupArgs {
  target: SetupTarget;
  fromWheel?: string;
  force: boolean;
}

export function toSetupArgs(argv: Record<string, unknown>): SetupArgs {
  if (Array.isArray(argv['from-wheel'])) throw new UsageError('--from-wheel was given more than once');
  const fromWheel = argv['from-wheel'] as string | undefined;
  if (fromWheel !== undefined && fromWheel.trim() === '') throw new UsageError('--from-wheel needs a file');
  return { target: argv.target as SetupTarget, ...(fromWheel === undefined ? {} : { fromWheel }), force: argv.force === true };
}

/**
 * Turns parsed flags into `TuneOptions`, checking numbers strictly: yargs would turn
 * `--min-batch 1e` into NaN and `--seed 1.5` into 1.5 without a word.
 * @throws UsageError naming the flag.
 */
export function toTuneOptions(argv: Record<string, unknown>): TuneOptions {
  const options: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(TUNE_FLAGS) as [FlagOptionKey, FlagSpec][]) {
    const raw = argv[spec.flag];
    if (raw === undefined) continue;
    if (Array.isArray(raw)) throw new UsageError(`--${spec.flag} was given more than once`);
    if (spec.yargs.type === 'boolean') options[key] = raw === true;
    else if (key === 'minTrialSeconds' || key === 'validationSplit') options[key] = parseNumberFlag(spec.flag, raw);
    else if (key === 'epochs') options[key] = parsePositiveFlag(spec.flag, raw);
    else if (INTEGER_FLAGS.includes(key)) options[key] = parseIntegerFlag(spec.flag, raw);
    else options[key] = String(raw);
  }
  return options as TuneOptions;
}

function parseIntegerFlag(flag: string, raw: unknown): number {
  const text = String(raw).trim();
  if (!/^\d+$/.test(text)) throw new UsageError(`--${flag} "${text}" is not a whole number`);
  return Number(text);
}

function parsePositiveFlag(flag: string, raw: unknown): number {
  const text = String(raw).trim();
  const value = Number(text);
  if (text === '' || !Number.isFinite(value) || value <= 0) throw new UsageError(`--${flag} "${text}" is not a positive number`);
  return value;
}

function parseNumberFlag(flag: string, raw: unknown): number {
  const text = String(raw).trim().replace(/s$/, '');
  const value = Number(text);
  if (text === '' || !Number.isFinite(value) || value < 0) throw new UsageError(`--${flag} "${raw}" is not a non-negative number`);
  return value;
}

export function toOutputArgs(argv: Record<string, unknown>): OutputArgs {
  if (Array.isArray(argv.out)) throw new UsageError('--out was given more than once');
  if (Array.isArray(argv.report)) throw new UsageError('--report was given more than once');
  const format = argv.json === true ? 'json' : ((argv.format as OutputFormat | undefined) ?? 'text');
  if (argv.json === true && argv.format !== undefined && argv.format !== 'json') {
    throw new UsageError(`--json contradicts --format ${String(argv.format)}`);
  }
  return { out: argv.out as string | undefined, ...(argv.report === undefined ? {} : { report: argv.report as string }), format, quiet: argv.quiet === true };
}
