/**
 * A worker process of the horizon mode: builds the named bench workload once (same
 * seed, same weights and split as the parent's), then trains the jobs it is sent, one
 * at a time. wasm trains on one thread, so two workers use both cores of this machine.
 */
import { activateBackend } from '../src/platform/backend';
import { loadTf } from '../src/platform/tf';
import type { Workload } from '../src/workloads/workload';
import { trainToHorizon, type HorizonJob } from './train-to-horizon';
import { benchWorkloads, buildWorkload } from './workloads';

interface Message {
  id: number;
  workload: string;
  seed: number;
  backend: string;
  job: HorizonJob;
}

const tf = loadTf();
const built = new Map<string, Workload>();
let ready: Promise<void> | null = null;

process.on('message', (message: Message) => {
  void (async () => {
    try {
      ready ??= activateBackend(tf, message.backend as 'wasm').then((reason) => {
        if (reason) throw new Error(`backend ${message.backend}: ${reason}`);
      });
      await ready;
      if (!built.has(message.workload)) {
        const entry = benchWorkloads(tf).find((w) => w.name === message.workload)!;
        built.set(message.workload, await buildWorkload(tf, entry, message.seed));
      }
      const run = await trainToHorizon(tf, built.get(message.workload)!, message.job);
      process.send!({ id: message.id, run });
    } catch (err) {
      process.send!({ id: message.id, error: err instanceof Error ? err.message : String(err) });
    }
  })();
});
process.on('disconnect', () => process.exit(0));
