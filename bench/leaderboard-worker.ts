/**
 * A worker process of the leaderboard: builds one test split of a workload the way
 * tune() builds its dev workload (same options and seed: the same split and initial
 * weights as the parent's), with the split's test rows, keeps it while jobs for it come,
 * and trains each job to its horizon with the horizon mode's harness (`trainToHorizon`),
 * scoring the validation and the test rows. wasm trains on one thread: one worker a core.
 */
import { activateBackend } from '../src/platform/backend';
import { loadTf } from '../src/platform/tf';
import { buildSplit, type BuiltSplit, type SplitInstance } from './leaderboard-build';
import { trainToHorizon, type HorizonJob } from './train-to-horizon';

export interface LeaderboardMessage {
  instance: SplitInstance;
  /** tune()'s seed (its train/validation split and initial weights); the job's own seed is its data order. */
  seed: number;
  backend: string;
  job: HorizonJob;
}

const tf = loadTf();
let ready: Promise<void> | null = null;
// One split at a time: the large tables hold hundreds of MB.
let current: { key: string; split: Promise<BuiltSplit> } | null = null;

process.on('message', (message: LeaderboardMessage & { id: number }) => {
  void (async () => {
    try {
      ready ??= activateBackend(tf, message.backend as 'wasm').then((reason) => {
        if (reason) throw new Error(`backend ${message.backend}: ${reason}`);
      });
      await ready;
      const key = `${message.instance.workload}#${message.instance.split}@${message.seed}`;
      if (current?.key !== key) {
        const previous = current;
        current = { key, split: buildSplit(tf, message.instance, message.seed) };
        if (previous) (await previous.split.catch(() => null))?.dispose();
      }
      const split = await current.split;
      const run = await trainToHorizon(tf, split.workload, message.job, split.test);
      process.send!({ id: message.id, run });
    } catch (err) {
      // A failed run may leave wasm's heap broken (out of memory): a fresh process takes the next job.
      process.send!({ id: message.id, error: err instanceof Error ? err.message : String(err), exiting: true }, () => process.exit(1));
    }
  })();
});
process.on('disconnect', () => process.exit(0));
