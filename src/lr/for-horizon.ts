import type { Candidate, Horizon, HorizonTrend } from '../document';
import { median } from '../util/stats';
import { epochSteps, horizonPoints, type HorizonOption, type HorizonPoint } from './horizon';
import { PRIOR_RELATIVE_SIGMA, fitLossModel } from './loss-model';
import { constantEquivalent, linearDecaySchedule, type LearningRateSchedule } from './schedule';

export interface HorizonInputs {
  batchSize: number;
  horizon: HorizonOption;
  trainSamples: number;
  /** Measured samples/s at `batchSize`: turns a training time into steps. */
  samplesPerSec: number | null;
  /** The search's candidates, whose runs carry the rates tried per round. */
  candidates: readonly Candidate[];
  /** The peak rate to use where the search measured none at `batchSize`. */
  fallbackPeak: number;
  /** The LR range test's suggestion scaled to `batchSize`; null without one. */
  rangeTestRate: number | null;
  /**
   * True when the search trained `batchSize` for the whole horizon and `fallbackPeak` is
   * the rate it measured best there: the peak is that rate, and no extrapolation rule applies.
   */
  measuredAtHorizon?: boolean;
  /** The noise of one run's loss (the search's σ): weighs the runs against the exponent's prior. @default 2 % of the best loss */
  sigma?: number;
}

export interface HorizonDecision {
  horizon: Horizon;
  schedule: LearningRateSchedule;
  /** The constant rate for the horizon: see `constantEquivalent`. */
  learningRate: number;
  trend: HorizonTrend | null;
  /**
   * Without a trend: the search's longest run at this size, in steps, when the horizon
   * is at least `LONG_HORIZON` × it and the peak was held at the LR range test's rate
   * (the search's rate was above it); null otherwise.
   */
  heldAtRangeTestFrom: number | null;
  /** Measured at the horizon, or extrapolated, and how far: the horizon ÷ the longest search run at this size (1 when measured; 0 with no run). */
  measured: { atHorizon: boolean; extrapolation: number };
}

/** The user's training run in epochs and steps at `batchSize`, and in seconds where throughput is known. */
export function resolveHorizon(option: HorizonOption, batchSize: number, trainSamples: number, samplesPerSec: number | null): Horizon {
  const seconds = (samples: number) => (samplesPerSec && samplesPerSec > 0 ? samples / samplesPerSec : null);
  if ('seconds' in option && samplesPerSec && samplesPerSec > 0) {
    const steps = Math.max(1, Math.round((option.seconds * samplesPerSec) / batchSize));
    return { epochs: (steps * batchSize) / trainSamples, steps, seconds: option.seconds, source: option.source };
  }
  const epochs = 'epochs' in option ? option.epochs : option.seconds * (samplesPerSec ?? 0) / trainSamples;
  const steps = epochSteps(epochs, trainSamples, batchSize);
  return { epochs, steps, seconds: seconds(steps * batchSize), source: option.source };
}

/** A horizon this many times the longest search run is "long": the range test's rate then bounds the peak. */
export const LONG_HORIZON = 3;

/**
 * The schedule and the constant rate for the user's horizon at `batchSize`.
 *
 * The peak: measured at the horizon, the rate the search decided on there. Otherwise the
 * rate decided on at the search's longest runs, carried to the horizon by the loss model
 * over (rate, length) (see `measureTrend`, `fitLossModel`); for a horizon at least
 * `LONG_HORIZON` × the longest search run, never above the LR range test's rate scaled to
 * the batch: the range test marks where a rate starts to train fast from the initial
 * weights, and short runs reward going past it only because they end before its cost
 * shows (in bench/, the search's best peak after 2 epochs of MNIST was 3–10× the best for
 * 20, which the range test's rate matched). Without search runs at this size, the fallback.
 *
 * The schedule: linear warm-up and decay to zero over the horizon. The constant rate:
 * `constantEquivalent` of the schedule.
 */
export function decideForHorizon(inputs: HorizonInputs): HorizonDecision {
  const horizon = resolveHorizon(inputs.horizon, inputs.batchSize, inputs.trainSamples, inputs.samplesPerSec);
  const longest = Math.max(0, ...(inputs.candidates.find((c) => c.batchSize === inputs.batchSize)?.runs ?? []).map((r) => r.steps));
  if (inputs.measuredAtHorizon) {
    // The user's own run was measured: its best rate is the answer, carried by no rule.
    const schedule = linearDecaySchedule(inputs.fallbackPeak, horizon.steps);
    return { horizon, schedule, learningRate: constantEquivalent(schedule), trend: null, heldAtRangeTestFrom: null, measured: { atHorizon: true, extrapolation: 1 } };
  }
  const trend = measureTrend(inputs, horizon.steps);
  // Without a trend, the same bound: the search's rate at this size comes from runs too
  // short or too few to say how it moves, and short runs reward rates a long one pays for.
  const held = !trend && longest > 0 && heldByRangeTest(horizon.steps, longest, inputs.rangeTestRate, inputs.fallbackPeak);
  const peak = held ? inputs.rangeTestRate! : !trend ? inputs.fallbackPeak : trend.limitedByRangeTest ? trend.rangeTestRate! : trend.measuredRate * trend.factor;
  const schedule = linearDecaySchedule(peak, horizon.steps);
  const measured = { atHorizon: false, extrapolation: longest > 0 ? horizon.steps / longest : 0 };
  return { horizon, schedule, learningRate: constantEquivalent(schedule), trend, heldAtRangeTestFrom: held ? longest : null, measured };
}

/**
 * Whether the LR range test's rate bounds a `peak` measured on search runs of at most
 * `measuredSteps`: for a horizon at least `LONG_HORIZON` × them, when the rate is lower.
 */
function heldByRangeTest(horizonSteps: number, measuredSteps: number, rangeTestRate: number | null, peak: number): boolean {
  return horizonSteps >= LONG_HORIZON * measuredSteps && rangeTestRate !== null && rangeTestRate < peak;
}

/**
 * How the peak moves from the search's longest runs at this size to the horizon: the loss
 * model over (rate, length) fitted on every rung's runs at this size, its exponent α
 * updated from the prior by the runs (see `fitLossModel`); the peak the search decided on
 * at its longest length carried by (horizon / that length)^−α. Null without runs of
 * several rates at this size.
 */
function measureTrend(inputs: HorizonInputs, targetSteps: number): HorizonTrend | null {
  const { candidates, batchSize, rangeTestRate } = inputs;
  const own = candidates.find((c) => c.batchSize === batchSize);
  if (!own) return null;
  const runs = own.runs ?? [];
  const points = horizonPoints(runs.map((r) => ({ round: r.round, steps: r.steps, learningRate: r.learningRate, valLoss: r.diverged ? null : r.valLoss })));
  const finite = runs.filter((r) => !r.diverged && r.valLoss !== null).map((r) => r.valLoss!);
  const sigma = inputs.sigma ?? PRIOR_RELATIVE_SIGMA * (finite.length ? Math.min(...finite) : 1);
  const model = fitLossModel(runs.map((r) => ({ steps: r.steps, rate: r.learningRate, loss: r.diverged ? null : r.valLoss })), sigma);
  if (!model) return null;
  const fromSteps = Math.max(...runs.map((r) => r.steps));
  const measuredRate = inputs.fallbackPeak;
  // Never raised: a horizon shorter than the search's runs keeps the rate measured.
  const carry = (alpha: number) => Math.min(1, (targetSteps / fromSteps) ** -alpha);
  const factor = carry(model.exponent.value);
  const carried = measuredRate * factor;
  const limitedByRangeTest = heldByRangeTest(targetSteps, fromSteps, rangeTestRate, carried);
  const loss = model.lossAt(targetSteps);
  return {
    batchSize,
    points,
    exponent: model.exponent.value,
    exponentInterval: [model.exponent.low, model.exponent.high],
    exponentFrom: model.exponentFrom,
    fromSteps,
    measuredRate,
    factor,
    peakInterval: [measuredRate * carry(model.exponent.high), measuredRate * carry(model.exponent.low)],
    ...(loss ? { predictedLoss: loss } : {}),
    clamped: false,
    rangeTestRate,
    limitedByRangeTest,
  };
}
