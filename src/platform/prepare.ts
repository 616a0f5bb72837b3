import { selectBackend, type BackendSelection } from './backend';
import { InputError } from '../util/errors';
import type { BackendChoice } from './backend';
import type { ProgressEvent } from '../progress';
import { trainingStep } from '../runner/in-process';
import type { TF } from './tf';
import type { WorkloadSpec } from '../workloads/spec';
import { createWorkload, disposeModel, type Workload, type WorkloadDefinition } from '../workloads/workload';

/**
 * Picks the backend and builds the workload on it. One real training step at the
 * smallest batch proves the backend has every kernel the model needs; a backend that
 * fails it is skipped with the reason recorded. Bad input fails at once, on any backend.
 */
export async function prepareWorkload(
  tf: TF,
  definition: WorkloadDefinition,
  spec: Pick<WorkloadSpec, 'seed' | 'validationSplit'>,
  backend: BackendChoice,
  minBatch: number,
  onProgress: (event: ProgressEvent) => void,
): Promise<BackendSelection<Workload>> {
  const settings = { seed: spec.seed, validationSplit: spec.validationSplit };
  const selection = await selectBackend(
    tf,
    backend,
    async () => {
      const workload = await createWorkload(tf, definition, settings);
      try {
        assertEnoughSamples(workload.info.name, workload.info.trainSamples, minBatch);
        await checkTrainingStep(workload, minBatch);
        return workload;
      } catch (err) {
        workload.dispose();
        throw err;
      }
    },
    (name, reason) => onProgress({ type: 'backend-skipped', backend: name, reason }),
  );
  onProgress({ type: 'backend-selected', backend: selection.name });
  return selection;
}

export function assertEnoughSamples(name: string, trainSamples: number, minBatch: number): void {
  if (trainSamples < minBatch) {
    throw new InputError(`${name}: ${trainSamples} training samples (after the validation share) are fewer than the smallest batch, --min-batch ${minBatch}`);
  }
}

async function checkTrainingStep(workload: Workload, batchSize: number): Promise<void> {
  const model = await workload.createModel();
  const batches = workload.data.batches(batchSize, 'sequential', 0);
  try {
    await trainingStep(model, batches)();
  } finally {
    batches.close();
    disposeModel(model);
  }
}
