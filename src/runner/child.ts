/**
 * The trial process. It rebuilds the workload from its spec (the model from its source,
 * the data from the tuner's prepared file when the spec has one), picks the backend with
 * one real training step, then runs trials (capacity probe) or training runs (the
 * search's pool) on request. Whatever kills it — an abort, a full heap, SIGKILL — kills
 * only it; the tuner records the limit and starts another.
 *
 * This file is a process's entry point, imported by nothing: it may reach up to the
 * search's `trainCandidate` without making an import circle.
 */
import { AutobatchError, describeError } from '../util/errors';
import { BACKEND_ORDER, activateBackend, type BackendChoice } from '../platform/backend';
import { prepareWorkload } from '../platform/prepare';
import { trainCandidate } from '../search/train-candidate';
import { loadTf, type TF } from '../platform/tf';
import { countingLoads } from '../workloads/shared-data';
import { resolveWorkload } from '../workloads/spec';
import type { Workload } from '../workloads/workload';
import { InProcessRunner } from './in-process';
import { isOutOfMemoryError } from './oom';
import type { FromChild, ToChild } from './protocol';

// The tuner owns interrupts: a Ctrl-C reaches the whole process group, and the tuner
// decides when this process ends. Its end (even a SIGKILL) closes the IPC channel, and
// this process follows it.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => {});
process.on('disconnect', () => process.exit(0));

let runner: InProcessRunner | undefined;
let state: { tf: TF; workload: Workload } | undefined;

const send = (message: FromChild) => process.send!(message);
const codeOf = (err: unknown) => (err instanceof AutobatchError ? err.code : null);

/** Seconds from this process's start to ready for its workload, once measured. */
let readyAt: number | null = null;
let warming: Promise<void> = Promise.resolve();

/**
 * A process started early does the workload-free part of its start while the tuner reads
 * the data: TensorFlow.js, and the first backend that activates (the backend check then
 * finds it active). Failures are left for the check to report.
 */
async function warmUp(choice: BackendChoice): Promise<void> {
  try {
    const tf = loadTf();
    for (const name of choice === 'auto' ? BACKEND_ORDER : [choice]) {
      if ((await activateBackend(tf, name)) === null) break;
    }
  } catch {
    // The init message's own attempt reports it.
  }
  readyAt = process.uptime();
}

process.on('message', async (message: ToChild) => {
  if (message.type === 'warm') {
    warming = warmUp(message.backend);
  } else if (message.type === 'init') {
    try {
      await warming;
      const tf = loadTf();
      const processStart = readyAt ?? process.uptime();
      const resolveStarted = performance.now();
      const definition = await resolveWorkload(message.workload);
      const resolveMs = performance.now() - resolveStarted;
      const loads = countingLoads(definition);
      const checkStarted = performance.now();
      const selection = await prepareWorkload(tf, loads.definition, message.workload, message.backend, message.minBatch, () => {});
      const checkSeconds = (performance.now() - checkStarted) / 1000 - loads.seconds();
      runner = new InProcessRunner(tf, selection.value);
      state = { tf, workload: selection.value };
      send({
        type: 'ready',
        backend: selection.name,
        fallbackReason: selection.fallbackReason,
        skipped: selection.skipped,
        info: selection.value.info,
        timings: { processStart, dataLoad: resolveMs / 1000 + loads.seconds(), backendCheck: checkSeconds },
      });
    } catch (err) {
      send({ type: 'init-error', code: codeOf(err), message: describeError(err) });
    }
  } else if (message.type === 'trial') {
    try {
      send({ type: 'result', trial: await runner!.runTrial(message.spec) });
    } catch (err) {
      send({ type: 'trial-error', code: codeOf(err), message: describeError(err) });
    }
  } else if (message.type === 'fingerprint') {
    send({ type: 'fingerprint', fingerprint: state!.workload.fingerprint() });
  } else if (message.type === 'run') {
    try {
      send({ type: 'run-result', run: await trainCandidate(state!.tf, state!.workload, message.spec) });
    } catch (err) {
      send({ type: 'run-error', code: codeOf(err), message: describeError(err), oom: isOutOfMemoryError(err) });
    }
  }
});
