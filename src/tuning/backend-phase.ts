import type { BackendName, Timings } from '../document';
import type { NormalizedOptions } from '../options';
import { activateBackend, backendVersions } from '../platform/backend';
import { prepareWorkload } from '../platform/prepare';
import type { TF } from '../platform/tf';
import { InProcessRunner } from '../runner/in-process';
import { IsolatedRunner } from '../runner/isolated';
import type { TrialRunner } from '../runner/runner';
import { BackendError } from '../util/errors';
import { countingLoads } from '../workloads/shared-data';
import { createWorkload, type Workload } from '../workloads/workload';
import type { Trainer } from './context';
import type { PhaseStep } from './run-phase';
import type { ReadWorkload } from './start-up';

export interface BackendInput {
  read: ReadWorkload;
  /** The trial process started before the data was read, if one was. */
  early: IsolatedRunner | null;
}

/** The backend chosen, and the runner and workload the later phases train with. */
interface Started {
  name: BackendName;
  fallbackReason: string | null;
  workload: Workload;
  runner: TrialRunner;
  timings: Timings;
}

/** The backend: the first that trains the model (see `selectBackend`), and what trains on it. */
export const backendPhase: PhaseStep<BackendInput, Trainer, Started> = {
  phase: 'backend',
  start: ({ opts }, { read, early }) => ({ measure: () => startRunner(read.tf, { ...opts, workload: read.spec }, read, early) }),
  end({ doc }, { name, fallbackReason, workload, runner, timings }, { read }) {
    Object.assign(doc.timings, timings);
    doc.notes = workload.notes;
    doc.backend = { name, fallbackReason, ...backendVersions(read.tf, name) };
    doc.workload = workload.info;
    return { value: { tf: read.tf, backend: name, workload, runner, spec: read.spec }, cut: false, done: false };
  },
};

/**
 * The trial runner and the workload this process uses for the later phases. Isolated:
 * the trial process (`early`, when it was started before the data was read) picks the
 * backend (its training step may be the one that dies), then this process takes the
 * same backend without a second check. In-process: this process picks it.
 */
async function startRunner(tf: TF, opts: NormalizedOptions, { definition }: ReadWorkload, early: IsolatedRunner | null): Promise<Started> {
  if (opts.isolate && (opts.inline.model || opts.inline.data)) {
    definition.notes = [...(definition.notes ?? []), 'trials ran in this process: a model or data given in code cannot cross to a trial process'];
  } else if (opts.isolate) {
    const runner = early ?? new IsolatedRunner({ workload: opts.workload, backend: opts.backend, minBatch: opts.minBatch });
    runner.useWorkload(opts.workload);
    try {
      const ready = await runner.start();
      for (const s of ready.skipped) opts.onProgress({ type: 'backend-skipped', backend: s.backend, reason: s.reason });
      const reason = await activateBackend(tf, ready.backend);
      if (reason) throw new BackendError(`the trial process trains on ${ready.backend}, but this process cannot: ${reason}`);
      opts.onProgress({ type: 'backend-selected', backend: ready.backend });
      const workload = await createWorkload(tf, definition, opts.workload);
      return { name: ready.backend, fallbackReason: ready.fallbackReason, workload, runner, timings: { ...ready.timings } };
    } catch (err) {
      await runner.close();
      throw err;
    }
  }
  const loads = countingLoads(definition);
  const checkStarted = Date.now();
  const selection = await prepareWorkload(tf, loads.definition, opts.workload, opts.backend, opts.minBatch, opts.onProgress);
  const timings: Timings = { dataLoad: loads.seconds(), backendCheck: (Date.now() - checkStarted) / 1000 - loads.seconds() };
  return { name: selection.name, fallbackReason: selection.fallbackReason, workload: selection.value, runner: new InProcessRunner(tf, selection.value), timings };
}
