import type { Candidate, NoiseEstimate, ProbeResult, Trial } from '../document';
import { scaleLearningRate } from '../lr/scaling';
import { credibleNoiseScale, measurable } from '../noise/credible';
import { combineNoise, type NoiseEstimateWithError } from '../noise/estimator';
import type { ProgressEvent } from '../progress';
import type { TF } from '../platform/tf';
import type { OptimizerSpec, Workload } from '../workloads/workload';
import { NOISE_BATCHES, PLAN, type PlannedRound, type SearchPlan } from './plan';
import { epochSteps } from '../lr/horizon';
import type { SearchRung } from '../document';
import { NOISE_BATCH, gradientMs } from '../noise/at-init';
import { chooseCandidates } from './candidates';
import { evaluationRowSeconds, evaluationRows, evaluationSeconds } from './evaluation-cost';
import { HORIZON_TIE_RELATIVE, TIE_MAX_RELATIVE, pickRate, scoreCandidates, statisticalEfficiency, type ScoreResult } from './score';
import { dispatchInOrder } from '../runner/dispatch';
import type { RunOutcome, RunSpec, RunWorker } from '../runner/run-spec';
import { inProcessWorker, type CandidateRun } from './train-candidate';
import { LR_EDGE_STEP, bestRate, mergeSeeds, refineAtHorizon, type Config } from './refine';
import type { SearchJournal } from './journal';

export interface SearchOptions {
  probe: ProbeResult;
  /** Plain noise scale at the initial weights: places candidates and scales their learning rates. */
  noiseAtInit: NoiseEstimate | null;
  /** Learning rate found at `referenceBatch` by the LR range test (or the optimizer's default). */
  referenceLr: number;
  referenceBatch: number;
  optimizer: OptimizerSpec;
  /** The rounds and their times (see `planSearch`). */
  plan: SearchPlan;
  /**
   * When the search must end (ms since the epoch). Before each round after the first, the
   * rounds left shrink together to fit it, evaluation time as measured so far included.
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
   * round's runs dispatched in the plan's order and gathered in it, so the decisions are
   * those of one process given the same plan.
   * @default this process, one run at a time
   */
  workers?: readonly RunWorker[];
  /**
   * Records the search for a checkpoint; given a previous search's record (a resumed
   * tuning), its rounds run at the factors they ran at then and its finished runs are
   * reused, not trained again (see `SearchJournal`).
   */
  journal?: SearchJournal;
}

export interface SearchOutcome {
  /** One per batch size: its best run in the last round it reached. */
  candidates: Candidate[];
  /** Scores of the candidates that reached the last round; null where a candidate did not. */
  score: ScoreResult | null;
  /** Noise at the candidates' final weights, averaged (numerators and denominators apart). */
  noise: NoiseEstimate | null;
  preconditioned: NoiseEstimate | null;
  /** The noise scale used for goodput and efficiency: at the end of training if measured, else at init. */
  bNoise: number | null;
  /** True when the deadline stopped the search before every planned run. */
  cut: boolean;
  /** Training steps of every run, summed: with the search's wall time, its throughput. */
  steps: number;
  /** Runs whose process died (see `RunFailure`); each is also in its size's `runs`. */
  failures: number;
  /** Validation rows each round's runs were measured on (see `EVALUATION`), one per round that ran. */
  evaluatedRows: number[];
  /** The rounds that ran, in the horizon's unit (plans with `length`); empty for rounds of plain seconds. */
  rungs: SearchRung[];
  /** True when the last round that ran was the user's whole horizon, uncut: its decision needs no extrapolation. */
  measuredAtHorizon: boolean;
}

/** One training run of the search, as the document records it. */
export type SearchRun = NonNullable<Candidate['runs']>[number];

/** A batch size still in the search, at the learning rate it goes on with. */
interface Entrant {
  batchSize: number;
  learningRate: number;
}

/**
 * The short search, by successive halving. A few batch sizes (see `chooseCandidates`),
 * each at learning rates around its scaled rate η(B), train from the same initial
 * weights and data order for the same time (as steps: see `equalTime`), each with the
 * recommended schedule compressed to its length (the rate is the schedule's peak), and
 * are scored on validation loss. Each batch size keeps its rate (see `pickRate`); the best sizes train again,
 * longer, from the start; the last round decides (see `scoreCandidates`).
 */
export async function searchBatchSizes(tf: TF, workload: Workload, options: SearchOptions): Promise<SearchOutcome> {
  const { plan } = options;
  const ok = options.probe.trials.filter((t) => t.status === 'ok');
  const sizes =
    plan.sizes?.filter((b) => b <= options.maxBatch) ??
    chooseCandidates(
      ok.map((t) => t.batchSize).filter((b) => b <= options.maxBatch),
      Math.min(options.probe.throughputKnee!, options.maxBatch),
      credibleNoiseScale(options.noiseAtInit),
      plan.count,
    );
  // A noise scale weighs as much as its standard error allows (see `credibleNoiseScale`).
  const bNoiseInit = credibleNoiseScale(options.noiseAtInit) ?? 0;
  const trialOf = (b: number) => ok.find((t) => t.batchSize === b);
  const runsIn = (r: SearchPlan['rounds'][number]) => Math.min(r.batchSizes, sizes.length) * r.lrFactors.length;
  const runsPlanned = plan.rounds.reduce((sum, r) => sum + runsIn(r), 0);
  const searchSeconds = plan.rounds.reduce((sum, r) => sum + runsIn(r) * r.trainSeconds, 0) / PLAN.trainShare;
  const rounds = plan.rounds.length;

  const history = new Map<number, SearchRun[]>(sizes.map((b) => [b, []]));
  const latest = new Map<number, { run: CandidateRun; round: number }>();
  let entrants: Entrant[] = sizes.map((b) => ({
    batchSize: b,
    learningRate: scaleLearningRate(options.referenceLr, options.referenceBatch, b, bNoiseInit, options.optimizer.name),
  }));
  let index = 0;
  let lastRound = -1;
  let runsDone = 0;
  let scale = 1;
  // A plan with no round (the time went, e.g. to starting the pool) is a search cut, not a finished one.
  let cut = plan.rounds.length === 0 || plan.count === 0;
  let steps = 0;
  let failures = 0;
  const workers = options.workers?.length ? options.workers : [inProcessWorker(tf, workload)];
  const { journal } = options;
  // One gradient at the noise measurement's batch, from the probe: sizes each run's measurement.
  const noiseGradientMs = gradientMs(options.probe.trials, Math.min(NOISE_BATCH, options.maxBatch));
  // A run's time besides training: its evaluation, a row's cost costed from the probe
  // until runs have measured it, and the rest (its noise measurement, the model's build,
  // the messages), as measured so far.
  const probeRowSeconds = evaluationRowSeconds(ok, options.maxBatch);
  let evaluatedRows = 0;
  let evaluatingSeconds = 0;
  let otherSeconds = 0;
  const rowSeconds = () => (evaluatedRows > 0 ? evaluatingSeconds / evaluatedRows : probeRowSeconds);
  const { valSamples, trainSamples } = workload.info;
  const rowsFor = (trainSeconds: number) => evaluationRows(trainSeconds, rowSeconds(), valSamples);
  const overheadFor = (trainSeconds: number) =>
    evaluationSeconds(rowsFor(trainSeconds), trainSamples, rowSeconds()) + (runsDone ? otherSeconds / runsDone : 0);
  const roundRows: number[] = [];
  const rungs: SearchRung[] = [];
  // How much slower runs train than the probe's lone step times said: processes side by
  // side slow each other (15-20 % on 2 cores), and a machine can get busier. Runs keep
  // their step counts; the time they take is what the rounds left and the deadline see.
  let trainedSeconds = 0;
  let expectedTrainSeconds = 0;
  const slowdown = () => (expectedTrainSeconds > 0 ? Math.max(1, trainedSeconds / expectedTrainSeconds) : 1);
  const overrun = workers.length > 1 ? SLOT_OVERRUN * POOL_OVERRUN : SLOT_OVERRUN;
  // A run's steps and wall-time cap: its round's length in the horizon's unit, or its training seconds.
  const lengthOf = (spec: PlannedRound, b: number): { seconds: number; steps?: number } => {
    const stepMs = trialOf(b)?.stepMs ?? null;
    if (spec.length?.unit === 'epochs') {
      const runSteps = epochSteps(spec.length.value, trainSamples, b);
      // Every size trains the same epochs: a busy machine may slow a run, never shorten it, short of a stall.
      return { steps: runSteps, seconds: stepMs ? EPOCH_OVERRUN * ((runSteps * stepMs) / 1000) + 2 : Number.POSITIVE_INFINITY };
    }
    return equalTime(spec.length?.value ?? spec.trainSeconds, stepMs, overrun);
  };
  // A run's expected seconds: its steps at the probe's step time, slowed as measured so far, and what it costs besides training.
  const expectedSeconds = (job: RunSpec, spec: PlannedRound) =>
    (((job.steps ?? 0) * (trialOf(job.batchSize)?.stepMs ?? 0)) / 1000) * slowdown() + overheadFor(spec.trainSeconds);
  const atHorizon = (spec: PlannedRound) => spec.length !== undefined && Math.abs(spec.length.fraction - 1) < 1e-9;

  /** Trains `jobs` (in order, across the workers), records each in its size's history, and returns the runs that trained. */
  const dispatch = async (jobs: RunSpec[], spec: PlannedRound, round: number, rounds: number): Promise<(CandidateRun | null)[]> => {
    const first = index;
    const started = new Map<number, number>();
    // Runs a resumed tuning's previous search finished: their outcomes, and the wall time they took then.
    const reusedSeconds = new Map<RunSpec, number>();
    const reuseOrRun = (worker: RunWorker) => async (job: RunSpec) => {
      const reused = journal?.reuse(job);
      if (!reused) return worker.run(job, options.signal);
      reusedSeconds.set(job, reused.seconds);
      return reused.outcome;
    };
    let inFlight = 0;
    const outcomes = await dispatchInOrder(
      jobs,
      workers.map(reuseOrRun),
      {
        mayStart: (i) => {
          if (options.signal?.aborted) return false;
          // A run finished before costs nothing: the deadline does not hold it back.
          if (journal?.has(jobs[i])) return true;
          if (cut) return false;
          // No run starts that cannot end by the deadline (and a second of the reserve after
          // it), at the measured step time and evaluation overhead.
          if (options.deadline !== undefined && Date.now() + expectedSeconds(jobs[i], spec) * 1000 > options.deadline + DEADLINE_GRACE_MS) cut = true;
          return !cut;
        },
        onStart: (i, w) => {
          started.set(i, performance.now());
          inFlight++;
          const { batchSize, learningRate } = jobs[i];
          options.onProgress?.({
            type: 'candidate-start', batchSize, learningRate, index: first + i, count: Math.max(runsPlanned, first + jobs.length), seconds: spec.trainSeconds, searchSeconds, round, rounds,
            process: workers[w].slot, inFlight,
          });
        },
        onEnd: (i, outcome, w) => {
          inFlight--;
          runsDone++;
          const wallSeconds = reusedSeconds.get(jobs[i]) ?? (performance.now() - started.get(i)!) / 1000;
          journal?.record(jobs[i], outcome, wallSeconds);
          if (outcome.run) {
            const { trainSeconds, evaluationSeconds: evaluating = 0, valLosses } = outcome.run;
            otherSeconds += Math.max(0, wallSeconds - trainSeconds - evaluating);
            if (valLosses && evaluating > 0) {
              evaluatedRows += valLosses.length + Math.min(valLosses.length, trainSamples);
              evaluatingSeconds += evaluating;
            }
            const stepMs = trialOf(jobs[i].batchSize)?.stepMs;
            if (stepMs && outcome.run.steps > 0) {
              trainedSeconds += outcome.run.trainSeconds;
              expectedTrainSeconds += (outcome.run.steps * stepMs) / 1000;
            }
          }
          const candidate = outcome.run ? toCandidate(outcome.run, trialOf(jobs[i].batchSize), round, []) : null;
          options.onProgress?.({
            type: 'candidate-end', candidate: candidate ?? failedCandidate(jobs[i], round), index: first + i, count: Math.max(runsPlanned, first + jobs.length), round, rounds,
            process: workers[w].slot, inFlight, ...(outcome.failure ? { failure: outcome.failure } : {}),
          });
        },
      },
    );
    // Gathered in the plan's order, whichever process ran each run and whenever it ended.
    return outcomes.map((outcome, i) => {
      if (!outcome) return null;
      const { batchSize, learningRate, seed } = jobs[i];
      const extra = { ...(seed !== options.seed ? { seed } : {}), ...(spec.length ? { length: spec.length.value } : {}), ...(reusedSeconds.has(jobs[i]) ? { reused: true } : {}) };
      history.get(batchSize)!.push({ ...runRecord(round, learningRate, outcome), ...extra });
      index++;
      if (!outcome.run) {
        failures++;
        return null;
      }
      steps += outcome.run.steps;
      return outcome.run;
    });
  };

  let measuredAtHorizon = false;
  for (const [round, planned] of plan.rounds.entries()) {
    if (options.signal?.aborted || !entrants.length || cut) break;
    // A round a resumed tuning's previous search started keeps its factor: its runs are the same runs.
    const previousScale = journal?.previousScale(round);
    if (previousScale !== undefined) scale = previousScale;
    else if (round > 0 && options.deadline !== undefined) {
      const left = plan.rounds.slice(round).map((r) => ({ runs: runsIn(r), seconds: r.trainSeconds * slowdown() }));
      scale = fitRounds(left, (options.deadline - Date.now()) / 1000, overheadFor, workers.length);
    }
    journal?.recordScale(round, scale);
    const spec: PlannedRound = {
      ...planned,
      trainSeconds: planned.trainSeconds * scale,
      ...(planned.length ? { length: { ...planned.length, value: planned.length.value * scale, fraction: planned.length.fraction * scale } } : {}),
    };
    // Every run of the round is measured on the same validation rows.
    const rows = rowsFor(spec.trainSeconds);
    const factors = spec.lrFactors;
    const horizonRound = atHorizon(spec);
    // A round of several rates measures noise at the size's own rate (factor 1) alone, and
    // only where it is the last round of some sizes (the last, or one the next round does not
    // train every size of), where the candidates' records come from: one measurement per
    // size, whichever rate it keeps (the final weights differ little between them).
    const next = plan.rounds[round + 1];
    const lastForSome = round === rounds - 1 || next.batchSizes < Math.min(spec.batchSizes, entrants.length);
    const measureNoiseAt = (factor: number) => factors.length === 1 || (lastForSome && factor === 1);
    const jobFor = (batchSize: number, learningRate: number, factor: number, seed = options.seed): RunSpec => {
      // A size's last measurement is the one the decision and the document use: in the last
      // round, or one that ends some sizes, it may take as long as the run's training (on
      // short rungs half of it fitted fewer than 16 gradients, and an eliminated size had no
      // noise record); in earlier rounds, half of it.
      const noiseBatches = measureNoiseAt(factor) && seed === options.seed ? noiseBatchesFor(spec.trainSeconds, noiseGradientMs, lastForSome ? 1 : NOISE_SHARE_OF_RUN) : 0;
      return {
        batchSize,
        learningRate,
        ...lengthOf(spec, batchSize),
        schedule: 'linear-decay',
        seed,
        precondition: options.precondition,
        maxBatch: options.maxBatch,
        measureNoise: noiseBatches > 0,
        noiseBatches,
        evaluationRows: rows,
        // Every data order is measured on the same validation rows, so the comparisons stay paired.
        evaluationSeed: options.seed,
      };
    };
    const chosen = chooseEntrants(entrants, spec.batchSizes);
    const jobs = chosen.flatMap((entrant) => factors.map((factor) => jobFor(entrant.batchSize, entrant.learningRate * factor, factor)));
    const trained = await dispatch(jobs, spec, round, rounds);
    const runs = trained.filter((r): r is CandidateRun => r !== null);
    if (!runs.length) break;
    roundRows.push(rows);
    // At the user's horizon, the closest contenders settle what one data order cannot: a
    // rate at the edge of those tried gets the next one out, and the best and those within
    // its seeds' spread train on more data orders (see `refineAtHorizon`).
    const configs: Config[] = runs.map((run) => ({ run, seeds: [run] }));
    if (horizonRound && !cut && !options.signal?.aborted) {
      await refineAtHorizon(configs, {
        seeds: plan.seeds ?? 1,
        seed: options.seed,
        edgeFactor: LR_EDGE_STEP,
        // A refinement is optional: a wave that would not end by the deadline is not started, and the search is not cut for it.
        train: async (wave) => {
          const jobs = wave.map((j) => jobFor(j.batchSize, j.learningRate, 0, j.seed));
          const fresh = jobs.filter((job) => !journal?.has(job));
          const expected = fresh.length ? Math.ceil(fresh.length / workers.length) * Math.max(...fresh.map((job) => expectedSeconds(job, spec))) : 0;
          if (options.deadline !== undefined && Date.now() + expected * 1000 > options.deadline - DEADLINE_GRACE_MS) return jobs.map(() => null);
          return dispatch(jobs, spec, round, rounds);
        },
        ratesTried: (b) => configs.filter((c) => c.run.batchSize === b).map((c) => c.run.learningRate),
      });
    }
    const merged = configs.map(mergeSeeds);
    // Each size's run at the rate it goes on with (see `pickRate`): at the horizon, the
    // best measured; below it, the lowest rate tied with the best. A size whose runs all diverged keeps its last.
    const bySize = new Map<number, CandidateRun[]>();
    for (const run of merged) bySize.set(run.batchSize, [...(bySize.get(run.batchSize) ?? []), run]);
    const kept = [...bySize.values()].map((sizeRuns) => {
      const rate = horizonRound ? bestRate(sizeRuns) : pickRate(sizeRuns);
      const run = sizeRuns.find((r) => r.learningRate === rate) ?? sizeRuns[sizeRuns.length - 1];
      return { ...run, noise: run.noise ?? sizeRuns.find((r) => r.noise !== null)?.noise ?? null };
    });
    for (const run of kept) latest.set(run.batchSize, { run, round });
    lastRound = round;
    measuredAtHorizon = horizonRound;
    if (spec.length) {
      const seedCounts = configs.map((c) => c.seeds.length);
      rungs.push({
        unit: spec.length.unit,
        length: spec.length.value,
        fraction: spec.length.fraction,
        sizes: bySize.size,
        runs: configs.reduce((sum, c) => sum + c.seeds.length, 0),
        seeds: Math.max(1, ...seedCounts),
      });
    }
    // The next round: the sizes that trained without diverging, best first, each at its rate.
    entrants = kept
      .filter((r) => r.valLoss !== null)
      .sort((p, q) => p.valLoss! - q.valLoss!)
      .map((r) => ({ batchSize: r.batchSize, learningRate: r.learningRate }));
  }

  const reached = sizes.filter((b) => latest.has(b));
  const runs = reached.map((b) => latest.get(b)!.run);
  const candidates = reached.map((b) => toCandidate(latest.get(b)!.run, trialOf(b), latest.get(b)!.round, history.get(b)!));
  const measured = runs.filter((r) => r.noise !== null);
  const noise = measured.length ? summarize(measured.map((r) => r.noise!.plain)) : null;
  const preconditionedRuns = measured.filter((r) => r.noise!.preconditioned !== null);
  const preconditioned = preconditionedRuns.length ? summarize(preconditionedRuns.map((r) => r.noise!.preconditioned!)) : null;
  const bNoise = credibleNoiseScale(noise) ?? credibleNoiseScale(options.noiseAtInit);
  const smallest = Math.min(...reached);
  const throughput = (b: number) => trialOf(b)?.samplesPerSec ?? 0;
  // At the horizon every size trained the same epochs: its loss already holds what its
  // statistical efficiency costs, and a tie goes to the size that trains them fastest.
  const goodput = (b: number) => throughput(b) * (bNoise === null || measuredAtHorizon ? 1 : statisticalEfficiency(b, smallest, bNoise));

  // Only the last round's runs trained equally long: they alone are scored.
  const finalists = candidates.map((c, i) => i).filter((i) => candidates[i].round === lastRound);
  const finalScore = scoreCandidates(
    finalists.map((i) => ({ batchSize: runs[i].batchSize, valLosses: runs[i].valLosses, goodput: goodput(runs[i].batchSize) })),
    measuredAtHorizon ? HORIZON_TIE_RELATIVE : TIE_MAX_RELATIVE,
  );
  const score: ScoreResult | null = finalScore && {
    scores: candidates.map((_, i) => (finalists.includes(i) ? finalScore.scores[finalists.indexOf(i)] : null)),
    tied: finalScore.tied.map((j) => finalists[j]),
    winner: finalists[finalScore.winner],
    best: finalists[finalScore.best],
  };
  candidates.forEach((candidate, i) => {
    candidate.score = score?.scores[i] ?? null;
    candidate.tied = score?.tied.includes(i) ?? false;
  });
  return { candidates, score, noise, preconditioned, bNoise, cut, steps, failures, evaluatedRows: roundRows, rungs, measuredAtHorizon };
}

/** How far past the search's deadline a run may be expected to end: part of the reserve kept after it. */
export const DEADLINE_GRACE_MS = 1000;

/** Share of a run's training time its noise measurement may take (the last round's: all of it). */
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
 * longer run, and where the loss cannot tell them apart, goodput decides.
 */
export function chooseEntrants<T extends { batchSize: number }>(ranked: readonly T[], n: number): T[] {
  if (n >= ranked.length || n < 2) return ranked.slice(0, n);
  const [best, ...rest] = ranked;
  const larger = rest.find((e) => e.batchSize > best.batchSize);
  const chosen = larger ? [best, larger] : [best];
  return [...chosen, ...rest.filter((e) => !chosen.includes(e))].slice(0, n);
}

/**
 * The factor (at most 1) by which the rounds left must shrink, all together so each
 * round stays equal within itself, to end within `secondsLeft` less `FIT_MARGIN` of it,
 * given what a run costs besides training (`overheadFor` its training seconds: a longer
 * run evaluates more rows), with a round's runs `parallel` at a time. Never below a
 * tenth: a round that short still ranks, and the time budget is a target, not a kill switch.
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
 * Share of the time left that the rounds left are not planned into. A round's runs all
 * train equally long, so a round cannot shrink once it has started; its waves each end
 * with their slowest run and vary by a few percent from the mean the plan uses, and a
 * run that would not end by the deadline is not started (the search is then cut). Fitted
 * to the very second, the last round lost its last run about one time in two on a quiet
 * machine (a 50 s budget, mnist-mlp, two processes); a tenth of the time left absorbs that.
 */
export const FIT_MARGIN = 0.1;

/**
 * A run of a round in epochs may take this many times its expected time before its
 * wall-time cap ends it: every size must train the same epochs, so the cap is only a
 * guard against a stalled machine; the deadline check keeps runs that cannot end from starting.
 */
export const EPOCH_OVERRUN = 3;

/** How far past its slot a candidate may run when the machine slows down mid-search. */
export const SLOT_OVERRUN = 1.5;

/**
 * On a pool of several processes, the slot's overrun is stretched by this much more:
 * processes side by side slow each other (two wasm processes on this 2-core machine
 * each trained 15–20 % slower than one alone, in `bench/`), and that slowdown must not use
 * up the margin meant for a machine that got busier, or more runs would be cut short of
 * their step count on a pool than alone.
 */
export const POOL_OVERRUN = 4 / 3;

/**
 * Equal training time for every candidate, as a step count from the step time the probe
 * measured: every candidate gets the time it would take on a quiet machine, and a busy
 * moment during one candidate no longer decides the comparison. The slot's wall time,
 * stretched by `SLOT_OVERRUN`, still caps it; without a measured step time, wall time
 * alone decides. `overrun`: `SLOT_OVERRUN`, times `POOL_OVERRUN` on a pool.
 */
export function equalTime(seconds: number, stepMs: number | null, overrun = SLOT_OVERRUN): { seconds: number; steps?: number } {
  if (stepMs === null || !(stepMs > 0)) return { seconds };
  return { seconds: overrun * seconds, steps: Math.max(2, Math.round((seconds * 1000) / stepMs)) };
}

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

/** The progress record of a run whose process died: no training, no loss. */
function failedCandidate(job: RunSpec, round: number): Candidate {
  return {
    round, runs: [], batchSize: job.batchSize, learningRate: job.learningRate, valLoss: null, trainLoss: null, gradientVariance: null,
    noiseToSignal: null, diverged: false, steps: 0, samplesSeen: 0, score: null, tied: false, lossDropPerSec: null,
    generalizationGap: null, peakBytes: null, samplesPerSec: null, lossVolatility: null, curve: [],
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
    gradientVariance: r.noise ? r.noise.plain.traceSigma / r.batchSize : null,
    noiseToSignal: r.noise && measurable(r.noise.plain) ? r.noise.plain.bSimple / r.batchSize : null,
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
