/**
 * A worker process of the leaderboard: builds the named leaderboard workload the way
 * tune() builds it (same seed: same split and initial weights as the parent's), keeps
 * it while jobs for it come, and trains each job to its horizon with the horizon mode's
 * harness (`trainToHorizon`). wasm trains on one thread: one worker a core.
 */
import { activateBackend } from '../src/platform/backend';
import { loadTf } from '../src/platform/tf';
import type { Workload } from '../src/workloads/workload';
import { buildFromOptions, leaderboardWorkloads } from './leaderboard-workloads';
import { trainToHorizon, type HorizonJob } from './train-to-horizon';

export interface LeaderboardMessage {
  workload: string;
  /** The folder the generated tables were written to. */
  dir: string;
  /** The workload's seed (split and initial weights); the job's own seed is its data order. */
  seed: number;
  backend: string;
  job: HorizonJob;
}

const tf = loadTf();
let ready: Promise<void> | null = null;
// One workload at a time: the large tables hold hundreds of MB.
let current: { key: string; workload: Promise<Workload> } | null = null;

process.on('message', (message: LeaderboardMessage & { id: number }) => {
  void (async () => {
    try {
      ready ??= activateBackend(tf, message.backend as 'wasm').then((reason) => {
        if (reason) throw new Error(`backend ${message.backend}: ${reason}`);
      });
      await ready;
      const key = `${message.workload}@${message.seed}`;
      if (current?.key !== key) {
        const previous = current;
        const entry = leaderboardWorkloads(tf, message.dir).find((w) => w.name === message.workload);
        if (!entry) throw new Error(`no leaderboard workload ${message.workload}`);
        current = { key, workload: buildFromOptions(tf, entry.options, message.seed) };
        if (previous) (await previous.workload.catch(() => null))?.dispose();
      }
      const run = await trainToHorizon(tf, await current.workload, message.job);
      process.send!({ id: message.id, run });
    } catch (err) {
      // A failed run may leave wasm's heap broken (out of memory): a fresh process takes the next job.
      process.send!({ id: message.id, error: err instanceof Error ? err.message : String(err), exiting: true }, () => process.exit(1));
    }
  })();
});
process.on('disconnect', () => process.exit(0));
