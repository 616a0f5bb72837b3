import type { LrRange } from '../document';
import { findLearningRate, type LrRangeResult } from '../lr/range-test';
import { kneeStepMs, lrRangeDeadline, planLrRange } from '../search/plan';
import type { SearchPoolChoice } from '../search/pool';
import type { Trainer } from './context';
import type { Capacity } from './probe-phase';
import { notRun, type PhaseStep } from './run-phase';

export interface LrRangeInput {
  trainer: Trainer;
  capacity: Capacity;
  /** Where the search will train: how many runs side by side size its smallest search, and so this phase's share. */
  pool: SearchPoolChoice;
}

/** The LR range test at the knee (see `findLearningRate`); null where it did not run. */
export const lrRangePhase: PhaseStep<LrRangeInput, LrRange | null, LrRangeResult> = {
  phase: 'lr-range',
  share: ({ clock }, { capacity, pool }) => lrRangeDeadline(Date.now(), clock.end, kneeStepMs(capacity.probe.trials, capacity.knee), pool.size),
  reuse(tuning) {
    if (!tuning.resumption || !('lrRange' in tuning.resumption)) return undefined;
    const lrRange = tuning.resumption.lrRange ?? null;
    tuning.doc.lrRange = lrRange;
    return { value: lrRange, cut: false, done: true };
  },
  start(tuning, { trainer, capacity }, allot) {
    if (!capacity.searching || tuning.aborted()) return notRun(tuning, null);
    const share = allot();
    const { batchSize, steps, skipped } = planLrRange(capacity.probe.trials, capacity.knee, share.deadline - Date.now());
    if (skipped) {
      tuning.note(skipped);
      return { skip: 'cut', value: null };
    }
    if (share.note) tuning.note(share.note);
    const { opts } = tuning;
    return {
      measure: () =>
        findLearningRate(trainer.tf, trainer.workload, {
          batchSize,
          steps,
          deadline: share.deadline,
          seed: opts.seed,
          signal: opts.signal,
          onStep: (step, total, lr, loss) => opts.onProgress({ type: 'lr-step', step, steps: total, lr, loss }),
        }),
    };
  },
  end(tuning, lrRange) {
    tuning.doc.lrRange = lrRange;
    return { value: lrRange, cut: lrRange.ended === 'time', done: !tuning.aborted() };
  },
};
