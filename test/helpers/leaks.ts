import type { Trial } from '../../src/document';
import type { TF } from '../../src/platform/tf';
import { InProcessRunner } from '../../src/runner/in-process';
import type { Workload } from '../../src/workloads/workload';

/**
 * Runs a probe trial at batch 8 twice in this process and checks the second left no
 * tensor behind (the first warms the backend's caches): the trial, ok and with no
 * `leakedTensors`, for more checks of its own.
 */
export async function expectTrialLeaksNothing(tf: TF, workload: Workload, minSteps = 5): Promise<Trial> {
  const runner = new InProcessRunner(tf, workload);
  const spec = { batchSize: 8, warmupSteps: 2, minSteps, minSeconds: 0, memoryBudgetBytes: 1e12, deadline: Infinity };
  await runner.runTrial(spec);
  const before = tf.memory().numTensors;
  const trial = await runner.runTrial(spec);
  expect(trial).toMatchObject({ status: 'ok', batchSize: 8 });
  expect(trial.leakedTensors).toBeUndefined();
  expect(tf.memory().numTensors).toBe(before);
  return trial;
}
