import type { BackendName, ProbeResult } from '../src/document';
import { prepareWorkload } from '../src/platform/prepare';
import type { TF } from '../src/platform/tf';
import { probeCapacity } from '../src/probe/probe';
import { IsolatedRunner } from '../src/runner/isolated';
import { resolveWorkload, type WorkloadSpec } from '../src/workloads/spec';
import type { Workload } from '../src/workloads/workload';

/**
 * The workload in this process and its capacity probe, one trial at a time in a lone
 * trial process as `tune` runs it (batch 8 to 512, 30 s at most): what the search
 * benches (parallel.ts, queue.ts) plan their searches on.
 */
export async function loneProbe(tf: TF, spec: WorkloadSpec, backend: BackendName): Promise<{ workload: Workload; probe: ProbeResult; safe: number; knee: number }> {
  const workload = (await prepareWorkload(tf, await resolveWorkload(spec), spec, backend, 8, () => {})).value;
  const runner = new IsolatedRunner({ workload: spec, backend, minBatch: 8 });
  let probe: ProbeResult;
  try {
    await runner.start();
    probe = await probeCapacity(runner, {
      minBatch: 8, maxBatch: 512, datasetSize: workload.info.trainSamples, memoryBudgetBytes: 2 ** 31,
      warmupSteps: 2, minSteps: 5, minSeconds: 0.5, deadline: Date.now() + 30_000,
    });
  } finally {
    await runner.close();
  }
  const safe = probe.safeMaxBatch ?? 8;
  return { workload, probe, safe, knee: Math.min(probe.throughputKnee ?? safe, safe) };
}
