/**
 * The result document, schema version 2: one source for the TypeScript types, the
 * JSON Schema (`autobatch schema`) and validation. Field names follow DESIGN.md; they
 * are a public contract (`--json`, `--out`, `tune()`).
 *
 * When `schemaVersion` changes: a field renamed or removed, a type narrowed or changed,
 * or a meaning changed bumps it; adding an optional field, a new enum value in a
 * reason's text, or a new `notes` line does not. Readers should check
 * `schemaVersion` and ignore fields they do not know.
 */
import { Type, type Static, type TLiteral, type TSchema, type TUnion } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import * as fs from 'node:fs';
import { InputError } from './util/errors';
import { SCHEDULE_KINDS } from './lr/schedule';
import { PreparationSchema } from './workloads/table/preparation';
import { ImagePreparationSchema } from './workloads/image-folder/preparation';
import { ModelSummarySchema } from './workloads/model-summary';
import { DECISION_RULES } from './search/decide';
import { RACE_STOPS } from './search/race';

export const SCHEMA_VERSION = 2;

const Nullable = <T extends TSchema>(schema: T, options?: { description: string }) => Type.Union([schema, Type.Null()], options);
type LiteralTuple<T extends readonly string[]> = { -readonly [K in keyof T]: TLiteral<T[K]> };
const literals = <T extends readonly string[]>(values: T, options?: { description: string }): TUnion<LiteralTuple<T>> =>
  Type.Union(values.map((v) => Type.Literal(v)), options) as unknown as TUnion<LiteralTuple<T>>;

export const PHASES = ['hardware', 'backend', 'probe', 'noise', 'lr-range', 'search', 'recommend'] as const;
/** The phases of a run, in order. */
export type Phase = (typeof PHASES)[number];

export const BACKEND_NAMES = ['tensorflow', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

/** Optimizers autobatch can rebuild with a new learning rate. */
export const OPTIMIZER_NAMES = ['sgd', 'momentum', 'adam', 'adamax', 'rmsprop', 'adagrad', 'adadelta'] as const;
export type OptimizerName = (typeof OPTIMIZER_NAMES)[number];

export const STOP_REASONS = ['memory', 'oom', 'throughput-plateau', 'input-bound', 'dataset', 'max-batch', 'time'] as const;
/** Why the capacity probe stopped doubling. */
export type StopReason = (typeof STOP_REASONS)[number];

export const TRIAL_STATUSES = ['ok', 'over-budget', 'oom', 'crashed', 'error'] as const;
/** What became of one probe trial. */
export type TrialStatus = (typeof TRIAL_STATUSES)[number];

export const WORKLOAD_SOURCES = ['example', 'module', 'saved-model', 'data', 'library'] as const;

const HardwareSchema = Type.Object({
  cpu: Type.Object({ model: Type.String(), cores: Type.Number(), physicalCores: Type.Number() }),
  memory: Type.Object({ totalBytes: Type.Number(), availableBytes: Type.Number() }),
  gpus: Type.Array(Type.Object({ vendor: Type.String(), model: Type.String(), memoryBytes: Nullable(Type.Number()) })),
  os: Type.Object({ platform: Type.String(), distro: Type.String(), release: Type.String(), arch: Type.String() }),
  node: Type.String(),
});

const BackendSchema = Type.Object({
  name: literals(BACKEND_NAMES),
  fallbackReason: Nullable(Type.String({ description: 'Why backends tried before this one were skipped' })),
  tfjsVersion: Type.Optional(Type.String({ description: 'The TensorFlow.js version that trained (tf.version.tfjs; added in 0.6)' })),
  tensorflowVersion: Type.Optional(
    Type.String({ description: "On tensorflow: the TensorFlow C library tfjs-node's binding loaded (TF_Version(); added in 0.6)" }),
  ),
});

const WorkloadSchema = Type.Object({
  name: Type.String(),
  source: literals(WORKLOAD_SOURCES),
  parameters: Type.Number(),
  trainSamples: Type.Number(),
  valSamples: Type.Number(),
  validation: Type.Optional(literals(['held-out', 'given'] as const, {
    description: "Where the validation rows came from: `held-out`, a seeded share of the user's rows (--val-split), which the search may cross-validate over; `given`, a set the user chose, kept as theirs (added in 0.8)",
  })),
  loss: Type.String(),
  optimizer: Type.Object({
    name: literals(OPTIMIZER_NAMES),
    learningRate: Type.Number(),
    settings: Type.Optional(Type.Record(Type.String(), Type.Union([Type.Number(), Type.Boolean()]), {
      description: "The optimizer's other settings as compiled (getConfig(): momentum, useNesterov, beta1, beta2, epsilon, …), which every trial rebuilds it with; absent: TensorFlow.js's defaults (added in 0.8)",
    })),
  }),
  model: Type.Optional(ModelSummarySchema),
  dataSource: Type.Optional(literals(['dataset', 'image-folder'] as const, {
    description: 'Set when the data was streamed, read a batch at a time and never held whole: a tf.data Dataset of a module (dataset), or a folder of images (image-folder) (added in 0.8)',
  })),
  batchedDataset: Type.Optional(Type.Boolean({
    description: "Set when the dataset was a module's batched createDataset(tf, { batchSize, seed }) (batched = true), asked for batches at every size trained: train by asking it for the recommended size (added in 0.8)",
  })),
  savedModel: Type.Optional(Type.String({ description: 'The folder --save-model wrote the model to (model.json, weights.bin): untrained, the initial weights every run started from' })),
});

const TrialSchema = Type.Object({
  batchSize: Type.Number(),
  status: literals(TRIAL_STATUSES),
  stepMs: Nullable(Type.Number({ description: 'Median time of one training step, ms' })),
  samplesPerSec: Nullable(Type.Number()),
  peakBytes: Nullable(Type.Number({ description: 'Peak tensor bytes during one profiled training step' })),
  rssBytes: Nullable(Type.Number({ description: "Resident set size of the trial process at its largest: where the system tracks it (Linux), the profiled step's peak, when its intermediate buffers are all live (since 0.6; before, sampled around the timed steps)" })),
  steps: Type.Number({ description: 'Timed steps, warm-up excluded' }),
  error: Type.Optional(Type.String({ description: 'The error text or signal of a failed trial' })),
  bisect: Type.Optional(Type.Boolean({ description: 'Found by bisecting after a memory stop' })),
  inputMs: Type.Optional(Type.Number({ description: "Streamed data: median ms of each timed step spent waiting for its batch (part of stepMs); the model's own rate is batchSize / (stepMs - inputMs) (added in 0.8)" })),
  pipelineBytes: Type.Optional(Type.Number({
    description: "Streamed data: resident bytes of the pipeline beside the tensors (decoded and prefetched batches, the decoder's buffers): the process's peak resident memory in the profiled step above what it held before any trial, less the tensors' growth. The memory budget and the memory model hold on peakBytes + pipelineBytes (added in 0.8)",
  })),
  leakedTensors: Type.Optional(Type.Number({ description: 'Tensors left behind per step over the timed steps (a data pipeline or loss that does not release its intermediates); absent when none (added in 0.8)' })),
  cpuPerWall: Type.Optional(
    Type.Number({
      description: "CPU seconds the trial's process used per wall second of its timed steps, all its threads together: about 1 on wasm and cpu; on tensorflow, how many cores its thread pool kept busy (added in 0.6)",
    }),
  ),
});

const ProbeSchema = Type.Object({
  trials: Type.Array(TrialSchema),
  stopReason: literals(STOP_REASONS),
  maxFeasibleBatch: Nullable(Type.Number()),
  throughputKnee: Nullable(Type.Number()),
  safeMaxBatch: Nullable(Type.Number()),
});

const NoiseEstimateSchema = Type.Object({
  bSimple: Type.Number({ description: 'B_simple = tr(Σ)/|G|²; where gradSq ≤ 0 (the gradient lost in the noise) not measurable: the ratio capped at 1e12, used by no decision' }),
  gradSq: Type.Number({ description: '|G|²' }),
  traceSigma: Type.Number({ description: 'tr(Σ)' }),
  standardError: Nullable(Type.Number({ description: 'Jackknife standard error of bSimple' })),
});

const NoiseSchema = Type.Composite([
  NoiseEstimateSchema,
  Type.Object({ atInit: Nullable(NoiseEstimateSchema), preconditioned: Nullable(NoiseEstimateSchema) }),
]);

const LrRangeSchema = Type.Object({
  batchSize: Type.Number(),
  suggestion: Nullable(Type.Number({ description: 'The suggested rate; null when the sweep was too short or showed no descent' })),
  insufficient: Nullable(Type.String({ description: 'Why there is no suggestion' })),
  points: Type.Array(Type.Object({ lr: Type.Number(), loss: Type.Number() })),
  ended: literals(['max-lr', 'diverged', 'time'] as const),
});

const RunSchema = Type.Object({
  round: Type.Number(),
  learningRate: Type.Number(),
  steps: Type.Number(),
  valLoss: Nullable(Type.Number()),
  diverged: Type.Boolean(),
  process: Type.Optional(Type.Number({ description: "The search pool's process (slot, 0-based) that trained this run; absent when the tuner's own process did" })),
  status: Type.Optional(Type.Union([Type.Literal('oom'), Type.Literal('crashed')], { description: 'Set when the process training this run died: the run failed, the search went on' })),
  error: Type.Optional(Type.String({ description: "How the run's process died" })),
  seed: Type.Optional(Type.Number({ description: "The run's data order, where a round trained its closest contenders on several (the search's seed when absent)" })),
  fold: Type.Optional(Type.Number({ description: 'The fold of the user rows the run trained and was scored on (cross-validation; 0 is the split every other phase used)' })),
  length: Type.Optional(Type.Number({ description: "The run's length in the horizon's unit (epochs, or seconds with --train-time)" })),
  worker: Type.Optional(Type.String({ description: 'On a job queue (--queue): the worker that trained this run, host:pid' })),
  retries: Type.Optional(Type.Number({ description: 'On a job queue: how often this run started again on another worker after its worker died mid-run (counted once, in this run)' })),
  reused: Type.Optional(Type.Boolean({ description: 'True when this run was trained by the interrupted run this one resumed (--resume), not again (added in 0.7)' })),
});

const CandidateSchema = Type.Object({
  batchSize: Type.Number(),
  learningRate: Type.Number({ description: 'Peak of the linear-decay schedule this run trained with' }),
  valLoss: Nullable(Type.Number()),
  trainLoss: Nullable(Type.Number()),
  gradientVariance: Nullable(Type.Number({ description: 'tr(Σ)/B at the final weights; null where the run diverged, or its round ended before 16 gradients fitted in its time (a size that stopped in an early round)' })),
  noiseToSignal: Nullable(Type.Number({ description: 'B_simple/B at the final weights' })),
  diverged: Type.Boolean(),
  steps: Type.Number(),
  samplesSeen: Type.Number(),
  score: Nullable(Type.Number({ description: 'Relative excess validation loss over the best' })),
  tied: Type.Boolean(),
  lossDropPerSec: Nullable(Type.Number()),
  generalizationGap: Nullable(Type.Number()),
  peakBytes: Nullable(Type.Number()),
  samplesPerSec: Nullable(Type.Number()),
  lossVolatility: Nullable(Type.Number()),
  curve: Type.Array(Type.Tuple([Type.Number(), Type.Number()])),
  round: Type.Optional(Type.Number({ description: 'The last search round (0-based) this batch size trained in; the values above are from it' })),
  runs: Type.Optional(Type.Array(
    RunSchema,
    { description: 'Every training run of this batch size in the search, round by round' },
  )),
});

const RungSchema = Type.Object({
  unit: literals(['epochs', 'seconds'] as const),
  length: Type.Number({ description: 'Every run of the rung trained this many epochs (or seconds)' }),
  fraction: Type.Number({ description: 'length / the horizon: 1 is the user\'s whole run' }),
  sizes: Type.Number({ description: 'Batch sizes that trained in it' }),
  runs: Type.Number(),
  seeds: Type.Number({ description: 'Most data orders any of its configurations trained with' }),
});

const ConfigRefSchema = {
  batchSize: Type.Number(),
  learningRate: Type.Number({ description: "The schedule's peak; with schedule `constant`, the rate" }),
  schedule: literals(SCHEDULE_KINDS),
  default: Type.Optional(Type.Boolean({ description: "True for the user's default configuration: batch 32 (or the largest that fits), the compiled rate, constant" })),
};

const ConfigSchema = Type.Object({
  ...ConfigRefSchema,
  expectedLoss: Nullable(Type.Number({ description: 'Expected validation loss: the mean over its replicates, what a replicate (a fold) shares with every configuration taken out; null: a run diverged' })),
  standardError: Nullable(Type.Number()),
  spread: Nullable(Type.Number({ description: "σ of one run's loss about the expected loss: its own replicates, shrunk towards the pooled σ" })),
  learned: Type.Boolean({ description: "False when its loss, pooled sample by sample over all its folds or data orders, was not below the initial weights' by more than its noise: it decided nothing" }),
  replicates: Type.Array(Type.Object({ seed: Type.Number(), fold: Type.Optional(Type.Number()), loss: Nullable(Type.Number({ description: 'Null: diverged' })) })),
});

const DecisionSchema = Type.Object(
  {
    rung: Type.Number({ description: 'The rung (0-based, in search.rungs) the decision was taken on: the top rung that ran' }),
    fraction: Type.Number({ description: "That rung's length ÷ the horizon: 1 when decided on the user's whole run" }),
    rule: literals(DECISION_RULES, {
      description:
        '`lowest-bound`: the lowest expected loss + 2 standard errors among those within noise of the best; `faster-within-noise`: a faster configuration as good within 1 %; `default-within-noise`: the user\'s default kept, nothing beat it beyond the noise; `nothing-learned`: no run left the initial loss',
    }),
    why: Type.String(),
    pick: Type.Object(ConfigRefSchema),
    best: Type.Object(ConfigRefSchema, { description: 'The lowest expected loss among the configurations that could win' }),
    tied: Type.Array(Type.Object(ConfigRefSchema), { description: 'Within 2 standard errors of the best' }),
    runnerUp: Nullable(Type.Object({ ...ConfigRefSchema, difference: Type.Number({ description: "Its expected loss − the pick's" }), standardError: Type.Number() })),
    versusDefault: Nullable(
      Type.Object({
        ...ConfigRefSchema,
        difference: Type.Number({ description: "The default's expected loss − this configuration's: the best that challenged it" }),
        standardError: Type.Number(),
        threshold: Type.Number({ description: 'Standard errors the challenger had to beat it by (one-sided 5 %, Šidák-corrected for the configurations it was chosen among)' }),
      }),
      { description: "The user's default against the best configuration that challenged it (the pick, unless the default stood); null when it was not measured" },
    ),
    noise: Type.Object({
      sigma: Type.Number({ description: "Pooled σ of one run's loss over replicates" }),
      from: literals(['replicates', 'prior'] as const, { description: '`prior`: no configuration was measured twice: 2 % of the best loss' }),
      degreesOfFreedom: Type.Number(),
    }),
    race: Type.Object({
      stop: literals(RACE_STOPS, { description: '`settled`: nothing within noise of the pick; `replicates`: every contender measured its most; `budget`: the time left held no further wave; `interrupted`' }),
      over: literals(['folds', 'data orders'] as const),
      maxReplicates: Type.Number(),
      waves: Type.Number(),
      runs: Type.Number({ description: 'Runs the race added to the rung' }),
    }),
    folds: Type.Optional(Type.Object({ count: Type.Number(), rows: Type.Array(Type.Number(), { description: 'Validation rows of each fold' }) }, { description: 'Set when the rung was cross-validated over folds of the user rows' })),
    configs: Type.Array(ConfigSchema, { description: 'Every configuration of the rung, lowest expected loss first; diverged ones last' }),
  },
  { description: 'How the search chose (added in 0.8): every configuration of its decisive rung with its noise, the rule that picked, the race that measured the closest ones again' },
);

const SearchInfoSchema = Type.Object(
  {
    parallel: Type.Number({ description: 'Runs trained side by side: the size of the pool of search processes (1 in the tuner\'s own process)' }),
    inProcess: Type.Boolean({ description: "True when the runs trained in the tuner's own process, one at a time" }),
    reason: Type.String({ description: 'Why this many' }),
    wallSeconds: Nullable(Type.Number({ description: "The search's wall time, the pool's start included" })),
    steps: Type.Number({ description: 'Training steps of all runs, summed' }),
    stepsPerSecond: Nullable(Type.Number({ description: 'steps / wallSeconds: training steps completed per wall second, summed over processes' })),
    failedRuns: Type.Number({ description: 'Runs whose process died (out of memory or crashed); each is in its candidate\'s runs' }),
    evaluatedRows: Type.Optional(Type.Array(Type.Number(), {
      description: "Validation rows each round's runs were measured on, round by round: a seeded sample, the same for every run of a round, as many as fit in a quarter of a run's training time (at least 512); workload.valSamples where all",
    })),
    rungs: Type.Optional(Type.Array(RungSchema, { description: "The search's rounds in the horizon's unit, lowest first; the last is the top rung" })),
    measuredAtHorizon: Type.Optional(Type.Boolean({ description: "True when the top rung was the user's whole run: the answer was measured, not extrapolated" })),
    decision: Type.Optional(DecisionSchema),
    default: Type.Optional(Type.Object(
      {
        batchSize: Type.Number(),
        learningRate: Type.Number({ description: 'The compiled rate, constant' }),
        runs: Type.Array(RunSchema),
      },
      { description: "The user's default configuration (batch 32 or the largest that fits, the compiled rate, constant) and its every run, rung by rung: measured like the candidates, not one of them (added in 0.8)" },
    )),
    queue: Type.Optional(Type.Object(
      {
        name: Type.String({ description: "The BullMQ queue of this tuning's runs" }),
        url: Type.String({ description: 'The Redis URL, any password replaced by ***' }),
        workers: Type.Number({ description: 'Workers taking its runs when the search started' }),
        retries: Type.Number({ description: 'Runs that started again on another worker after theirs died, summed' }),
      },
      { description: 'Set when the runs trained as jobs on a queue (--queue)' },
    )),
    plan: Type.Optional(Type.Object({
      shape: Type.String(),
      estimatedSeconds: Type.Number({ description: 'What the plan expected the search to take' }),
      why: Type.String(),
    })),
  },
  { description: 'How the search ran: the pool of processes and its throughput' },
);

const AlternativeSchema = Type.Object({
  batchSize: Type.Number(),
  learningRate: Type.Number({ description: 'Best constant rate for the horizon at this batch size' }),
  peakLearningRate: Type.Optional(Type.Number({ description: "Peak of the recommended schedule's shape at this batch size" })),
  why: Type.String(),
});

const HorizonSchema = Type.Object(
  {
    epochs: Type.Number(),
    steps: Type.Number({ description: 'Training steps at the recommended batch size' }),
    seconds: Nullable(Type.Number({ description: "Expected wall time at the probe's measured throughput" })),
    source: literals(['given', 'default'] as const),
  },
  { description: 'The length of the training run the recommendation is for' },
);

const ScheduleSchema = Type.Object(
  {
    kind: literals(SCHEDULE_KINDS),
    peakLearningRate: Type.Number(),
    warmupSteps: Type.Number({ description: 'Linear warm-up from near zero to the peak' }),
    totalSteps: Type.Number(),
    finalLearningRate: Type.Number({ description: 'The rate reached at totalSteps (linear decay from the peak)' }),
  },
  { description: 'The recommended learning-rate schedule for the horizon, per training step' },
);

const HorizonPointSchema = Type.Object({
  steps: Type.Number(),
  bestRate: Type.Number({ description: 'Minimum of validation loss against log rate (parabola through the best and its neighbours)' }),
  edge: Nullable(literals(['low', 'high'] as const), { description: 'The best was the lowest or highest rate tried: the optimum may lie beyond it' }),
  rates: Type.Array(Type.Number()),
});

const HorizonTrendSchema = Type.Object(
  {
    batchSize: Type.Number(),
    points: Type.Array(HorizonPointSchema, { description: "The recommended size's search rounds that tried several peaks, shortest first" }),
    exponent: Nullable(Type.Number({ description: "α in η* ∝ steps^-α: the posterior mean of the loss model over (rate, length) fitted on every rung's runs at this size, with a prior of 0.3 ± 0.15 (since 0.8; before, a two-point estimate)" })),
    exponentInterval: Type.Optional(Type.Tuple([Type.Number(), Type.Number()], { description: "α's 10–90 % posterior interval (added in 0.8)" })),
    exponentFrom: Type.Optional(literals(['runs', 'prior'] as const, { description: '`runs`: two or more lengths of several rates measured it; `prior`: the prior alone carried it (added in 0.8)' })),
    peakInterval: Type.Optional(Type.Tuple([Type.Number(), Type.Number()], { description: "The carried peak at α's interval (added in 0.8)" })),
    predictedLoss: Type.Optional(Type.Object({ value: Type.Number(), low: Type.Number(), high: Type.Number() }, { description: "The best loss predicted at the horizon: between the lengths' trend over log steps continued (low) and the top rung's (high) (added in 0.8)" })),
    fromSteps: Type.Number(),
    measuredRate: Type.Number({ description: 'The best peak at fromSteps; the peak is measuredRate × factor, or rangeTestRate when limitedByRangeTest' }),
    factor: Type.Number({ description: 'The extrapolation by the trend: carried peak / measuredRate' }),
    clamped: Type.Boolean(),
    rangeTestRate: Nullable(Type.Number({ description: "The LR range test's suggestion scaled to this batch size" })),
    limitedByRangeTest: Type.Boolean({ description: 'The peak is the range test rate: the carried peak was above it, for a horizon at least 3× the longest search run' }),
  },
  { description: 'How the best peak rate moved with the length of the search runs, and its extrapolation to the horizon' },
);

const WorkersSchema = Type.Object({
  workers: Type.Number(),
  perWorkerBatchSize: Type.Number(),
  globalBatchSize: Type.Number(),
  learningRate: Type.Number({ description: 'Constant rate for the horizon at the global batch' }),
  warning: Nullable(Type.String()),
});

const RecommendationSchema = Type.Object({
  batchSize: Type.Number(),
  learningRate: Type.Number({ description: 'The best constant rate for the horizon, for training without the schedule' }),
  horizon: HorizonSchema,
  schedule: ScheduleSchema,
  horizonTrend: Nullable(HorizonTrendSchema),
  measured: Type.Optional(Type.Object(
    {
      atHorizon: Type.Boolean({ description: "True: the batch and peak were chosen on runs of the user's whole horizon, and no extrapolation rule applied" }),
      extrapolation: Type.Number({ description: 'The horizon ÷ the longest search run at the recommended size (1 when measured at the horizon)' }),
    },
    { description: 'Whether the answer was measured at the horizon or extrapolated, and how far' },
  )),
  reasons: Type.Array(Type.String()),
  expected: Type.Object({ samplesPerSec: Nullable(Type.Number()), peakBytes: Nullable(Type.Number()) }),
  statisticalEfficiency: Nullable(Type.Number()),
  alternatives: Type.Object({
    fastest: Type.Optional(AlternativeSchema),
    lowestMemory: Type.Optional(AlternativeSchema),
    bestValLoss: Type.Optional(AlternativeSchema),
  }),
  workers: Type.Optional(WorkersSchema),
});

const seconds = (description: string) => Type.Optional(Type.Number({ description }));

/**
 * Seconds each phase used, by phase name (`hardware`, `backend`, `probe`, …), plus
 * `total` and the start-up's parts named here. Optional fields: added in 0.6.
 */
const TimingsSchema = Type.Intersect(
  [
    Type.Record(Type.String(), Type.Number()),
    Type.Object({
      data: seconds('Reading and preparing the data file, once, in the tuner (a data file only)'),
      dataWrite: seconds("Loading the workload's data once in the tuner and writing it, as numbers, for the trial processes (added in 0.6)"),
      processStart: seconds('The first trial process, from its start to TensorFlow.js loaded: Node, autobatch, TensorFlow.js (added in 0.6)'),
      dataLoad: seconds('The first trial process loading its data: the prepared file read and checked by its sha256 (added in 0.6)'),
      backendCheck: seconds("The backend check: activating each backend tried and one real training step on it, its data aside; in the first trial process when trials are isolated (added in 0.6)"),
      poolStart: seconds("Starting the search's pool of processes, all at once (part of `search`; added in 0.6)"),
      total: seconds('The whole run'),
    }),
  ],
  { description: 'Seconds: each phase by name, the whole run, and the parts of the start-up before the probe' },
);

/**
 * What an unfinished run keeps so that `--resume` carries on from it. Written into every
 * checkpoint and into an incomplete document; a complete one has none. Its `search.runs`
 * are opaque (v8-serialized run outcomes): for autobatch to read back, not for users.
 */
const CheckpointSchema = Type.Object(
  {
    format: Type.Literal(1),
    basis: Type.Record(Type.String(), Type.Unknown(), {
      description: 'What the measurements depend on (version, workload fingerprint, hardware, backend, settings but the time budget): a resume must match it',
    }),
    done: Type.Array(literals(PHASES), { description: 'Phases that finished: a resume reuses their results from this document' }),
    budgetSeconds: Type.Number({ description: "The tuning's whole time budget, resumes included" }),
    spentSeconds: Type.Number({ description: 'Seconds the tuning had spent when this was written, resumes included: a resume has the budget less these' }),
    queue: Type.Optional(Type.String({ description: "The search's BullMQ queue: a resume with --queue finds its finished jobs there" })),
    search: Type.Optional(
      Type.Object({
        plan: Type.Unknown({ description: "The search's plan, as planned: a resume trains the same rounds" }),
        scales: Type.Array(Type.Number(), { description: 'The factor each round that started was shrunk by to fit the time' }),
        runs: Type.Array(
          Type.Object({
            key: Type.String({ description: "A hash of the run's spec" }),
            seconds: Type.Number({ description: 'Its wall time' }),
            outcome: Type.String({ description: 'Its outcome, v8-serialized, base64' }),
          }),
          { description: 'Every run that finished, in the order they did' },
        ),
      }),
    ),
  },
  { description: 'What an unfinished run keeps for `autobatch probe --resume` (added in 0.7); absent when complete' },
);

/** The whole document: `autobatch schema` prints this as JSON Schema. */
export const DocumentSchema = Type.Object(
  {
    schemaVersion: Type.Literal(SCHEMA_VERSION),
    tool: Type.Object({ name: Type.Literal('autobatch'), version: Type.String() }),
    createdAt: Type.String({ description: 'ISO 8601 time the run started' }),
    complete: Type.Boolean(),
    incompleteReason: Type.Optional(Type.String()),
    hardware: Nullable(HardwareSchema),
    backend: Nullable(BackendSchema),
    workload: Nullable(WorkloadSchema),
    preparation: Type.Optional(PreparationSchema),
    imagePreparation: Type.Optional(ImagePreparationSchema),
    budget: Type.Object({
      memoryBytes: Nullable(Type.Number()),
      timeSeconds: Type.Number(),
      planned: Type.Optional(Type.Record(Type.String(), Type.Number(), { description: 'Seconds each phase was given when it started (timings has what it used)' })),
    }),
    notes: Type.Array(Type.String()),
    phasesCut: Type.Array(literals(PHASES)),
    probe: Nullable(ProbeSchema),
    noise: Nullable(NoiseSchema),
    lrRange: Nullable(LrRangeSchema),
    candidates: Type.Array(CandidateSchema),
    search: Type.Optional(SearchInfoSchema),
    recommendation: Nullable(RecommendationSchema),
    timings: TimingsSchema,
    resumed: Type.Optional(
      Type.Object(
        {
          from: Type.String({ description: "The interrupted run's createdAt" }),
          phases: Type.Array(literals(PHASES), { description: 'Phases whose results were reused, not measured again' }),
          runs: Type.Number({ description: "The search's runs reused from it" }),
        },
        { description: 'Set when this run carried on from an interrupted one (--resume; added in 0.7)' },
      ),
    ),
    checkpoint: Type.Optional(CheckpointSchema),
    cache: Type.Optional(
      Type.Object({
        key: Type.String(),
        hit: Type.Boolean({ description: 'True when this document was reused from the cache, not measured now' }),
      }),
    ),
  },
  { $id: 'https://autobatch.dev/schema/v2.json', title: 'autobatch result', description: 'A batch size and learning rate measured for one model on one machine' },
);

export type HardwareInfo = Static<typeof HardwareSchema>;
export type BackendInfo = Static<typeof BackendSchema>;
export type WorkloadInfo = Static<typeof WorkloadSchema>;
export type Trial = Static<typeof TrialSchema>;
export type ProbeResult = Static<typeof ProbeSchema>;
export type NoiseEstimate = Static<typeof NoiseEstimateSchema>;
export type NoiseResult = Static<typeof NoiseSchema>;
export type LrRange = Static<typeof LrRangeSchema>;
export type Candidate = Static<typeof CandidateSchema>;
export type SearchInfo = Static<typeof SearchInfoSchema>;
export type SearchRung = Static<typeof RungSchema>;
export type SearchDecision = Static<typeof DecisionSchema>;
export type DecisionConfig = Static<typeof ConfigSchema>;
export type Alternative = Static<typeof AlternativeSchema>;
export type WorkersAdvice = Static<typeof WorkersSchema>;
export type Recommendation = Static<typeof RecommendationSchema>;
export type Horizon = Static<typeof HorizonSchema>;
export type HorizonTrend = Static<typeof HorizonTrendSchema>;
export type Schedule = Static<typeof ScheduleSchema>;
export type AutobatchDocument = Static<typeof DocumentSchema>;
export type Timings = Static<typeof TimingsSchema>;
export type Checkpoint = Static<typeof CheckpointSchema>;
export type { Preparation } from './workloads/table/preparation';
export type { ImagePreparation } from './workloads/image-folder/preparation';
export type { LayerSummary, ModelSummary } from './workloads/model-summary';

/**
 * A saved result, checked against the schema.
 * @throws InputError naming the file and the first field that does not fit.
 */
export function readResult(file: string): AutobatchDocument {
  let doc: unknown;
  try {
    doc = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(code === 'ENOENT' ? `${file}: no such file` : `${file}: not valid JSON (${(err as Error).message})`, { cause: err });
  }
  const version = (doc as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (typeof version === 'number' && version !== SCHEMA_VERSION) {
    throw new InputError(`${file}: an autobatch result of schema version ${version}; this autobatch reads version ${SCHEMA_VERSION} (run the probe again)`);
  }
  if (!Value.Check(DocumentSchema, doc)) {
    const first = Value.Errors(DocumentSchema, doc).First();
    throw new InputError(`${file}: not an autobatch result (schema version ${SCHEMA_VERSION}): ${first ? `${first.path || '/'} ${first.message.toLowerCase()}` : 'unknown shape'}`);
  }
  return doc;
}
