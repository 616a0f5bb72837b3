import type { NoiseEstimate, ProbeResult } from '../document';
import { epochSteps, type HorizonOption } from '../lr/horizon';
import { median } from '../util/stats';
import { NOISE_BATCH, gradientMs } from '../noise/at-init';
import { credibleNoiseScale } from '../noise/credible';
import { chooseCandidates } from './candidates';
import { evaluationRowSeconds, evaluationRows, evaluationSeconds } from './evaluation-cost';
import { LR_FACTORS, NOISE_BATCHES, PLAN, planSearch, type SearchPlan } from './plan';
import { EDGE_RUNS } from './refine';

/**
 * The search's rungs, in the unit of the user's horizon (issue 20). The recommendation is
 * for a run of E epochs (or T seconds), so the search compares candidates after the same
 * number of epochs (or seconds), every run complete in itself: from the same initial
 * weights, with the schedule over its own length. Rungs sit at geometric fractions of the
 * horizon (…, E/9, E/3, E); the top rung is E itself whenever the budget affords it, and
 * then the decision is taken on the user's own run, with no extrapolation rule. Only when
 * even the leanest search cannot reach E does its top rung stop short (E/3, E/9, …), and
 * the trend between rungs and the range test carry the answer the rest of the way.
 *
 * Pure functions over recorded numbers: the probe's step times, the data's size, the time.
 */

/** The horizon in its own unit: epochs (the same epochs for every batch) or seconds of training. */
export interface HorizonLength {
  unit: 'epochs' | 'seconds';
  value: number;
}

/** Each rung trains this many times longer than the one below it. */
export const RUNG_GROWTH = 3;

/** First-rung rates when runs are cheap: a range test's rate can be off by 4× either way (seen on tables, issue 20). */
export const WIDE_LR_FACTORS = [0.25, 0.5, 1, 2, 4] as const;

/**
 * How much the search may spend when the horizon is cheap, in wall time, as a multiple of
 * one horizon run at the median candidate size: a search of many more full runs than this
 * is what an untargeted tuner does. The budget still caps it; when even the leanest search
 * that reaches the horizon costs more, that search is planned if the budget holds it.
 */
export const SEARCH_HORIZONS = 12;

/**
 * A search may also cost up to this many times the leanest that reaches the same rung:
 * on a table whose whole run takes a second, what each run costs besides training (its
 * start, its evaluation) is most of the search, and twice a few seconds costs the user
 * nothing. A ratio, not seconds: a busier machine slows every run alike and changes no
 * ratio, so asking twice gives the same plan (a floor in seconds flipped the shape with
 * the machine's load, and with it the answer, in bench/).
 */
export const WIDTH_ALLOWANCE = 2;

/** Seeds (data orders) a horizon rung's closest contenders train with, when time allows. */
export const HORIZON_SEEDS = 3;

/** A rung of a shape: its share of the horizon, how many sizes enter it, and the rates each tries. */
export interface RungShape {
  /** Share of the top rung: 1 is the top, 1/3 the rung below it. */
  share: number;
  /** Sizes entering: all of them (`Infinity`) in the first rung, the best few after. */
  sizes: number;
  lrFactors: readonly number[];
}

/** The leanest rungs: every size at three rates for a ninth of the top, at its rate for a third, the best two at three rates. */
const threeRungs: RungShape[] = [
  { share: 1 / RUNG_GROWTH ** 2, sizes: Infinity, lrFactors: LR_FACTORS },
  { share: 1 / RUNG_GROWTH, sizes: Infinity, lrFactors: [1] },
  { share: 1, sizes: 2, lrFactors: LR_FACTORS },
];

/** The shapes a search may take, richest first, each ending on its top rung. */
export function rungShapes(): { name: string; rungs: RungShape[]; seeds: number }[] {
  return [
    {
      name: 'wide',
      rungs: [
        { share: 1 / RUNG_GROWTH, sizes: Infinity, lrFactors: WIDE_LR_FACTORS },
        { share: 1, sizes: 3, lrFactors: LR_FACTORS },
      ],
      seeds: HORIZON_SEEDS,
    },
    {
      name: 'two rungs',
      rungs: [
        { share: 1 / RUNG_GROWTH, sizes: Infinity, lrFactors: LR_FACTORS },
        { share: 1, sizes: 2, lrFactors: LR_FACTORS },
      ],
      seeds: HORIZON_SEEDS,
    },
    { name: 'three rungs', rungs: threeRungs, seeds: HORIZON_SEEDS },
    { name: 'three rungs, one data order', rungs: threeRungs, seeds: 1 },
  ];
}

export interface RungPlanInputs {
  horizon: HorizonLength;
  trainSamples: number;
  /** Candidate sets, largest first (see `chooseCandidates`), each size with the probe's lone step time. */
  sizeSets: readonly (readonly { batchSize: number; stepMs: number }[])[];
  /** Runs side by side. */
  parallel: number;
  /** Seconds the search may use (training, evaluation, everything). */
  secondsAvailable: number;
  /** What a run costs besides training, in seconds, given its training seconds (evaluation, building the model). */
  overheadFor: (trainSeconds: number) => number;
  /** How much slower than the probe's lone steps runs train side by side (≥ 1). */
  slowdown?: number;
}

/** The planned search, with what it says about the answer: measured at the horizon or extrapolated. */
export interface RungPlan extends SearchPlan {
  /** The candidate sizes; absent where the search chooses them (rounds of equal time). */
  sizes?: number[];
  /** The top rung's share of the horizon: 1 when the answer is measured on the user's own run; 0 for rounds of equal time. */
  topFraction: number;
  /** Seconds the plan is expected to take, its seeds included. */
  estimatedSeconds: number;
  /** The shape's name, for the document. */
  shape: string;
  /** Why the plan is as wide as it is, or stops short of the horizon: for the notes. */
  why: string;
}

/** A first rung shorter than this many steps, at every size, ranks rates on noise. */
export const LEAST_RUNG_STEPS = 8;

/**
 * The search for the time available. The top rung is the highest fraction of the horizon
 * (1, 1/3, 1/9, …) at which the leanest shape (see `rungShapes`) fits; at that fraction,
 * the most sizes, then the richest shape, whose cost stays within `SEARCH_HORIZONS`
 * horizon runs (or `WIDTH_ALLOWANCE` × the leanest's cost, when that is more) and the
 * time available. Costs are the probe's step times × the steps each run takes (a run of
 * E/3 epochs at batch b takes E/3 × ⌈N/b⌉ steps), on `parallel` processes (the waves of a
 * rung, each as long as its slowest run), the top rung costed on its most expensive sizes
 * (the sizes that go on are not known yet), its edge runs and seeds included. Null when
 * not even the leanest fits at a fraction whose first rung still takes `LEAST_RUNG_STEPS`
 * at every size.
 */
export function planRungs(inputs: RungPlanInputs): RungPlan | null {
  const { horizon } = inputs;
  const slowdown = Math.max(1, inputs.slowdown ?? 1);
  const stepsAt = (b: number, fraction: number) =>
    horizon.unit === 'epochs' ? epochSteps(horizon.value * fraction, inputs.trainSamples, b) : null;
  const trainSecondsAt = (size: { batchSize: number; stepMs: number }, fraction: number) =>
    horizon.unit === 'epochs' ? (stepsAt(size.batchSize, fraction)! * size.stepMs * slowdown) / 1000 : horizon.value * fraction * slowdown;
  const runSeconds = (size: { batchSize: number; stepMs: number }, fraction: number) => {
    const train = trainSecondsAt(size, fraction);
    return train + inputs.overheadFor(train);
  };
  const parallel = Math.max(1, inputs.parallel);
  // A rung's runs in waves of `parallel`, each wave as long as its longest run.
  const rungSeconds = (runs: number[]) => {
    const sorted = [...runs].sort((a, b) => b - a);
    let total = 0;
    for (let i = 0; i < sorted.length; i += parallel) total += sorted[i];
    return total;
  };
  const costOf = (sizes: readonly { batchSize: number; stepMs: number }[], shape: ReturnType<typeof rungShapes>[number], top: number) => {
    let total = 0;
    for (const rung of shape.rungs) {
      const fraction = top * rung.share;
      const entering = [...sizes].sort((a, b) => runSeconds(b, fraction) - runSeconds(a, fraction)).slice(0, Math.min(rung.sizes, sizes.length));
      total += rungSeconds(entering.flatMap((s) => rung.lrFactors.map(() => runSeconds(s, fraction))));
    }
    // At the horizon: the runs past an edge rate, then the best's and a contender's further seeds (see `refineAtHorizon`).
    if (top === 1) {
      const dearest = [...sizes].sort((a, b) => runSeconds(b, 1) - runSeconds(a, 1)).slice(0, 2);
      total += rungSeconds(Array.from({ length: EDGE_RUNS }, () => runSeconds(dearest[0], 1)));
      if (shape.seeds > 1) total += rungSeconds(dearest.flatMap((s) => Array.from({ length: shape.seeds - 1 }, () => runSeconds(s, 1))));
    }
    return total;
  };
  const usable = inputs.sizeSets.filter((set) => set.length > 0);
  if (!usable.length) return null;
  const shapes = rungShapes();
  // Sizes whose first rung would take fewer than `LEAST_RUNG_STEPS` steps leave that shape's sets.
  const firstSteps = (b: { batchSize: number; stepMs: number }, fraction: number) =>
    horizon.unit === 'epochs' ? stepsAt(b.batchSize, fraction)! : (horizon.value * fraction * 1000) / b.stepMs;
  for (let top = 1; ; top /= RUNG_GROWTH) {
    // More sizes first, then the richer shape: the rates get refined at the horizon (see
    // `refineAtHorizon`), the sizes do not.
    const feasible = usable.flatMap((full) =>
      shapes
        .map((shape) => ({ shape, set: full.filter((b) => firstSteps(b, top * shape.rungs[0].share) >= LEAST_RUNG_STEPS) }))
        .filter(({ set }) => set.length > 0 && set.length >= Math.min(PLAN.minCandidates, full.length))
        .map(({ shape, set }) => ({ shape, set, cost: costOf(set, shape, top) })),
    );
    // No shape has a first rung long enough: a lower top rung would only be shorter.
    if (!feasible.length) return null;
    const cheapest = Math.min(...feasible.map((f) => f.cost));
    if (cheapest > inputs.secondsAvailable) continue;
    const limit = Math.min(inputs.secondsAvailable, Math.max(WIDTH_ALLOWANCE * cheapest, SEARCH_HORIZONS * median(usable[0].map((s) => runSeconds(s, 1)))));
    const chosen = feasible.find((f) => f.cost <= limit)!;
    return toPlan(chosen.set, chosen.shape, top, chosen.cost, inputs, trainSecondsAt, limit < inputs.secondsAvailable);
  }
}

function toPlan(
  set: readonly { batchSize: number; stepMs: number }[],
  shape: ReturnType<typeof rungShapes>[number],
  top: number,
  cost: number,
  inputs: RungPlanInputs,
  trainSecondsAt: (size: { batchSize: number; stepMs: number }, fraction: number) => number,
  boundedByNeed: boolean,
): RungPlan {
  const mean = (fraction: number) => set.reduce((sum, s) => sum + trainSecondsAt(s, fraction), 0) / set.length;
  const unit = inputs.horizon.unit === 'epochs' ? 'epochs' : 's';
  const atTop = inputs.horizon.value * top;
  const why =
    top === 1
      ? `every decision measured at the horizon (${fmt(inputs.horizon.value)} ${unit})${boundedByNeed ? `; no wider than the question needs (${SEARCH_HORIZONS} of its runs' time, or ${WIDTH_ALLOWANCE}× the leanest search)` : ''}`
      : `the top rung is ${fmt(atTop)} ${unit}, 1/${Math.round(1 / top)} of the horizon: the leanest search that reaches ${fmt(inputs.horizon.value)} ${unit} needs more than the time left`;
  return {
    count: set.length,
    sizes: set.map((s) => s.batchSize),
    rounds: shape.rungs.map((r) => ({
      batchSizes: Math.min(r.sizes, set.length),
      lrFactors: r.lrFactors,
      trainSeconds: mean(top * r.share),
      length: { unit: inputs.horizon.unit, value: inputs.horizon.value * top * r.share, fraction: top * r.share },
    })),
    seeds: top === 1 ? shape.seeds : 1,
    topFraction: top,
    estimatedSeconds: cost,
    shape: shape.name,
    why,
  };
}

const fmt = (v: number) => (Number.isInteger(v) ? String(v) : Number(v.toPrecision(3)).toString());

/** Most batch sizes a search compares; fewer when the time holds fewer (never under `PLAN.minCandidates`). */
export const MAX_SIZES = 6;

/**
 * Processes side by side train this much slower than one alone (two wasm processes on a
 * 2-core machine: 15–20 % each, in bench/): the plan's costs count it.
 */
export const POOL_SLOWDOWN = 1.2;

/** Seconds a run costs before its first step: building the model, the messages. */
export const RUN_START_SECONDS = 0.2;

export interface HorizonSearchInputs {
  probe: ProbeResult;
  noiseAtInit: NoiseEstimate | null;
  data: { trainSamples: number; valSamples: number };
  /** The largest size the search may train: the probe's safe maximum. */
  maxBatch: number;
  horizon: HorizonOption;
  parallel: number;
  secondsAvailable: number;
}

/**
 * The search for the user's horizon (see `planRungs`): the candidate sets from the probe
 * (`MAX_SIZES` down to `PLAN.minCandidates`, closest to the knee and the noise scale: see
 * `chooseCandidates`), each run's cost besides training from the probe (evaluation, its
 * noise measurement, its start). With `--train-time`, the rungs are seconds.
 */
export function planForHorizon(inputs: HorizonSearchInputs): RungPlan | null {
  const { probe, maxBatch } = inputs;
  const ok = probe.trials.filter((t) => t.status === 'ok' && t.batchSize <= maxBatch && t.stepMs !== null && t.stepMs > 0);
  if (!ok.length || probe.throughputKnee === null) return null;
  const knee = Math.min(probe.throughputKnee, maxBatch);
  const bNoise = credibleNoiseScale(inputs.noiseAtInit);
  const stepOf = (b: number) => ok.find((t) => t.batchSize === b)!.stepMs!;
  // Sizes that take too few steps for even a third of the horizon to rank them (a batch
  // near the data set's size on a short horizon) are no candidates in the horizon's unit:
  // with them, the sets near a large knee left no search at all, and the search fell back
  // to rounds of equal time, longer than the user's run (an LSTM at 3 epochs, in bench/).
  const horizonEpochs = 'epochs' in inputs.horizon ? inputs.horizon.epochs : null;
  const enoughSteps = (b: number) => horizonEpochs === null || epochSteps(horizonEpochs / RUNG_GROWTH, inputs.data.trainSamples, b) >= LEAST_RUNG_STEPS;
  const sizes = ok.map((t) => t.batchSize).filter(enoughSteps);
  const pool = sizes.length ? sizes : ok.map((t) => t.batchSize);
  const counts = Array.from({ length: MAX_SIZES }, (_, i) => MAX_SIZES - i).filter((n) => n >= Math.min(PLAN.minCandidates, pool.length) && n <= pool.length);
  const sizeSets = counts.map((n) => chooseCandidates(pool, knee, bNoise, n).map((b) => ({ batchSize: b, stepMs: stepOf(b) })));
  const rowSeconds = evaluationRowSeconds(ok, maxBatch);
  const noiseMs = gradientMs(probe.trials, Math.min(NOISE_BATCH, maxBatch));
  const overheadFor = (trainSeconds: number) => {
    const rows = evaluationRows(trainSeconds, rowSeconds, inputs.data.valSamples);
    const noise = noiseMs === null ? 0 : (Math.min(NOISE_BATCHES.usual, Math.floor((trainSeconds * 1000) / (1.2 * noiseMs))) * 1.2 * noiseMs) / 1000;
    return evaluationSeconds(rows, inputs.data.trainSamples, rowSeconds) + Math.max(0, noise) + RUN_START_SECONDS;
  };
  const horizon: HorizonLength = 'epochs' in inputs.horizon ? { unit: 'epochs', value: inputs.horizon.epochs } : { unit: 'seconds', value: inputs.horizon.seconds };
  const rungs = planRungs({
    horizon,
    trainSamples: inputs.data.trainSamples,
    sizeSets,
    parallel: inputs.parallel,
    secondsAvailable: inputs.secondsAvailable,
    overheadFor,
    slowdown: inputs.parallel > 1 ? POOL_SLOWDOWN : 1,
  });
  if (rungs) return rungs;
  // Too little time for even a rung of a few steps at every size, in the horizon's unit:
  // rounds of equal training time (more steps for the large sizes), and the answer carried
  // to the horizon by the trend and the range test.
  const timed = planSearch(0, (inputs.secondsAvailable + PLAN.reserveSeconds) * 1000, PLAN.candidates, inputs.parallel);
  if (timed.count === 0) return null;
  return {
    ...timed,
    sizes: undefined,
    topFraction: 0,
    estimatedSeconds: inputs.secondsAvailable,
    shape: 'equal time',
    why: `too little time for rungs in the horizon's unit (a first rung of ${LEAST_RUNG_STEPS} steps at every size): rounds of equal training time, carried to the horizon by the trend and the range test`,
  };
}

/** Said when no search fits at all: no rungs, and not one round of runs of `PLAN.minCandidateSeconds`. */
export const NO_PLAN = `the search was not started: the time left holds no search, not even one round of ${PLAN.minCandidateSeconds} s runs`;
