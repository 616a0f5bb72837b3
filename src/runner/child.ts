/**
 * The trial process. It rebuilds the workload from its spec, picks the backend with
 * one real training step, then runs trials on request. Whatever kills it — an abort, a
 * full heap, SIGKILL — kills only it; the tuner records the limit and starts another.
 */
import { AutobatchError, describeError } from '../errors';
import { prepareWorkload } from '../prepare';
import { loadTf } from '../tf';
import { resolveWorkload } from '../workloads/spec';
import { InProcessRunner } from './in-process';
import type { FromChild, ToChild } from './protocol';

// The tuner owns interrupts: a Ctrl-C reaches the whole process group, and the tuner
// decides when this process ends.
process.on('SIGINT', () => {});
process.on('disconnect', () => process.exit(0));

let runner: InProcessRunner | undefined;

const send = (message: FromChild) => process.send!(message);
const codeOf = (err: unknown) => (err instanceof AutobatchError ? err.code : null);

process.on('message', async (message: ToChild) => {
  if (message.type === 'init') {
    try {
      const tf = loadTf();
      const definition = await resolveWorkload(message.workload);
      const selection = await prepareWorkload(tf, definition, message.workload, message.backend, message.minBatch, () => {});
      runner = new InProcessRunner(tf, selection.value);
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
  }
});
