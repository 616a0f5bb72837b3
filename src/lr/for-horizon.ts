import type { Candidate, Horizon, HorizonTrend } from '../document';
import { median } from '../stats';
import { epochSteps, extrapolateRate, horizonExponent, horizonPoints, type HorizonOption, type HorizonPoint } from './horizon';
import { linearDecaySchedule, meanLearningRate, type LearningRateSchedule } from './schedule';

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
}

export interface HorizonDecision {
  horizon: Horizon;
  schedule: LearningRateSchedule;
  /** The best constant rate for the horizon: the schedule's mean. */
  learningRate: number;
  trend: HorizonTrend | null;
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

/**
 * The schedule and the constant rate for the user's horizon at `batchSize`. The peak:
 * the best rate of the longest search round that tried several at this size, carried to
 * the horizon by η ∝ H^-α with α measured between the search's shortest and longest
 * rounds (the median over sizes where more than one measured it; see `horizonExponent`,
 * `extrapolateRate`). The schedule: linear warm-up and decay to zero over the horizon.
 * The constant rate: the schedule's mean, which moves the weights as far in total; a
 * constant run ends on its own noise floor, so it should not run faster than that.
 */
export function decideForHorizon(inputs: HorizonInputs): HorizonDecision {
  const horizon = resolveHorizon(inputs.horizon, inputs.batchSize, inputs.trainSamples, inputs.samplesPerSec);
  const trend = measureTrend(inputs.candidates, inputs.batchSize, horizon.steps);
  const peak = trend ? trend.measuredRate * trend.factor : inputs.fallbackPeak;
  const schedule = linearDecaySchedule(peak, horizon.steps);
  return { horizon, schedule, learningRate: meanLearningRate(schedule), trend };
}

function measureTrend(candidates: readonly Candidate[], batchSize: number, targetSteps: number): HorizonTrend | null {
  const pointsOf = (c: Candidate): HorizonPoint[] =>
    horizonPoints((c.runs ?? []).map((r) => ({ round: r.round, steps: r.steps, learningRate: r.learningRate, valLoss: r.diverged ? null : r.valLoss })));
  const own = candidates.find((c) => c.batchSize === batchSize);
  if (!own) return null;
  const points = pointsOf(own);
  if (!points.length) return null;
  const exponents = candidates.map((c) => horizonExponent(pointsOf(c))).filter((a): a is number => a !== null);
  const exponent = exponents.length ? median(exponents) : null;
  const longest = points[points.length - 1];
  const { factor, clamped } = extrapolateRate({ steps: longest.steps, rate: longest.bestRate }, exponent, targetSteps);
  return { batchSize, points, exponent, fromSteps: longest.steps, measuredRate: longest.bestRate, factor, clamped };
}
