import type { Candidate, NoiseEstimate, ProbeResult, SearchDecision, SearchRung, Trial } from '../document';
import { epochSteps } from '../lr/horizon';
import { scaleLearningRate } from '../lr/scaling';
import { credibleNoiseScale, measurable } from '../noise/credible';
import { combineNoise, type NoiseEstimateWithError } from '../noise/estimator';
import { NOISE_BATCH, gradientMs } from '../noise/at-init';
import type { ProgressEvent } from '../progress';
import type { TF } from '../platform/tf';
import type { CandidateRun, RunOutcome, RunSpec, RunWorker } from '../runner/run-spec';
import type { OptimizerSpec, Workload } from '../workloads/workload';
import { configKey, ratesAround, replicateAt, replicateKey, rowsKey, type Replicate, type RunConfig } from './configs';
import { decide, type Decision } from './decide';
import { recordDecision } from './decision-record';
import { weighEvidence, type Measurement } from './evidence';
import type { SearchJournal } from './journal';
import { LearnedTest } from './learned';
import { NOISE_BATCHES, PLAN, type PlannedRound, type SearchPlan } from './plan';
import { nextContenders, type RaceStop } from './race';
import { EDGE_RUNS, EDGE_WAVES, edgeRates } from './refine';
import { DEFAULT_BATCH, defaultBatch } from './rungs';
import { RunDispatcher, type Dispatched, type Job } from './run-dispatch';
import { inProcessWorker } from './train-candidate';

export { DEADLINE_GRACE_MS, EPOCH_OVERRUN, POOL_OVERRUN, SLOT_OVERRUN, equalTime } from './run-dispatch';

export interface SearchOptions {
  probe: ProbeResult;
  /** Plain noise scale at the initial weights: places candidates and scales their learning rates. */
  noiseAtInit: NoiseEstimate | null;
  /** Learning rate found at `referenceBatch` by the LR range test (or the optimizer's default). */
  referenceLr: number;
  referenceBatch: number;
  optimizer: OptimizerSpec;
  /** The rungs, their sizes and the race (see `planForHorizon`). */
  plan: SearchPlan & { sizes?: number[] };
  /**
   * When the search must end (ms since the epoch). Before each rung after the first, the
   * rungs left shrink together to fit it, evaluation time as measured so far included;
   * the race trains no wave that would not end by it.
   */
  deadline?: number;
  /** Largest batch to train or evaluate at: the probe's safe maximum. */
  maxBatch: number;
  seed: number;
  precondition: boolean;
  signal?: AbortSignal;
  onProgress?: (event: ProgressEvent) => void;
  /**
   * Where the runs train: a pool's processes side by side (see `RunPool.workers`), each
   * rung's runs dispatched in order and gathered in it, so the decisions are those of one
   * process given the same plan.
   * @default this process, one run at a time
   */
  workers?: readonly RunWorker[];
  /**
   * Records the search for a checkpoint; given a previous search's record (a resumed
   * tuning), its rungs run at the factors they ran at then and its finished runs are
   * reused, not trained again (see `SearchJournal`).
   */
  journal?: SearchJournal;
}

export interface SearchOutcome {
  /** One per batch size: its best configuration in the last rung it reached. */
  candidates: Candidate[];
  /** How the decisive rung decided (see `decide`); null when no run of it trained. */
  decision: SearchDecision | null;
  /** The configuration decided on; null with no decision. */
  pick: RunConfig | null;
  /** The user's default configuration and its every run, rung by rung (it is no candidate size: its runs are not in `candidates`). */
  baseline: RunConfig & { runs: SearchRun[] };
  /** Noise at the candidates' final weights, averaged (numerators and denominators apart). */
  noise: NoiseEstimate | null;
  preconditioned: NoiseEstimate | null;
  /** The noise scale used for efficiency: at the end of training if measured, else at init. */
  bNoise: number | null;
  /** True when the deadline stopped the search before every planned run. */
  cut: boolean;
  /** Training steps of every run, summed: with the search's wall time, its throughput. */
  steps: number;
  /** Runs whose process died (see `RunFailure`); each is also in its size's `runs`. */
  failures: number;
  /** Validation rows each rung's runs were measured on (see `EVALUATION`), one per rung that ran. */
  evaluatedRows: number[];
  /** The rungs that ran, in the horizon's unit. */
  rungs: SearchRung[];
  /** True when the decisive rung was the user's whole horizon, uncut: its decision needs no extrapolation. */
  measuredAtHorizon: boolean;
}

/** One training run of the search, as the document records it. */
export type SearchRun = NonNullable<Candidate['runs']>[number];

/**
 * A size whose run of the user's horizon would take fewer steps than this may win only
 * on runs of the user's whole length: a decision on a shorter rung cannot say what so few
 * steps will reach (3,000 rows × 10 epochs at batch 2,048 is 20 steps).
 */
export const MIN_EXTRAPOLATED_STEPS = 100;

/**
 * The race may go on past the replicates its plan costed, to this many times them (more
 * data orders on every fold), while configurations are still within noise of the pick and
 * the time allows: the budget is spent while it can still change the answer.
 */
export const RACE_EXTENSION = 3;

/** A rate at the edge of those tried is extended by half a decade a run (the rungs' rates are half a decade apart). */
export const EDGE_FACTOR = Math.sqrt(10);

/** One run of a rung: its configuration, its replicate, and its result (null: its process died). */
interface Entry {
  config: string;
  replicate: Replicate;
  run: CandidateRun | null;
}

/** A rung as it ran. */
interface RungRecord {
  round: number;
  spec: PlannedRound;
  /** Validation rows its runs on the workload's split were measured on. */
  rows: number;
  folds: number | null;
  entries: Entry[];
}

/**
 * The search, by successive halving in the horizon's unit, decided with its noise (issue
 * 28). A few batch sizes (see `planForHorizon`), each at rates a decade either side of
 * its centre (the range test's rate scaled to it), and the user's default configuration,
 * train from the same initial weights, each run complete in itself with the schedule over
 * its own length; the best sizes train again on longer rungs, up to the top rung (the
 * horizon when the budget affords it). There, a rate at the edge of those tried is
 * extended, and the closest configurations race: more data orders, or on small data more
 * folds of the user's rows, until noise separates them or the time runs out (see
 * `nextContenders`); the decision (see `decide`) takes the lowest expected loss, never
 * the luckiest draw, and keeps the default unless beaten beyond the noise.
 */
export async function searchBatchSizes(tf: TF, workload: Workload, options: SearchOptions): Promise<SearchOutcome> {
  return new Search(tf, workload, options).run();
}

class Search {
  private readonly dispatcher: RunDispatcher;
  private readonly sizes: number[];
  private readonly baseline: RunConfig;
  private readonly configs = new Map<string, RunConfig>();
  private readonly history = new Map<number, SearchRun[]>();
  private readonly baselineRuns: SearchRun[] = [];
  private readonly records: RungRecord[] = [];
  private readonly centre: (b: number) => number;
  private readonly ok: Trial[];
  private readonly noiseGradientMs: number | null;
  private scale = 1;

  constructor(
    private readonly tf: TF,
    private readonly workload: Workload,
    private readonly options: SearchOptions,
  ) {
    const { plan, probe, maxBatch } = options;
    this.ok = probe.trials.filter((t) => t.status === 'ok');
    this.sizes = (plan.sizes ?? this.ok.map((t) => t.batchSize)).filter((b) => b <= maxBatch);
    for (const b of this.sizes) this.history.set(b, []);
    const bNoiseInit = credibleNoiseScale(options.noiseAtInit) ?? 0;
    this.centre = (b) => scaleLearningRate(options.referenceLr, options.referenceBatch, b, bNoiseInit, options.optimizer.name);
    const { trainSamples, valSamples } = workload.info;
    this.baseline = { batchSize: defaultBatch(trainSamples, maxBatch), learningRate: options.optimizer.learningRate, schedule: 'constant', default: true };
    this.configs.set(configKey(this.baseline), this.baseline);
    this.noiseGradientMs = gradientMs(probe.trials, Math.min(NOISE_BATCH, maxBatch));
    const runsIn = (r: PlannedRound) => Math.min(r.batchSizes, this.sizes.length) * r.lrFactors.length + 1;
    const runsPlanned = plan.rounds.reduce((sum, r) => sum + runsIn(r), 0);
    this.dispatcher = new RunDispatcher({
      workers: options.workers?.length ? options.workers : [inProcessWorker(tf, workload)],
      trials: this.ok,
      maxBatch,
      trainSamples,
      valSamples,
      deadline: options.deadline,
      signal: options.signal,
      journal: options.journal,
      onProgress: options.onProgress,
      runsPlanned,
      searchSeconds: plan.rounds.reduce((sum, r) => sum + runsIn(r) * r.trainSeconds, 0) / PLAN.trainShare,
    });
  }

  async run(): Promise<SearchOutcome> {
    let entrants = this.sizes;
    for (const [round, planned] of this.options.plan.rounds.entries()) {
      if (this.options.signal?.aborted || !entrants.length || this.dispatcher.cut) break;
      const record = await this.runRung(round, planned, entrants);
      if (!record.entries.some((e) => e.run)) break;
      this.records.push(record);
      entrants = rankSizes(record, this.baseline);
    }
    const decisive = this.records[this.records.length - 1] ?? null;
    const decided = decisive ? await this.decideOn(decisive) : null;
    return this.outcome(decided);
  }

  /** A rung: every entering size at its rates, and the default; at the top rung, the edge waves too. */
  private async runRung(round: number, planned: PlannedRound, entrants: readonly number[]): Promise<RungRecord> {
    const spec = this.scaledRound(round, planned);
    const rounds = this.options.plan.rounds.length;
    const top = round === rounds - 1;
    const folds = top ? (this.options.plan.race?.folds ?? null) : null;
    const record: RungRecord = { round, spec, rows: this.dispatcher.rowsFor(spec.trainSeconds), folds, entries: [] };
    const chosen = chooseEntrants(entrants.map((batchSize) => ({ batchSize })), spec.batchSizes).map((e) => e.batchSize);
    // A size's noise is measured at its centre rate, where the rung is the last it reaches.
    const next = this.options.plan.rounds[round + 1];
    const lastForSome = top || next.batchSizes < chosen.length;
    const noise = lastForSome ? noiseBatchesFor(spec.trainSeconds, this.noiseGradientMs, 1) : 0;
    const first = replicateAt(0, this.options.seed, folds);
    const jobs = chosen.flatMap((b) =>
      spec.lrFactors.map((factor, i) => this.job({ batchSize: b, learningRate: ratesAround(this.centre(b), spec.lrFactors)[i], schedule: 'linear-decay' }, record, first, factor === 1 ? noise : 0)),
    );
    jobs.push(this.job(this.baseline, record, first));
    await this.train(record, jobs);
    if (top && !this.dispatcher.cut && !this.options.signal?.aborted) await this.edgeWaves(record);
    return record;
  }

  /**
   * The rung's length, shrunk (with the rungs after it) to fit the time left, as a resumed
   * search's previous run shrunk it; the first rung as planned.
   */
  private scaledRound(round: number, planned: PlannedRound): PlannedRound {
    const { journal, deadline, plan } = this.options;
    const previous = journal?.previousScale(round);
    if (previous !== undefined) this.scale = previous;
    else if (round > 0 && deadline !== undefined) {
      const race = plan.race ? EDGE_RUNS + (plan.race.contenders + 1) * (plan.race.replicates - 1) : 0;
      const left = plan.rounds.slice(round).map((r, i) => ({
        runs: Math.min(r.batchSizes, this.sizes.length) * r.lrFactors.length + 1 + (round + i === plan.rounds.length - 1 ? race : 0),
        seconds: r.trainSeconds * this.dispatcher.slowdown(),
      }));
      this.scale = fitRounds(left, (deadline - Date.now()) / 1000, this.dispatcher.overheadFor, this.dispatcher.parallel);
    }
    journal?.recordScale(round, this.scale);
    const scale = this.scale;
    return {
      ...planned,
      trainSeconds: planned.trainSeconds * scale,
      ...(planned.length ? { length: { ...planned.length, value: planned.length.value * scale, fraction: planned.length.fraction * scale } } : {}),
    };
  }

  private job(config: RunConfig, record: RungRecord, replicate: Replicate, noiseBatches = 0): Job {
    const key = configKey(config);
    this.configs.set(key, config);
    const spec: RunSpec = {
      batchSize: config.batchSize,
      learningRate: config.learningRate,
      ...this.dispatcher.lengthOf(record.spec, config.batchSize),
      schedule: config.schedule,
      seed: replicate.seed,
      precondition: this.options.precondition,
      maxBatch: this.options.maxBatch,
      measureNoise: noiseBatches > 0,
      noiseBatches,
      evaluationRows: record.rows,
      // Every data order is measured on the same validation rows, so the comparisons stay paired.
      evaluationSeed: this.options.seed,
      ...(replicate.fold ? { fold: replicate.fold } : {}),
    };
    return { spec, config: key };
  }

  /** Trains `jobs` (`optional`: see `RunDispatcher.dispatch`) and files every run that ran in the rung and in its size's record. */
  private async train(record: RungRecord, jobs: Job[], optional = false): Promise<{ started: number; trained: number }> {
    const rounds = this.options.plan.rounds.length;
    const done = await this.dispatcher.dispatch(jobs, record.spec, record.round, rounds, optional);
    let trained = 0;
    for (const d of done) {
      if (!d.outcome) continue;
      const replicate: Replicate = { seed: d.job.spec.seed, ...(d.job.spec.fold ? { fold: d.job.spec.fold } : {}) };
      record.entries.push({ config: d.job.config, replicate, run: d.outcome.run ?? null });
      if (d.outcome.run) trained++;
      if (this.configs.get(d.job.config)!.default) this.baselineRuns.push(this.runRecord(record, d));
      else this.history.get(d.job.spec.batchSize)?.push(this.runRecord(record, d));
    }
    return { started: done.filter((d) => d.outcome).length, trained };
  }

  private runRecord(record: RungRecord, d: Dispatched): SearchRun {
    const { spec } = d.job;
    return {
      ...runRecord(record.round, spec.learningRate, d.outcome!),
      ...(spec.seed !== this.options.seed ? { seed: spec.seed } : {}),
      ...(spec.fold ? { fold: spec.fold.index } : {}),
      ...(record.spec.length ? { length: record.spec.length.value } : {}),
      ...(d.reused ? { reused: true } : {}),
    };
  }

  /**
   * When the best run's rate is the highest (or lowest) its size tried, `EDGE_RUNS` more
   * at the next rates out, half a decade apart, and again while the best stays at the edge.
   */
  private async edgeWaves(record: RungRecord): Promise<void> {
    for (let wave = 0; wave < EDGE_WAVES; wave++) {
      const first = record.entries.filter((e) => e.run && e.run.valLoss !== null && !this.configs.get(e.config)!.default);
      if (!first.length) return;
      const leader = first.reduce((a, b) => (b.run!.valLoss! < a.run!.valLoss! ? b : a)).run!;
      const tried = first.filter((e) => e.run!.batchSize === leader.batchSize).map((e) => e.run!.learningRate);
      const all = record.entries.filter((e) => e.run?.batchSize === leader.batchSize && !this.configs.get(e.config)!.default).map((e) => e.run!.learningRate);
      const edges = edgeRates(leader, all.length ? all : tried, EDGE_FACTOR, EDGE_RUNS);
      if (!edges.length) return;
      const jobs = edges.map((learningRate) => this.job({ batchSize: leader.batchSize, learningRate, schedule: 'linear-decay' }, record, replicateAt(0, this.options.seed, record.folds)));
      if (!this.dispatcher.fits(jobs.map((j) => j.spec), record.spec)) return;
      if ((await this.train(record, jobs, true)).trained < edges.length) return;
    }
  }

  /** The measurements of a rung, as the decision weighs them. */
  private measurements(record: RungRecord): Measurement[] {
    return record.entries.map((e) => ({
      config: e.config,
      replicate: replicateKey(e.replicate),
      rows: rowsKey(e.replicate, record.rows),
      loss: e.run && !e.run.diverged ? e.run.valLoss : null,
      losses: e.run && !e.run.diverged ? e.run.valLosses : null,
    }));
  }

  /**
   * The decision on the decisive rung, racing its closest configurations first when it is
   * the planned top rung and the time allows (see `nextContenders`).
   */
  private async decideOn(record: RungRecord): Promise<{ decision: Decision; document: SearchDecision; fraction: number } | null> {
    const { plan, seed } = this.options;
    const learnedTest = new LearnedTest(this.tf, this.workload, (replicate) => ({
      evaluationRows: record.rows,
      evaluationSeed: seed,
      seed,
      maxBatch: this.options.maxBatch,
      ...(replicate.fold ? { fold: replicate.fold } : {}),
    }));
    const fraction = record.spec.length?.fraction ?? 0;
    const eligible = (key: string) => this.eligible(key, record);
    const baseline = record.entries.some((e) => e.config === 'default' && e.run) ? 'default' : null;
    const throughput = (key: string) => this.ok.find((t) => t.batchSize === this.configs.get(key)!.batchSize)?.samplesPerSec ?? null;
    const racing = record.round === plan.rounds.length - 1 && plan.race !== undefined;
    const race = { stop: (racing ? 'settled' : 'budget') as RaceStop, over: record.folds ? ('folds' as const) : ('data orders' as const), maxReplicates: (plan.race?.replicates ?? 1) * RACE_EXTENSION, waves: 0, runs: 0 };
    for (;;) {
      // Pooled over every replicate so far: the race's runs add power to the learned test too.
      const learned = await learnedTest.over(record.entries);
      const evidence = weighEvidence(this.measurements(record));
      const decision = decide(evidence, { baseline, throughput, learned, eligible });
      if (!decision) return null;
      const stop = racing ? await this.raceWave(record, evidence, decision, race) : null;
      if (!racing || stop) {
        if (stop) race.stop = stop;
        const replicates = (key: string) => record.entries.filter((e) => e.config === key).map((e) => ({ seed: e.replicate.seed, ...(e.replicate.fold ? { fold: e.replicate.fold.index } : {}), loss: e.run && !e.run.diverged ? e.run.valLoss : null }));
        const folds = record.folds ? { count: record.folds, rows: this.foldRows(record.folds) } : undefined;
        const document = recordDecision({ evidence, decision, configs: this.configs, replicates, learned, rung: this.records.indexOf(record), fraction, race, ...(folds ? { folds } : {}) });
        return { decision, document, fraction };
      }
    }
  }

  /** One wave of the race; the reason it is over instead, when it is. */
  private async raceWave(record: RungRecord, evidence: ReturnType<typeof weighEvidence>, decision: Decision, race: { waves: number; runs: number; maxReplicates: number }): Promise<RaceStop | null> {
    if (this.options.signal?.aborted) return 'interrupted';
    const next = nextContenders(evidence, decision, { maxReplicates: race.maxReplicates, maxContenders: this.options.plan.race!.contenders, baseline: decision.pick === 'default' || evidence.estimates.some((e) => e.config === 'default') ? 'default' : null, eligible: (key) => this.eligible(key, record) });
    if (next.stop) return next.stop;
    const count = (key: string) => record.entries.filter((e) => e.config === key).length;
    const jobs = next.configs.map((key) => this.job(this.configs.get(key)!, record, replicateAt(count(key), this.options.seed, record.folds)));
    if (this.dispatcher.cut || !this.dispatcher.fits(jobs.map((j) => j.spec), record.spec)) return 'budget';
    const { started } = await this.train(record, jobs, true);
    if (started < jobs.length) return this.options.signal?.aborted ? 'interrupted' : 'budget';
    race.waves++;
    race.runs += jobs.length;
    return null;
  }

  /** Whether a configuration may be the answer on this rung (see `MIN_EXTRAPOLATED_STEPS`). */
  private eligible(key: string, record: RungRecord): boolean {
    const config = this.configs.get(key)!;
    const length = record.spec.length;
    if (config.default || !length || length.fraction >= 1 - 1e-9) return true;
    const horizon = length.value / length.fraction;
    const stepMs = this.ok.find((t) => t.batchSize === config.batchSize)?.stepMs ?? null;
    const steps = length.unit === 'epochs' ? epochSteps(horizon, this.workload.info.trainSamples, config.batchSize) : stepMs ? (horizon * 1000) / stepMs : Infinity;
    return steps >= MIN_EXTRAPOLATED_STEPS;
  }

  private foldRows(folds: number): number[] {
    const { trainSamples, valSamples } = this.workload.info;
    const total = trainSamples + valSamples;
    return Array.from({ length: folds }, (_, i) => (i === folds - 1 && Math.round(total / valSamples) === folds ? total - i * valSamples : valSamples));
  }

  private outcome(decided: { decision: Decision; document: SearchDecision; fraction: number } | null): SearchOutcome {
    return buildOutcome({
      records: this.records,
      sizes: this.sizes,
      configs: this.configs,
      history: this.history,
      baseline: { ...this.baseline, runs: this.baselineRuns },
      decided,
      trialOf: (b) => this.ok.find((t) => t.batchSize === b),
      noiseAtInit: this.options.noiseAtInit,
      dispatcher: this.dispatcher,
      aborted: this.options.signal?.aborted === true,
      plannedRounds: this.options.plan.rounds.length,
      race: this.options.plan.race,
    });
  }
}

/** The sizes of a rung that trained without diverging, best first by their best run (the default aside). */
function rankSizes(record: RungRecord, baseline: RunConfig): number[] {
  const best = new Map<number, number>();
  for (const e of record.entries) {
    if (e.config === configKey(baseline) || !e.run || e.run.diverged || e.run.valLoss === null) continue;
    const b = e.run.batchSize;
    best.set(b, Math.min(best.get(b) ?? Infinity, e.run.valLoss));
  }
  return [...best.entries()].sort((p, q) => p[1] - q[1]).map(([b]) => b);
}

interface OutcomeInputs {
  records: readonly RungRecord[];
  sizes: readonly number[];
  configs: ReadonlyMap<string, RunConfig>;
  history: ReadonlyMap<number, SearchRun[]>;
  baseline: RunConfig & { runs: SearchRun[] };
  decided: { decision: Decision; document: SearchDecision; fraction: number } | null;
  trialOf: (b: number) => Trial | undefined;
  noiseAtInit: NoiseEstimate | null;
  dispatcher: RunDispatcher;
  aborted: boolean;
  plannedRounds: number;
  race?: SearchPlan['race'];
}

/** The search's outcome: each size's candidate record, the noise at the end of training, the rungs, the decision. */
function buildOutcome(inputs: OutcomeInputs): SearchOutcome {
  const { records, decided } = inputs;
  const decisive = records[records.length - 1];
  const doc = decided?.document ?? null;
  const candidates: Candidate[] = [];
  const noiseRuns: CandidateRun[] = [];
  for (const b of inputs.sizes) {
    const last = [...records].reverse().find((r) => r.entries.some((e) => e.run?.batchSize === b && !inputs.configs.get(e.config)!.default));
    if (!last) continue;
    const own = last.entries.filter((e) => e.run && e.run.batchSize === b && !inputs.configs.get(e.config)!.default);
    const measuredRuns = own.map((e) => e.run!).filter((r) => r.noise !== null);
    noiseRuns.push(...measuredRuns.slice(0, 1));
    const expected = last === decisive && doc ? doc.configs.filter((c) => !c.default && c.batchSize === b && c.expectedLoss !== null) : [];
    const bestConfig = expected.length ? expected.reduce((p, q) => (q.expectedLoss! < p.expectedLoss! ? q : p)) : null;
    const finite = own.filter((e) => e.run!.valLoss !== null && !e.run!.diverged);
    const bestRun = bestConfig
      ? own.find((e) => configKeyOf(inputs.configs, e.config) === configKey(bestConfig) && e.replicate.seed === own[0].replicate.seed)?.run ?? own[0].run!
      : (finite.length ? finite.reduce((p, q) => (q.run!.valLoss! < p.run!.valLoss! ? q : p)) : own[own.length - 1]).run!;
    const candidate = toCandidate(bestRun, inputs.trialOf(b), last.round, inputs.history.get(b) ?? []);
    if (bestConfig) candidate.valLoss = bestConfig.expectedLoss;
    if (!candidate.noiseToSignal && measuredRuns[0]) Object.assign(candidate, noiseFields(measuredRuns[0]));
    candidates.push(candidate);
  }
  scoreCandidates(candidates, doc);
  const noise = noiseRuns.length ? summarize(noiseRuns.map((r) => r.noise!.plain)) : null;
  const preconditionedRuns = noiseRuns.filter((r) => r.noise!.preconditioned !== null);
  const preconditioned = preconditionedRuns.length ? summarize(preconditionedRuns.map((r) => r.noise!.preconditioned!)) : null;
  const pickRef = doc?.pick ?? null;
  const cut = inputs.dispatcher.cut || inputs.aborted || records.length < inputs.plannedRounds || records.length === 0;
  return {
    candidates,
    decision: doc,
    pick: pickRef ? { batchSize: pickRef.batchSize, learningRate: pickRef.learningRate, schedule: pickRef.schedule, ...(pickRef.default ? { default: true } : {}) } : null,
    baseline: inputs.baseline,
    noise,
    preconditioned,
    bNoise: credibleNoiseScale(noise) ?? credibleNoiseScale(inputs.noiseAtInit),
    cut,
    steps: inputs.dispatcher.steps,
    failures: inputs.dispatcher.failures,
    evaluatedRows: records.map((r) => r.rows),
    rungs: records.filter((r) => r.spec.length).map((r) => rungOf(r, inputs.configs)),
    measuredAtHorizon: !cut && decisive !== undefined && Math.abs((decisive.spec.length?.fraction ?? 0) - 1) < 1e-9,
  };
}

const configKeyOf = (configs: ReadonlyMap<string, RunConfig>, key: string) => configKey(configs.get(key)!);

/** A candidate's score (its expected loss over the best's, less 1) and whether it is tied with the best, from the decision. */
function scoreCandidates(candidates: Candidate[], doc: SearchDecision | null): void {
  const best = doc?.configs.find((c) => c.batchSize === doc.best.batchSize && c.learningRate === doc.best.learningRate && c.schedule === doc.best.schedule);
  for (const c of candidates) {
    const tied = doc?.tied.some((t) => !t.default && t.batchSize === c.batchSize && t.learningRate === c.learningRate) ?? false;
    c.tied = tied;
    c.score = best && best.expectedLoss && c.valLoss !== null && !c.diverged ? c.valLoss / best.expectedLoss - 1 : null;
  }
}

function rungOf(record: RungRecord, configs: ReadonlyMap<string, RunConfig>): SearchRung {
  const sized = record.entries.filter((e) => !configs.get(e.config)!.default);
  return {
    unit: record.spec.length!.unit,
    length: record.spec.length!.value,
    fraction: record.spec.length!.fraction,
    sizes: new Set(sized.map((e) => e.run?.batchSize).filter((b) => b !== undefined)).size,
    runs: record.entries.length,
    seeds: new Set(record.entries.map((e) => e.replicate.seed)).size,
  };
}

/** Share of a run's training time its noise measurement may take (the last rung a size reaches: all of it). */
export const NOISE_SHARE_OF_RUN = 0.5;

/**
 * Gradients for a run's noise measurement: as many of the usual 64 as fit in
 * `NOISE_SHARE_OF_RUN` of its training time, at least 16; 0 (none) when even 16 do not
 * fit. Without a measured gradient time, the usual 64.
 */
export function noiseBatchesFor(trainSeconds: number, gradientMs: number | null, share = NOISE_SHARE_OF_RUN): number {
  if (gradientMs === null || !(gradientMs > 0)) return NOISE_BATCHES.usual;
  const fit = Math.floor((share * trainSeconds * 1000) / (1.2 * gradientMs));
  return fit < NOISE_BATCHES.least ? 0 : Math.min(NOISE_BATCHES.usual, fit);
}

/**
 * The `n` sizes that go on, from `ranked` (best first): the best, then the best of the
 * larger sizes, then the rest in order. The critical batch grows as training goes on
 * (McCandlish et al. 2018), so the best batch for the user's long run is at least as large
 * as the best for a short one; a larger size that lost a short round narrowly gets its
 * longer run.
 */
export function chooseEntrants<T extends { batchSize: number }>(ranked: readonly T[], n: number): T[] {
  if (n >= ranked.length || n < 2) return ranked.slice(0, n);
  const [best, ...rest] = ranked;
  const larger = rest.find((e) => e.batchSize > best.batchSize);
  const chosen = larger ? [best, larger] : [best];
  return [...chosen, ...rest.filter((e) => !chosen.includes(e))].slice(0, n);
}

/**
 * The factor (at most 1) by which the rungs left must shrink, all together so each
 * rung stays equal within itself, to end within `secondsLeft` less `FIT_MARGIN` of it,
 * given what a run costs besides training (`overheadFor` its training seconds: a longer
 * run evaluates more rows), with a rung's runs `parallel` at a time. Never below a
 * tenth: a rung that short still ranks, and the time budget is a target, not a kill switch.
 */
export function fitRounds(
  left: readonly { runs: number; seconds: number }[],
  secondsLeft: number,
  overheadFor: (trainSeconds: number) => number,
  parallel = 1,
): number {
  const waves = (runs: number) => Math.ceil(runs / Math.max(1, parallel));
  if (left.every((r) => !(r.seconds > 0))) return 1;
  const total = (scale: number) => left.reduce((sum, r) => sum + waves(r.runs) * (r.seconds * scale + overheadFor(r.seconds * scale)), 0);
  const target = (1 - FIT_MARGIN) * secondsLeft;
  if (total(1) <= target) return 1;
  let [low, high] = [0.1, 1];
  if (total(low) >= target) return low;
  // The total grows with the scale: bisect for the largest that fits.
  for (let i = 0; i < 50; i++) {
    const mid = (low + high) / 2;
    if (total(mid) <= target) low = mid;
    else high = mid;
  }
  return low;
}

/**
 * Share of the time left that the rungs left are not planned into. A rung's runs all
 * train equally long, so a rung cannot shrink once it has started; its waves each end
 * with their slowest run and vary by a few percent from the mean the plan uses, and a
 * run that would not end by the deadline is not started (the search is then cut). Fitted
 * to the very second, the last rung lost its last run about one time in two on a quiet
 * machine (a 50 s budget, mnist-mlp, two processes); a tenth of the time left absorbs that.
 */
export const FIT_MARGIN = 0.1;

/** A run's record in its size's `runs`: a run whose process died says how. */
function runRecord(round: number, learningRate: number, outcome: RunOutcome): SearchRun {
  const where = {
    ...(outcome.process === null ? {} : { process: outcome.process }),
    ...(outcome.worker === undefined ? {} : { worker: outcome.worker }),
    ...(outcome.retries ? { retries: outcome.retries } : {}),
  };
  if (!outcome.run) return { round, learningRate, steps: 0, valLoss: null, diverged: false, status: outcome.failure.status, error: outcome.failure.error, ...where };
  const { steps, valLoss, diverged } = outcome.run;
  return { round, learningRate, steps, valLoss, diverged, ...where };
}

function noiseFields(r: CandidateRun): Pick<Candidate, 'gradientVariance' | 'noiseToSignal'> {
  return {
    gradientVariance: r.noise ? r.noise.plain.traceSigma / r.batchSize : null,
    noiseToSignal: r.noise && measurable(r.noise.plain) ? r.noise.plain.bSimple / r.batchSize : null,
  };
}

/** A candidate's record, before scoring. */
function toCandidate(r: CandidateRun, trial: Trial | undefined, round: number, runs: readonly SearchRun[]): Candidate {
  return {
    round,
    runs: [...runs],
    batchSize: r.batchSize,
    learningRate: r.learningRate,
    valLoss: r.valLoss,
    trainLoss: r.trainLoss,
    ...noiseFields(r),
    diverged: r.diverged,
    steps: r.steps,
    samplesSeen: r.samplesSeen,
    score: null,
    tied: false,
    lossDropPerSec: r.diverged ? null : r.lossDropPerSec,
    generalizationGap: r.valLoss !== null && r.trainLoss !== null ? r.valLoss - r.trainLoss : null,
    peakBytes: trial?.peakBytes ?? null,
    samplesPerSec: trial?.samplesPerSec ?? null,
    lossVolatility: r.lossVolatility,
    curve: r.curve,
  };
}

/**
 * Averages measurements taken at different weights (parts apart, then divides). Its
 * standard error is a leave-one-out jackknife over the measurements: the spread of the
 * estimate across the candidates' weights, not within one measurement.
 */
export function summarize(estimates: readonly NoiseEstimateWithError[]): NoiseEstimate {
  const combined = combineNoise(estimates);
  const n = estimates.length;
  if (n < 3) return { ...combined, standardError: n === 1 ? estimates[0].standardError : null };
  const leaveOut = estimates.map((_, i) => combineNoise(estimates.filter((__, j) => j !== i)).bSimple);
  const mean = leaveOut.reduce((a, b) => a + b, 0) / n;
  const standardError = Math.sqrt(((n - 1) / n) * leaveOut.reduce((a, v) => a + (v - mean) ** 2, 0));
  return { ...combined, standardError };
}

export { DEFAULT_BATCH };
