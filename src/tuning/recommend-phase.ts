import type { LrRange, NoiseEstimate, Recommendation } from '../document';
import { recommend } from '../recommend';
import type { SearchOutcome } from '../search/search';
import type { Trainer } from './context';
import type { Capacity } from './probe-phase';
import type { PhaseStep } from './run-phase';

export interface RecommendInput {
  trainer: Trainer;
  capacity: Capacity;
  memoryBudgetBytes: number;
  noiseAtInit: NoiseEstimate | null;
  lrRange: LrRange | null;
  search: SearchOutcome | null;
}

/** The recommendation for the user's horizon, from whatever was measured (see `recommend`). */
export const recommendPhase: PhaseStep<RecommendInput, Recommendation | null> = {
  phase: 'recommend',
  start: ({ opts, doc }, { trainer, capacity, memoryBudgetBytes, noiseAtInit, lrRange, search }) => ({
    measure: async () =>
      recommend({
        probe: capacity.probe,
        workload: trainer.workload.info,
        memoryBudgetBytes,
        noiseAtInit,
        lrRange,
        search,
        phasesCut: doc.phasesCut,
        workers: opts.workers,
        horizon: opts.horizon,
      }),
  }),
  end(tuning, recommendation) {
    tuning.doc.recommendation = recommendation;
    return { value: recommendation, cut: false, done: false };
  },
};
