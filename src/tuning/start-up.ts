import type { HardwareInfo } from '../document';
import { snapshotHardware } from '../platform/hardware';
import { assertEnoughSamples } from '../platform/prepare';
import { loadTf, type TF } from '../platform/tf';
import { prepareCacheDir } from '../reuse/cache';
import { IsolatedRunner } from '../runner/isolated';
import { assertQueueReachable } from '../runner/queue/connection';
import { assertModelFolder } from '../workloads/save-model';
import { RunFolder, shareOrLoadEach } from '../workloads/shared-data';
import { resolveWorkload, type WorkloadSpec } from '../workloads/spec';
import type { WorkloadDefinition } from '../workloads/workload';
import type { Tuning } from './context';
import type { PhaseStep } from './run-phase';

/** What the start-up leaves for `tune` to clean up, however the run ends. */
export interface StartUp {
  /** Holds the data prepared for the trial processes. */
  folder: RunFolder;
  /** The probe's trial process, started before the data is read; its runner closes it. */
  early: IsolatedRunner | null;
}

/** The workload as read, and what started beside the reading. */
export interface ReadWorkload {
  tf: TF;
  /** The workload this process builds: from the shared data where it was shared. */
  definition: WorkloadDefinition;
  /** The workload as a trial process loads it. */
  spec: WorkloadSpec;
  /** The machine's description, asked for before the data was read. */
  hardware: Promise<HardwareInfo>;
}

/**
 * Checks the files, then reads the data once; meanwhile the machine is described and the
 * probe's trial process starts (Node, TensorFlow.js, the first backend). Trial processes
 * get the prepared numbers, not the source.
 */
export async function readWorkload(tuning: Tuning, start: StartUp): Promise<ReadWorkload> {
  const { opts, doc } = tuning;
  await checkFilesFirst(tuning);
  const hardware = snapshotHardware();
  // Awaited by the hardware phase; a failure there must not surface as unhandled if the data fails first.
  hardware.catch(() => {});
  if (opts.isolate && !opts.inline.model && !opts.inline.data) {
    start.early = new IsolatedRunner({ workload: opts.workload, backend: opts.backend, minBatch: opts.minBatch });
    start.early.prestart();
  }
  const readStarted = Date.now();
  const definition = await resolveWorkload(opts.workload, opts.inline, (progress) => opts.onProgress({ type: 'data-read', ...progress }));
  if (opts.workload.data) doc.timings.data = (Date.now() - readStarted) / 1000;
  if (definition.preparation) doc.preparation = definition.preparation;
  if (definition.imagePreparation) doc.imagePreparation = definition.imagePreparation;
  if (definition.trainSamples !== undefined) assertEnoughSamples(definition.name, definition.trainSamples, opts.minBatch);
  const tf = loadTf();
  const sharing = Date.now();
  const shared = opts.inline.model || opts.inline.data ? null : await shareOrLoadEach(tf, definition, opts.workload, start.folder);
  doc.timings.dataWrite = (Date.now() - sharing) / 1000;
  return { tf, definition: shared?.definition ?? definition, spec: shared?.spec ?? opts.workload, hardware };
}

/** A bad file or an unreachable queue should fail in a moment, before TensorFlow.js starts. */
async function checkFilesFirst({ opts }: Tuning): Promise<void> {
  if (opts.cache) prepareCacheDir(opts.cache);
  if (opts.saveModel) assertModelFolder(opts.saveModel);
  if (opts.queue) await assertQueueReachable(opts.queue);
}

/** The machine's description: CPU, cores, memory, GPUs, OS. */
export const hardwarePhase: PhaseStep<Promise<HardwareInfo>, HardwareInfo> = {
  phase: 'hardware',
  start: (_tuning, pending) => ({ measure: () => pending }),
  end(tuning, hardware) {
    tuning.doc.hardware = hardware;
    return { value: hardware, cut: false, done: false };
  },
};
