import type { BackendName } from '../document';
import type { WorkloadSpec } from '../workloads/spec';
import { IsolatedRunner } from './isolated';
import type { RunWorker } from './run-spec';

export interface RunPoolOptions {
  workload: WorkloadSpec;
  /** The backend the probe chose: every process trains on it. */
  backend: BackendName;
  minBatch: number;
  /** Processes in the pool. */
  size: number;
  /** The script each process runs. @default child.js beside this file (child.ts via ts-node in tests) */
  entry?: string;
  /** Threads each process's TensorFlow may use (see `choosePoolSize`). @default TensorFlow's own */
  threads?: number | null;
}

/**
 * A pool of trial processes for the search's runs. Each process rebuilds the same
 * workload from the same spec (the same initial weights and data) on the same backend,
 * so a run's result does not depend on which process trained it. A process that dies is
 * its run's failure; the next run on that slot starts a fresh process. `close` kills
 * them all: no process outlives the tuner.
 */
export class RunPool {
  private readonly slots: IsolatedRunner[];

  constructor(options: RunPoolOptions) {
    this.slots = Array.from(
      { length: Math.max(1, options.size) },
      () => new IsolatedRunner({ workload: options.workload, backend: options.backend, minBatch: options.minBatch, entry: options.entry, threads: options.threads }),
    );
  }

  get size(): number {
    return this.slots.length;
  }

  /** Starts every process at once; if one cannot start, all are closed and its error thrown. */
  async start(): Promise<void> {
    const started = await Promise.allSettled(this.slots.map((slot) => slot.start()));
    const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) {
      await this.close();
      throw failed.reason;
    }
  }

  /** The processes running now (a slot between a death and its next run has none). */
  pids(): number[] {
    return this.slots.map((slot) => slot.pid).filter((pid): pid is number => pid !== null);
  }

  /** One worker per slot, for `dispatchInOrder`. */
  workers(): RunWorker[] {
    return this.slots.map((runner, slot) => ({ slot, run: (spec, signal) => runner.runCandidate(spec, signal, slot) }));
  }

  async close(): Promise<void> {
    await Promise.all(this.slots.map((slot) => slot.close()));
  }
}
