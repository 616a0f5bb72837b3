import type { TF } from '../../src/platform/tf';
import { resolveWorkload, type WorkloadSpec } from '../../src/workloads/spec';
import { createWorkload, type Workload } from '../../src/workloads/workload';

/** The spec of a module workload as the dataset tests open it: a 20 % held-out share, seed 3. */
export const moduleSpec = (model: string): WorkloadSpec => ({ example: 'mnist-mlp', model, standardize: true, validationSplit: 0.2, seed: 3 });

/** Opens a module workload in this process, as the tuner does. */
export async function openModule(tf: TF, model: string): Promise<Workload> {
  const spec = moduleSpec(model);
  return createWorkload(tf, await resolveWorkload(spec), spec);
}
