import { searchCannotStart } from '../search/evaluation-cost';
import { PLAN } from '../search/plan';
import { NO_PLAN, planForHorizon, type RungPlan } from '../search/rungs';
import type { SearchOutcome } from '../search/search';
import type { Tuning } from './context';
import { notRun, type PhaseStep } from './run-phase';
import { runSearch, type SearchInput, type Searched } from './search-run';

export type { SearchInput };

/**
 * The search over batch sizes × rates, planned for the time left (see `planForHorizon`,
 * `searchBatchSizes`). A resumed search keeps its plan: its rounds are the same rounds,
 * its runs the same runs. It writes a checkpoint after each run (see `SearchJournal`).
 */
export const searchPhase: PhaseStep<SearchInput, SearchOutcome | null, Searched> = {
  phase: 'search',
  checkpointsItself: true,
  share: ({ clock }) => ({ deadline: clock.end - PLAN.reserveSeconds * 1000 }),
  start(tuning, input, allot) {
    const { capacity, trainer } = input;
    const planFor = planner(tuning, input);
    const resumedPlan = tuning.resumption?.search?.plan ?? null;
    const plan = resumedPlan ?? planFor(input.pool.size);
    const secondsLeft = (tuning.clock.end - Date.now()) / 1000 - PLAN.reserveSeconds;
    const cannotStart = resumedPlan ? null : plan ? searchCannotStart(plan, capacity.probe.trials, trainer.workload.info, capacity.safe, secondsLeft) : NO_PLAN;
    if (capacity.searching && cannotStart) tuning.note(cannotStart);
    if (!capacity.searching || tuning.aborted() || !plan || plan.count === 0 || cannotStart) return notRun(tuning, null);
    if (input.pool.note) tuning.note(input.pool.note);
    return { measure: () => runSearch(tuning, input, { plan, replan: resumedPlan ? null : planFor, allot }) };
  },
  end(tuning, searched, input) {
    const search = searched.outcome;
    record(tuning, searched, input);
    const cut = tuning.aborted() || search.cut || searched.queued?.lost === true;
    return { value: search, cut, done: !cut };
  },
};

/** The search's plan for `parallel` runs side by side, in the time left now. */
function planner(tuning: Tuning, { trainer, capacity, noiseAtInit }: SearchInput): (parallel: number) => RungPlan | null {
  return (parallel) =>
    planForHorizon({
      probe: capacity.probe,
      noiseAtInit,
      data: trainer.workload.info,
      maxBatch: capacity.safe,
      horizon: tuning.opts.horizon,
      parallel,
      secondsAvailable: (tuning.clock.end - Date.now()) / 1000 - PLAN.reserveSeconds,
    });
}

/** The candidates, the search's record (where it ran, how fast, its rungs) and the noise at the candidates' final weights. */
function record({ doc }: Tuning, { outcome: search, parallel, queued, plan }: Searched, { pool: choice, noiseAtInit }: SearchInput): void {
  doc.candidates = search.candidates;
  const wallSeconds = doc.timings.search ?? null;
  doc.search = {
    parallel: parallel ?? 1,
    inProcess: parallel === null,
    reason: queued
      ? `jobs on queue ${queued.name}: ${queued.workers} worker${queued.workers === 1 ? '' : 's'} took them`
      : parallel !== null || choice.inProcess ? choice.reason : 'the pool could not start: the runs trained in this process',
    ...(queued ? { queue: { name: queued.name, url: queued.url, workers: queued.workers, retries: queued.retries } } : {}),
    wallSeconds,
    steps: search.steps,
    stepsPerSecond: wallSeconds ? search.steps / wallSeconds : null,
    failedRuns: search.failures,
    evaluatedRows: search.evaluatedRows,
    rungs: search.rungs,
    measuredAtHorizon: search.measuredAtHorizon,
    ...(search.decision ? { decision: search.decision } : {}),
    default: { batchSize: search.baseline.batchSize, learningRate: search.baseline.learningRate, runs: search.baseline.runs },
    plan: { shape: plan.shape, estimatedSeconds: plan.estimatedSeconds, why: plan.why },
  };
  if (search.noise && doc.noise) {
    doc.noise = { ...search.noise, atInit: noiseAtInit, preconditioned: search.preconditioned };
  }
}
