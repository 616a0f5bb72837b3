import type { TF } from '../platform/tf';
import type { CandidateRunOptions } from '../runner/run-spec';
import type { Workload } from '../workloads/workload';
import { LEARNED_Z } from './decide';
import type { Replicate } from './configs';
import { pairedDifference } from './score';
import { initialLosses } from './train-candidate';


/** A run of the rung, as the learned test reads it. */
interface Entry {
  config: string;
  replicate: Replicate;
  run: { valLosses: Float32Array | null; diverged: boolean } | null;
}

/**
 * Which configurations left the initial loss (issue 28, item 7): a configuration learned
 * when its loss on its first replicate's rows is below the initial weights' on the same
 * rows by more than `LEARNED_Z` paired standard errors. Runs too short to learn (an LSTM
 * at chance after twenty steps) decide nothing. The initial weights are evaluated once
 * per set of rows, in this process.
 */
export async function learnedTest(
  tf: TF,
  workload: Workload,
  first: readonly Entry[],
  evaluation: (replicate: Replicate) => Pick<CandidateRunOptions, 'evaluationRows' | 'evaluationSeed' | 'seed' | 'maxBatch' | 'fold'>,
): Promise<(config: string) => boolean> {
  const initial = new Map<string, Float32Array>();
  const learned = new Set<string>();
  for (const e of first) {
    if (!e.run || e.run.diverged || !e.run.valLosses) continue;
    const key = e.replicate.fold ? `fold${e.replicate.fold.index}` : 'split';
    if (!initial.has(key)) initial.set(key, await initialLosses(tf, workload, evaluation(e.replicate)));
    const { mean, standardError } = pairedDifference(initial.get(key)!, e.run.valLosses);
    if (mean > LEARNED_Z * standardError && mean > 0) learned.add(e.config);
  }
  return (config) => learned.has(config);
}
