import type { AutobatchDocument } from '../document';
import { measurable } from '../noise/credible';

/**
 * Shell assignments for `eval "$(autobatch probe --format env)"`. Values are numbers
 * and plain words; a value that is missing (no recommendation) is left out, and
 * AUTOBATCH_COMPLETE says whether the run finished.
 */
export function formatEnv(doc: AutobatchDocument): string {
  const rec = doc.recommendation;
  const vars: [string, string | number | boolean | null | undefined][] = [
    ['AUTOBATCH_BATCH_SIZE', rec?.batchSize],
    ['AUTOBATCH_LEARNING_RATE', rec?.learningRate],
    ['AUTOBATCH_EPOCHS', rec?.horizon.epochs],
    ['AUTOBATCH_TOTAL_STEPS', rec?.horizon.steps],
    ['AUTOBATCH_HORIZON_SOURCE', rec?.horizon.source],
    ['AUTOBATCH_SCHEDULE', rec?.schedule.kind],
    ['AUTOBATCH_PEAK_LEARNING_RATE', rec?.schedule.peakLearningRate],
    ['AUTOBATCH_WARMUP_STEPS', rec?.schedule.warmupSteps],
    ['AUTOBATCH_FINAL_LEARNING_RATE', rec?.schedule.finalLearningRate],
    ['AUTOBATCH_COMPLETE', doc.complete],
    ['AUTOBATCH_BACKEND', doc.backend?.name],
    ['AUTOBATCH_MAX_FEASIBLE_BATCH', doc.probe?.maxFeasibleBatch],
    ['AUTOBATCH_NOISE_SCALE', doc.noise && measurable(doc.noise) ? doc.noise.bSimple : undefined],
    ['AUTOBATCH_GLOBAL_BATCH_SIZE', rec?.workers?.globalBatchSize],
    ['AUTOBATCH_GLOBAL_LEARNING_RATE', rec?.workers?.learningRate],
  ];
  return vars
    .filter(([, v]) => v !== undefined && v !== null)
    .map(([k, v]) => `${k}=${shellWord(String(v))}`)
    .join('\n')
    .concat('\n');
}

/** Quotes a value unless it is plainly safe. */
function shellWord(value: string): string {
  return /^[\w.+-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
