/**
 * The runs of one test split on the pool of worker processes: each (kind, batch, rate,
 * data order) trained once however many methods pick it, every one scored on the
 * validation rows and on the test rows at the horizon.
 */
import { median } from '../src/util/stats';
import type { SplitInstance } from './leaderboard-build';
import type { LeaderboardMessage } from './leaderboard-worker';
import type { HorizonJob, HorizonRun } from './train-to-horizon';
import type { WorkerPool } from './worker-pool';

/** Data orders behind every decisive number. */
export const SEEDS = [42, 43, 44];

/** A run to the horizon: `finalLoss` on the validation rows, `testLoss` on the test rows (Infinity when diverged); `error` when its process failed. */
export type LeaderboardRun = HorizonRun & { testLoss: number; error?: string };

export const finite = (v: number | null | undefined) => (v !== null && v !== undefined && Number.isFinite(v) ? v : Infinity);
export const medianTest = (runs: LeaderboardRun[]) => median(runs.map((r) => finite(r.testLoss)));
export const medianVal = (runs: LeaderboardRun[]) => median(runs.map((r) => finite(r.finalLoss)));

export class Runs {
  private readonly cache = new Map<string, Promise<LeaderboardRun>>();

  constructor(
    private readonly pool: WorkerPool<LeaderboardMessage, HorizonRun>,
    private readonly base: { instance: SplitInstance; seed: number; backend: string },
    private readonly epochs: number,
    private readonly log: (s: string) => void,
  ) {}

  one(kind: HorizonJob['kind'], batchSize: number, learningRate: number, seed: number): Promise<LeaderboardRun> {
    const job: HorizonJob = { kind, batchSize, learningRate, epochs: this.epochs, seed };
    const key = JSON.stringify(job);
    let run = this.cache.get(key);
    if (!run) {
      const where = `${this.base.instance.workload}#${this.base.instance.split}:   ${kind} batch ${batchSize} lr ${learningRate.toExponential(2)} seed ${seed}`;
      run = this.pool.run({ ...this.base, job }).then(
        // JSON carried Infinity as null.
        (r): LeaderboardRun => {
          const revived = { ...r, finalLoss: finite(r.finalLoss), bestLoss: finite(r.bestLoss), testLoss: finite(r.testLoss) };
          this.log(`${where}: validation ${revived.finalLoss.toFixed(4)}, test ${revived.testLoss.toFixed(4)} (${r.seconds.toFixed(1)} s)`);
          return revived;
        },
        // A run that fails (its process out of memory) is a result: an infinite loss, with why.
        (err: Error): LeaderboardRun => {
          this.log(`${where}: failed: ${err.message}`);
          return { ...job, steps: 0, finalLoss: Infinity, bestLoss: Infinity, bestEpoch: 0, testLoss: Infinity, seconds: 0, error: err.message };
        },
      );
      this.cache.set(key, run);
    }
    return run;
  }

  seeds(kind: HorizonJob['kind'], batchSize: number, learningRate: number): Promise<LeaderboardRun[]> {
    return Promise.all(SEEDS.map((s) => this.one(kind, batchSize, learningRate, s)));
  }
}
