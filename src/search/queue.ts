import { createHash } from 'node:crypto';
import type { BackendName, HardwareInfo } from '../document';
import type { NormalizedOptions } from '../options';
import type { ProgressEvent } from '../progress';
import { RunQueue } from '../runner/queue/client';
import { hardwareFingerprint } from '../runner/queue/fingerprint';
import type { TuningRecord } from '../runner/queue/protocol';
import { toQueueWorkload } from '../runner/queue/workload-files';
import { TOOL_VERSION } from '../util/version';

/** What the tuning's queue needs to know about the run so far. */
export interface SearchQueueContext {
  backend: BackendName;
  hardware: HardwareInfo;
  /** `Workload.fingerprint()`: a worker's rebuilt workload must hash the same. */
  workloadFingerprint: string;
  /** The tuning's start (the document's `createdAt`): with the rest, it names the queue. */
  createdAt: string;
  /** A queue to carry on with (a resumed tuning's), instead of a new one. */
  name?: string;
}

/**
 * The queue the search's runs go to as jobs, once a worker takes them; null (and a note)
 * when none did within the wait, and the search trains on this machine instead. What it
 * has to say (no worker yet, a refusal, Redis lost) goes out at once as advice, and into
 * the notes when it changed what the search did.
 */
export async function openSearchQueue(
  opts: Pick<NormalizedOptions, 'workload' | 'minBatch' | 'queue' | 'queueWaitSeconds' | 'signal'>,
  context: SearchQueueContext,
  notes: string[],
  onProgress: (event: ProgressEvent) => void,
): Promise<RunQueue | null> {
  const url = opts.queue!;
  const hardware = hardwareFingerprint(context.hardware);
  const name =
    context.name ??
    `autobatch-${createHash('sha256').update(JSON.stringify([context.workloadFingerprint, hardware.hash, context.backend, context.createdAt])).digest('hex').slice(0, 16)}`;
  const tuning: TuningRecord = {
    format: 1,
    name,
    workload: toQueueWorkload(opts.workload),
    workloadFingerprint: context.workloadFingerprint,
    backend: context.backend,
    minBatch: opts.minBatch,
    hardware,
    toolVersion: TOOL_VERSION,
  };
  const say = (message: string) => {
    onProgress({ type: 'advice', message });
    if (/stops here|refused/.test(message)) notes.push(message);
  };
  const queue = await RunQueue.open({ url, tuning, waitSeconds: opts.queueWaitSeconds, onMessage: say });
  const workers = await queue.waitForWorkers(opts.signal);
  if (workers === 0) {
    notes.push(`no worker took the search's runs from ${url.shown} within ${opts.queueWaitSeconds} s: they trained on this machine`);
    await queue.close();
    return null;
  }
  onProgress({ type: 'advice', message: `the search's runs go to queue ${name} on ${url.shown}: ${workers} worker${workers === 1 ? '' : 's'}` });
  return queue;
}
