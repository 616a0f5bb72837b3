/**
 * One training run to a horizon, as a user's `model.fit` would do it: a number of
 * epochs, a constant rate or the recommended schedule applied per step, and the
 * validation loss after every epoch; given test rows (the leaderboard's), the test loss
 * at the end too. Shared by the horizon mode and the leaderboard's worker processes.
 */
import { linearDecaySchedule, constantSchedule, learningRateAt } from '../src/lr/schedule';
import { setLearningRate } from '../src/lr/set-learning-rate';
import { trainingStep } from '../src/runner/in-process';
import { perSampleLosses, streamedLosses } from '../src/search/train-candidate';
import { mean } from '../src/util/stats';
import type { TF } from '../src/platform/tf';
import { disposeModel, type Dataset, type Workload } from '../src/workloads/workload';
import { epochSteps } from '../src/lr/horizon';

export interface HorizonJob {
  batchSize: number;
  /** The constant rate, or the schedule's peak. */
  learningRate: number;
  kind: 'schedule' | 'constant';
  epochs: number;
  seed: number;
}

export interface HorizonRun extends HorizonJob {
  steps: number;
  /** Validation loss at the horizon; Infinity when the run diverged. */
  finalLoss: number;
  /** The lowest validation loss after any epoch, and that epoch (1-based). */
  bestLoss: number;
  bestEpoch: number;
  /** Loss on the test rows at the horizon, when test rows were given; Infinity when the run diverged. */
  testLoss?: number;
  seconds: number;
}

export async function trainToHorizon(tf: TF, workload: Workload, job: HorizonJob, test?: Dataset): Promise<HorizonRun> {
  const samples = workload.info.trainSamples;
  const perEpoch = epochSteps(1, samples, job.batchSize);
  const steps = epochSteps(job.epochs, samples, job.batchSize);
  const schedule = job.kind === 'schedule' ? linearDecaySchedule(job.learningRate, steps) : constantSchedule(job.learningRate, steps);
  const model = await workload.createModel({ learningRate: job.learningRate });
  const start = performance.now();
  let bestLoss = Infinity;
  let bestEpoch = 0;
  let finalLoss = Infinity;
  let testLoss = Infinity;
  let seconds = 0;
  const batches = workload.data.batches(job.batchSize, 'shuffled', job.seed);
  try {
    const step = trainingStep(model, batches);
    for (let i = 0; i < steps; i++) {
      setLearningRate(model.optimizer, learningRateAt(schedule, i));
      const loss = await step();
      if (!Number.isFinite(loss)) break;
      if ((i + 1) % perEpoch === 0 || i + 1 === steps) {
        // In chunks from the data source: the same numbers for tensors, and a folder of images streams.
        const val = mean(await streamedLosses(tf, model, workload.data.validation(512), workload.data.valSamples));
        if (!Number.isFinite(val)) break;
        if (val < bestLoss) {
          bestLoss = val;
          bestEpoch = Math.ceil((i + 1) / perEpoch);
        }
        if (i + 1 === steps) finalLoss = val;
      }
    }
    seconds = (performance.now() - start) / 1000;
    // Scored once, at the horizon, on rows no method chose on (not counted in the run's time).
    if (test && Number.isFinite(finalLoss)) testLoss = mean(perSampleLosses(tf, model, test, 512));
  } finally {
    batches.close();
    disposeModel(model);
  }
  return { ...job, steps, finalLoss, bestLoss, bestEpoch, ...(test ? { testLoss } : {}), seconds };
}
