/**
 * The trial process. It rebuilds the workload from its spec, picks the backend with
 * one real training step, then runs trials (capacity probe) or training runs (the
 * search's pool) on request. Whatever kills it — an abort, a full heap, SIGKILL — kills
 * only it; the tuner records the limit and starts another.
 *
 * This file is a process's entry point, imported by nothing: it may reach up to the
 * search's `trainCandidate` without making an import circle.
 */
import { AutobatchError, describeError } from '../util/errors';
import { prepareWorkload } from '../platform/prepare';
import { trainCandidate } from '../search/train-candidate';
import { loadTf, type TF } from '../platform/tf';
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

process.on('message', async (message: ToChild) => {
  if (message.type === 'init') {
    try {
      const tf = loadTf();
      const definition = await resolveWorkload(message.workload);
      const selection = await prepareWorkload(tf, definition, message.workload, message.backend, message.minBatch, () => {});
      runner = new InProcessRunner(tf, selection.value);
      state = { tf, workload: selection.value };
      send({ type: 'ready', backend: selection.name, fallbackReason: selection.fallbackReason, skipped: selection.skipped, info: selection.value.info });
    } catch (err) {
      send({ type: 'init-error', code: codeOf(err), message: describeError(err) });
    }
  } else if (message.type === 'trial') {
    try {
      send({ type: 'result', trial: await runner!.runTrial(message.spec) });
    } catch (err) {
      send({ type: 'trial-error', code: codeOf(err), message: describeError(err) });
    }
  } else if (message.type === 'run') {
    try {
      send({ type: 'run-result', run: await trainCandidate(state!.tf, state!.workload, message.spec) });
    } catch (err) {
      send({ type: 'run-error', code: codeOf(err), message: describeError(err), oom: isOutOfMemoryError(err) });
    }
  }
});
