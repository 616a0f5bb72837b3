import type { NoiseEstimate, ProbeResult } from '../document';
import { epochSteps, type HorizonOption } from '../lr/horizon';
import { median } from '../util/stats';
import { NOISE_BATCH, gradientMs } from '../noise/at-init';
import { credibleNoiseScale } from '../noise/credible';
import { chooseCandidates } from './candidates';
import { evaluationRowSeconds, evaluationRows, evaluationSeconds } from './evaluation-cost';
import { NOISE_BATCHES, PLAN, type SearchPlan } from './plan';
import { EDGE_RUNS } from './refine';
import { foldCount } from '../workloads/folds';

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

/**
 * The rates a size tries at a rung, as multiples of its centre (the LR range test's
 * suggestion scaled to the size): a decade below and above it at every rung (issue 28),
 * at half-decade steps where the rung can afford five runs a size, else at decades. A
 * range test's rate can be off by several times either way, and short runs favour high
 * rates: no rung's winner narrows the range of the next.
 */
export const DECADE_RATES = [0.1, 10 ** -0.5, 1, 10 ** 0.5, 10] as const;
export const COARSE_RATES = [0.1, 1, 10] as const;

/**
 * How much the search may spend when the horizon is cheap, in wall time, as a multiple of
 * one horizon run at the median candidate size: a search of many more full runs than this
 * is what an untargeted tuner does. The budget still caps it; when even the leanest search
 * that reaches the horizon costs more, that search is planned if the budget holds it.
 */
export const SEARCH_HORIZONS = 120;

/**
 * A search may also cost up to this many times the leanest that reaches the same rung:
 * on a table whose whole run takes a second, what each run costs besides training (its
 * start, its evaluation) is most of the search, and twice a few seconds costs the user
 * nothing. A ratio, not seconds: a busier machine slows every run alike and changes no
 * ratio, so asking twice gives the same plan (a floor in seconds flipped the shape with
 * the machine's load, and with it the answer, in bench/).
 */
export const WIDTH_ALLOWANCE = 4;

/** Data orders a configuration raced at the top rung may train with, where the rows are not cross-validated. */
export const HORIZON_SEEDS = 3;

/**
 * Rows (training and validation) up to which the data is small: the search cross-validates
 * (when the validation rows are a held-out share and the whole search over folds fits) and
 * keeps the smallest sizes the probe measured among its candidates.
 */
export const SMALL_DATA_ROWS = 5000;

/** A rung of a shape: its share of the horizon, how many sizes enter it, and the rates each tries. */
export interface RungShape {
  /** Share of the top rung: 1 is the top, 1/3 the rung below it. */
  share: number;
  /** Sizes entering: all of them (`Infinity`) in the first rung, the best few after. */
  sizes: number;
  lrFactors: readonly number[];
}

/** A search's shape: its rungs, and the race at its top rung (see `nextContenders`). */
export interface SearchShape {
  name: string;
  rungs: RungShape[];
  /** Replicates a raced configuration may reach at the top rung, the first run included: folds, or data orders. */
  replicates: number;
  /** Configurations raced at once, the pick included (the user's default aside). */
  contenders: number;
}

/**
 * The shapes a search may take, richest first, each ending on its top rung. With `folds`
 * (small data, cross-validated), a first shape trains every size at the horizon, and the
 * race runs over the folds.
 */
export function rungShapes(folds: number | null = null): SearchShape[] {
  const replicates = folds ?? HORIZON_SEEDS;
  return [
    ...(folds ? [{ name: 'one rung, cross-validated', rungs: [{ share: 1, sizes: Infinity, lrFactors: DECADE_RATES }], replicates, contenders: 4 }] : []),
    {
      name: 'wide',
      rungs: [
        { share: 1 / RUNG_GROWTH, sizes: Infinity, lrFactors: DECADE_RATES },
        { share: 1, sizes: 3, lrFactors: DECADE_RATES },
      ],
      replicates,
      contenders: 4,
    },
    {
      name: 'two rungs',
      rungs: [
        { share: 1 / RUNG_GROWTH, sizes: Infinity, lrFactors: DECADE_RATES },
        { share: 1, sizes: 2, lrFactors: DECADE_RATES },
      ],
      replicates,
      contenders: 3,
    },
    {
      name: 'three rungs',
      rungs: [
        { share: 1 / RUNG_GROWTH ** 2, sizes: Infinity, lrFactors: DECADE_RATES },
        { share: 1 / RUNG_GROWTH, sizes: Infinity, lrFactors: COARSE_RATES },
        { share: 1, sizes: 2, lrFactors: DECADE_RATES },
      ],
      replicates: Math.min(replicates, HORIZON_SEEDS),
      contenders: 3,
    },
    {
      name: 'lean',
      rungs: [
        { share: 1 / RUNG_GROWTH ** 2, sizes: Infinity, lrFactors: COARSE_RATES },
        { share: 1 / RUNG_GROWTH, sizes: 2, lrFactors: COARSE_RATES },
        { share: 1, sizes: 2, lrFactors: COARSE_RATES },
      ],
      replicates: 2,
      contenders: 2,
    },
    // The least that still decides anything: every size at three rates a decade apart, once, on the top rung.
    { name: 'one rung', rungs: [{ share: 1, sizes: Infinity, lrFactors: COARSE_RATES }], replicates: 2, contenders: 2 },
  ];
}

export interface RungPlanInputs {
  horizon: HorizonLength;
  trainSamples: number;
  /** Candidate sets, largest first (see `chooseCandidates`), each size with the probe's lone step time. */
  sizeSets: readonly (readonly { batchSize: number; stepMs: number }[])[];
  /** The user's default batch size and its step time: one run of it at every rung, raced at the top. Null: not measured. */
  baseline?: { batchSize: number; stepMs: number } | null;
  /** Folds the top rung may race over when it is the horizon (small data, a held-out validation share); null: data orders. */
  folds?: number | null;
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
  sizes: number[];
  /** The top rung's share of the horizon: 1 when the answer is measured on the user's own run. */
  topFraction: number;
  /** Seconds the plan is expected to take, its race included. */
  estimatedSeconds: number;
  /** The shape's name, for the document. */
  shape: string;
  /** Why the plan is as wide as it is, or stops short of the horizon: for the notes. */
  why: string;
}

/** Sizes a shape should compare before a richer shape gives way to more sizes: below it, shapes come first. */
export const WIDE_SET = 4;

/** A first rung shorter than this many steps, at every size, ranks rates on noise. */
export const LEAST_RUNG_STEPS = 8;

type Size = { batchSize: number; stepMs: number };

/**
 * The search for the time available. The top rung is the highest fraction of the horizon
 * (1, 1/3, 1/9, …) at which the leanest shape (see `rungShapes`) fits; at that fraction,
 * the richest shape with at least `WIDE_SET` sizes (the most it can hold), else with
 * fewer, whose cost stays within `SEARCH_HORIZONS`
 * horizon runs (or `WIDTH_ALLOWANCE` × the leanest's cost, when that is more) and the
 * time available. Costs are the probe's step times × the steps each run takes (a run of
 * E/3 epochs at batch b takes E/3 × ⌈N/b⌉ steps), on `parallel` processes (the waves of a
 * rung, each as long as its slowest run), the top rung costed on its most expensive sizes
 * (the sizes that go on are not known yet), the default's run at every rung, one wave of
 * edge runs and the whole race included. A size whose first rung would take fewer than
 * `LEAST_RUNG_STEPS` steps leaves that shape's set. Null when not even the leanest fits at
 * a fraction whose first rung still takes that many steps at some size.
 */
export function planRungs(inputs: RungPlanInputs): RungPlan | null {
  const { horizon } = inputs;
  const slowdown = Math.max(1, inputs.slowdown ?? 1);
  const stepsAt = (b: number, fraction: number) => epochSteps(horizon.value * fraction, inputs.trainSamples, b);
  const trainSecondsAt = (size: Size, fraction: number) =>
    horizon.unit === 'epochs' ? (stepsAt(size.batchSize, fraction) * size.stepMs * slowdown) / 1000 : horizon.value * fraction * slowdown;
  const runSeconds = (size: Size, fraction: number) => {
    const train = trainSecondsAt(size, fraction);
    return train + inputs.overheadFor(train);
  };
  const costOf = (sizes: readonly Size[], shape: SearchShape, top: number) => shapeSeconds(sizes, shape, top, runSeconds, inputs);
  const usable = inputs.sizeSets.filter((set) => set.length > 0);
  if (!usable.length) return null;
  // Sizes whose first rung would take fewer than `LEAST_RUNG_STEPS` steps leave that shape's sets.
  const firstSteps = (b: Size, fraction: number) => (horizon.unit === 'epochs' ? stepsAt(b.batchSize, fraction) : (horizon.value * fraction * 1000) / b.stepMs);
  for (let top = 1; ; top /= RUNG_GROWTH) {
    // Folds only where the top rung is the user's own run: a fold's run is a whole run.
    const shapes = forTop(rungShapes(top === 1 ? (inputs.folds ?? null) : null), top);
    // The richer shape first (its race measures the answer's noise; its rates are finer), with
    // at least `WIDE_SET` sizes; then fewer sizes; the sets largest first within each shape.
    const pairs = shapes.flatMap((shape) => usable.map((full) => ({ shape, full })));
    const ordered = [...pairs.filter((p) => p.full.length >= WIDE_SET), ...pairs.filter((p) => p.full.length < WIDE_SET)];
    const feasible = ordered
      .map(({ shape, full }) => ({ shape, full, set: full.filter((b) => firstSteps(b, top * shape.rungs[0].share) >= LEAST_RUNG_STEPS) }))
      .filter(({ set, full }) => set.length > 0 && set.length >= Math.min(PLAN.minCandidates, full.length))
      .map(({ shape, set }) => ({ shape, set, cost: costOf(set, shape, top) }));
    // No shape has a first rung long enough: a lower top rung would only be shorter.
    if (!feasible.length) return null;
    const cheapest = Math.min(...feasible.map((f) => f.cost));
    if (cheapest > inputs.secondsAvailable) continue;
    const limit = Math.min(inputs.secondsAvailable, Math.max(WIDTH_ALLOWANCE * cheapest, SEARCH_HORIZONS * median(usable[0].map((s) => runSeconds(s, 1)))));
    const chosen = feasible.find((f) => f.cost <= limit)!;
    return toPlan(chosen.set, chosen.shape, top, chosen.cost, inputs, trainSecondsAt, limit < inputs.secondsAvailable);
  }
}

/**
 * The shapes in the order a top rung prefers them: at the horizon, richest first; short of
 * it, the shapes of three rungs first (…, top/9, top/3, top), whose lengths measure how the
 * best rate falls with length, which carries the answer the rest of the way (see
 * `fitLossModel`): a third length narrows that exponent more than more rates at two.
 */
function forTop(shapes: SearchShape[], top: number): SearchShape[] {
  if (top === 1) return shapes;
  return [...shapes.filter((s) => s.rungs.length >= 3), ...shapes.filter((s) => s.rungs.length < 3)];
}

/**
 * What `shape` costs at top rung `top`, in seconds: each rung's runs (its most expensive
 * sizes × their rates, and the default's run) in waves on `parallel` processes; at the top,
 * one wave of edge runs and the race — every contender and the default to their last replicate.
 */
function shapeSeconds(sizes: readonly Size[], shape: SearchShape, top: number, runSeconds: (size: Size, fraction: number) => number, inputs: RungPlanInputs): number {
  const parallel = Math.max(1, inputs.parallel);
  // A rung's runs in waves of `parallel`, each wave as long as its longest run.
  const wavesOf = (runs: number[]) => {
    const sorted = [...runs].sort((a, b) => b - a);
    let total = 0;
    for (let i = 0; i < sorted.length; i += parallel) total += sorted[i];
    return total;
  };
  const dearest = (fraction: number, n: number) => [...sizes].sort((a, b) => runSeconds(b, fraction) - runSeconds(a, fraction)).slice(0, Math.min(n, sizes.length));
  const baseline = inputs.baseline ? [inputs.baseline] : [];
  let total = 0;
  for (const rung of shape.rungs) {
    const fraction = top * rung.share;
    total += wavesOf([...dearest(fraction, rung.sizes).flatMap((s) => rung.lrFactors.map(() => runSeconds(s, fraction))), ...baseline.map((b) => runSeconds(b, fraction))]);
  }
  const topSizes = dearest(top, shape.contenders);
  total += wavesOf(Array.from({ length: EDGE_RUNS }, () => runSeconds(topSizes[0], top)));
  const raced = [...topSizes, ...baseline];
  total += wavesOf(raced.flatMap((s) => Array.from({ length: shape.replicates - 1 }, () => runSeconds(s, top))));
  return total;
}

function toPlan(
  set: readonly Size[],
  shape: SearchShape,
  top: number,
  cost: number,
  inputs: RungPlanInputs,
  trainSecondsAt: (size: Size, fraction: number) => number,
  boundedByNeed: boolean,
): RungPlan {
  const mean = (fraction: number) => set.reduce((sum, s) => sum + trainSecondsAt(s, fraction), 0) / set.length;
  const unit = inputs.horizon.unit === 'epochs' ? 'epochs' : 's';
  const atTop = inputs.horizon.value * top;
  const folds = top === 1 ? (inputs.folds ?? null) : null;
  const why =
    top === 1
      ? `every decision measured at the horizon (${fmt(inputs.horizon.value)} ${unit})${folds ? `, on ${folds} folds of your rows` : ''}${boundedByNeed ? `; no wider than the question needs (${SEARCH_HORIZONS} of its runs' time, or ${WIDTH_ALLOWANCE}× the leanest search)` : ''}`
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
    race: { replicates: shape.replicates, contenders: shape.contenders, folds },
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

/** The batch size people train with when nobody tells them otherwise (Keras's `fit`): the default configuration's. */
export const DEFAULT_BATCH = 32;

export interface HorizonSearchInputs {
  probe: ProbeResult;
  noiseAtInit: NoiseEstimate | null;
  /** `dataSource`: set for streamed data, whose rows are not in memory to cut into folds. */
  data: { trainSamples: number; valSamples: number; validation?: 'held-out' | 'given'; dataSource?: string };
  /** The largest size the search may train: the probe's safe maximum. */
  maxBatch: number;
  horizon: HorizonOption;
  parallel: number;
  secondsAvailable: number;
}

/** The default configuration's batch: `DEFAULT_BATCH`, or the largest size that fits when it does not (the training set, the safe maximum). */
export function defaultBatch(trainSamples: number, maxBatch: number): number {
  return Math.max(1, Math.min(DEFAULT_BATCH, trainSamples, maxBatch));
}

/**
 * The search for the user's horizon (see `planRungs`): the candidate sets from the probe
 * (`MAX_SIZES` down to `PLAN.minCandidates`, closest to the knee and the noise scale: see
 * `chooseCandidates`; on small data, the smallest sizes too), each run's cost besides
 * training from the probe (evaluation, its noise measurement, its start), folds where the
 * data is small and its validation rows a held-out share. With `--train-time`, the rungs
 * are seconds. Null when no search fits: runs too short to learn decide nothing, so there
 * is no fallback to rounds of equal time.
 */
export function planForHorizon(inputs: HorizonSearchInputs): RungPlan | null {
  const { probe, maxBatch } = inputs;
  const ok = probe.trials.filter((t) => t.status === 'ok' && t.batchSize <= maxBatch && t.stepMs !== null && t.stepMs > 0);
  if (!ok.length || probe.throughputKnee === null) return null;
  const knee = Math.min(probe.throughputKnee, maxBatch);
  const bNoise = credibleNoiseScale(inputs.noiseAtInit);
  const stepOf = (b: number) => ok.find((t) => t.batchSize === b)?.stepMs ?? null;
  // Sizes that take too few steps for even a third of the horizon to rank them (a batch
  // near the data set's size on a short horizon) are no candidates in the horizon's unit:
  // they leave the candidates; they do not send the search to rounds of equal time (an
  // LSTM at 3 epochs whose largest sizes had 2 steps an epoch, in bench/).
  const horizonEpochs = 'epochs' in inputs.horizon ? inputs.horizon.epochs : null;
  const enoughSteps = (b: number) => horizonEpochs === null || epochSteps(horizonEpochs / RUNG_GROWTH, inputs.data.trainSamples, b) >= LEAST_RUNG_STEPS;
  const pool = ok.map((t) => t.batchSize).filter(enoughSteps);
  if (!pool.length) return null;
  const rows = inputs.data.trainSamples + inputs.data.valSamples;
  const small = rows <= SMALL_DATA_ROWS;
  const counts = Array.from({ length: MAX_SIZES }, (_, i) => MAX_SIZES - i).filter((n) => n >= Math.min(PLAN.minCandidates, pool.length) && n <= pool.length);
  const sizeSets = counts.map((n) => candidateSet(pool, knee, bNoise, n, small).map((b) => ({ batchSize: b, stepMs: stepOf(b)! })));
  const baselineBatch = defaultBatch(inputs.data.trainSamples, maxBatch);
  const baselineStep = stepOf(baselineBatch) ?? interpolatedStepMs(ok, baselineBatch);
  const horizon: HorizonLength = 'epochs' in inputs.horizon ? { unit: 'epochs', value: inputs.horizon.epochs } : { unit: 'seconds', value: inputs.horizon.seconds };
  const foldable = inputs.data.validation === 'held-out' && inputs.data.dataSource === undefined;
  const folds = small && foldable && horizon.unit === 'epochs' ? foldCount(inputs.data.trainSamples, inputs.data.valSamples) : 1;
  return planRungs({
    horizon,
    trainSamples: inputs.data.trainSamples,
    sizeSets,
    baseline: baselineStep === null ? null : { batchSize: baselineBatch, stepMs: baselineStep },
    folds: folds > 1 ? folds : null,
    parallel: inputs.parallel,
    secondsAvailable: inputs.secondsAvailable,
    overheadFor: runOverhead(probe, maxBatch, inputs.data),
    slowdown: inputs.parallel > 1 ? POOL_SLOWDOWN : 1,
  });
}

/**
 * `n` candidate sizes (see `chooseCandidates`); on small data the smallest size the probe
 * measured is among them: there a small batch often generalizes best, and the knee (the
 * fastest size) says nothing about it.
 */
function candidateSet(pool: readonly number[], knee: number, bNoise: number | null, n: number, small: boolean): number[] {
  const chosen = chooseCandidates(pool, knee, bNoise, n);
  const smallest = Math.min(...pool);
  if (!small || chosen.includes(smallest)) return chosen;
  // The smallest replaces the chosen size farthest from the knee.
  const farthest = chosen.reduce((a, b) => (Math.abs(Math.log2(b / knee)) > Math.abs(Math.log2(a / knee)) ? b : a));
  return [smallest, ...chosen.filter((b) => b !== farthest)].sort((a, b) => a - b);
}

/** A step time for a size the probe did not measure: linear in the batch between the nearest measured sizes. */
function interpolatedStepMs(ok: readonly { batchSize: number; stepMs: number | null }[], b: number): number | null {
  const known = ok.filter((t) => t.stepMs !== null).sort((p, q) => p.batchSize - q.batchSize);
  if (!known.length) return null;
  const below = [...known].reverse().find((t) => t.batchSize <= b) ?? known[0];
  const above = known.find((t) => t.batchSize >= b) ?? known[known.length - 1];
  if (below.batchSize === above.batchSize) return below.stepMs! * (b / below.batchSize);
  const t = (b - below.batchSize) / (above.batchSize - below.batchSize);
  return below.stepMs! + t * (above.stepMs! - below.stepMs!);
}

/** What a run costs besides training (evaluation, its noise measurement, its start), from the probe. */
function runOverhead(probe: ProbeResult, maxBatch: number, data: { trainSamples: number; valSamples: number }) {
  const ok = probe.trials.filter((t) => t.status === 'ok' && t.batchSize <= maxBatch);
  const rowSeconds = evaluationRowSeconds(ok, maxBatch);
  const noiseMs = gradientMs(probe.trials, Math.min(NOISE_BATCH, maxBatch));
  return (trainSeconds: number) => {
    const rows = evaluationRows(trainSeconds, rowSeconds, data.valSamples);
    const noise = noiseMs === null ? 0 : (Math.min(NOISE_BATCHES.usual, Math.floor((trainSeconds * 1000) / (1.2 * noiseMs))) * 1.2 * noiseMs) / 1000;
    return evaluationSeconds(rows, data.trainSamples, rowSeconds) + Math.max(0, noise) + RUN_START_SECONDS;
  };
}

/** Said when no search fits: not one rung of runs long enough to learn. */
export const NO_PLAN = `the search was not started: the time left holds no search whose shortest runs take at least ${LEAST_RUNG_STEPS} steps`;
