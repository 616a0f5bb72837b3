import type * as tfTypes from '@tensorflow/tfjs';
import { UsageError } from '../util/errors';
import { loadTf, type TF } from '../platform/tf';
import { learningRateAt, type LearningRateSchedule } from './schedule';
import { setLearningRate } from './set-learning-rate';

/** What `learningRateSchedule` accepts: a whole result, its recommendation, or a schedule. */
export type ScheduleSource =
  | { recommendation: { schedule?: LearningRateSchedule } | null }
  | { schedule?: LearningRateSchedule }
  | LearningRateSchedule;

export interface ScheduleCallbackOptions {
  /**
   * The TensorFlow.js whose `model.fit` runs the callback, when it is not the copy
   * autobatch resolves (e.g. `require('@tensorflow/tfjs-node')`).
   * @default autobatch's own (`import { tf } from 'autobatch'`)
   */
  tf?: TF;
  /** Called with each update's step and rate, for logging. */
  onRate?: (step: number, learningRate: number) => void;
}

/**
 * A `model.fit` callback that applies a learning-rate schedule per batch: TensorFlow.js
 * has no scheduler of its own. Before each update it sets the model's optimizer to the
 * schedule's rate for that step, for every optimizer autobatch supports (SGD and momentum
 * through `setLearningRate`, the adaptive ones through `learningRate`).
 *
 *     model.fit(x, y, { batchSize, epochs, callbacks: [learningRateSchedule(result)] })
 *
 * Steps count across `fit` calls on the same callback, so a loop that calls `fit` once
 * per epoch follows the schedule too; make a new callback for a new training run.
 * @throws UsageError when `source` holds no schedule (a result without a recommendation).
 */
export function learningRateSchedule(source: ScheduleSource, options: ScheduleCallbackOptions = {}): tfTypes.Callback {
  const schedule = scheduleOf(source);
  const tf = options.tf ?? loadTf();
  let step = 0;
  class LearningRateScheduler extends tf.Callback {
    // `this` is the callback, or the CustomCallback wrapping it when its TensorFlow.js
    // is another copy than the model's: both have the model set by `fit`.
    override async onBatchBegin(this: { model: tfTypes.LayersModel }): Promise<void> {
      const rate = learningRateAt(schedule, step);
      setLearningRate(this.model.optimizer, rate);
      options.onRate?.(step, rate);
      step++;
    }
  }
  return new LearningRateScheduler();
}

function scheduleOf(source: ScheduleSource): LearningRateSchedule {
  const candidate =
    'recommendation' in source ? source.recommendation?.schedule : 'peakLearningRate' in source ? source : (source as { schedule?: LearningRateSchedule }).schedule;
  if (!candidate || !(candidate.peakLearningRate > 0) || !(candidate.totalSteps >= 1)) {
    throw new UsageError('learningRateSchedule needs a result with a recommendation, a recommendation, or a schedule');
  }
  return candidate;
}
