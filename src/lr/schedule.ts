/**
 * Learning-rate schedules as pure step → rate maths. autobatch recommends linear
 * warm-up then linear decay to zero: worst-case optimal for the last iterate and as good
 * as cosine or better (Defazio et al. 2023; Bergsma et al. 2025), and the shape that makes
 * the best peak rate least sensitive to the length of training. The search's own runs
 * use the same shape compressed to their length, so the peak they pick transfers.
 */

export const SCHEDULE_KINDS = ['linear-decay', 'constant'] as const;
/** `linear-decay`: warm-up to the peak, then a straight line to `finalLearningRate`. `constant`: the peak throughout. */
export type ScheduleKind = (typeof SCHEDULE_KINDS)[number];

export interface LearningRateSchedule {
  kind: ScheduleKind;
  peakLearningRate: number;
  /** Steps of linear warm-up from near zero to the peak (0 for none). */
  warmupSteps: number;
  /** Steps of the whole run; the rate reaches `finalLearningRate` at this step. */
  totalSteps: number;
  finalLearningRate: number;
}

/** Share of the steps spent warming up: short, as in most decay-to-zero recipes. */
export const WARMUP_SHARE = 0.05;

/** A warm-up never longer than this many steps: Adam's moments settle within a few hundred. */
export const MAX_WARMUP_STEPS = 1000;

/**
 * The recommended schedule for `totalSteps` steps at `peak`: a warm-up of
 * `WARMUP_SHARE` of the steps (at most `MAX_WARMUP_STEPS`), then linear decay to zero.
 */
export function linearDecaySchedule(peak: number, totalSteps: number): LearningRateSchedule {
  const total = Math.max(1, Math.round(totalSteps));
  return {
    kind: 'linear-decay',
    peakLearningRate: peak,
    warmupSteps: Math.min(MAX_WARMUP_STEPS, Math.floor(WARMUP_SHARE * total)),
    totalSteps: total,
    finalLearningRate: 0,
  };
}

/** A constant rate, as a schedule, for code that takes either. */
export function constantSchedule(rate: number, totalSteps: number): LearningRateSchedule {
  return { kind: 'constant', peakLearningRate: rate, warmupSteps: 0, totalSteps: Math.max(1, Math.round(totalSteps)), finalLearningRate: rate };
}

/**
 * The rate of the update at `step` (0-based). Warm-up rises linearly so the first step
 * already moves ((step + 1)/warmup of the peak); the decay runs from the peak at the end of
 * warm-up to `finalLearningRate` at `totalSteps`, so even the last step has a small
 * positive rate. Steps past `totalSteps` keep the final rate.
 */
export function learningRateAt(schedule: LearningRateSchedule, step: number): number {
  const { kind, peakLearningRate: peak, warmupSteps: warmup, totalSteps: total, finalLearningRate: final } = schedule;
  if (kind === 'constant') return peak;
  if (step < warmup) return (peak * (step + 1)) / warmup;
  if (step >= total) return final;
  const progress = (step - warmup) / Math.max(1, total - warmup);
  return peak + (final - peak) * progress;
}

/**
 * The constant rate that stands for a linear-decay schedule over a long run: its mean
 * over the second half of the decay, a quarter of the way from the final rate to the
 * peak. A constant run ends on the noise floor its rate sets, where the schedule
 * anneals; the second half of training is where the final loss is set (in bench/, at 20
 * epochs the best constant rate was a third to a tenth of the best peak).
 */
export function constantEquivalent(schedule: LearningRateSchedule): number {
  if (schedule.kind === 'constant') return schedule.peakLearningRate;
  return schedule.finalLearningRate + (schedule.peakLearningRate - schedule.finalLearningRate) / 4;
}
