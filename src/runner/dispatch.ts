import { TrialAbortedError } from './isolated';

/** What the dispatcher asks and tells about each job, by its index in the plan's order. */
export interface DispatchHooks<R> {
  /** Asked just before job `i` would start; false stops dispatching (no later job starts). */
  mayStart?(i: number): boolean;
  onStart?(i: number, worker: number): void;
  onEnd?(i: number, result: R, worker: number): void;
}

/**
 * Runs `jobs` on `workers`, each worker one job at a time, taking jobs strictly in order:
 * job i starts only after jobs 0..i-1 have started, so the jobs that ran are always a
 * prefix of the list. Results come back in the jobs' order, whichever worker ran each and
 * whenever it ended; a job never started (stopped by `mayStart`, or after an abort) is
 * `undefined`. A worker that rejects with `TrialAbortedError` stops the dispatch; any
 * other rejection is thrown once the jobs in flight have ended.
 */
export async function dispatchInOrder<J, R>(
  jobs: readonly J[],
  workers: readonly ((job: J) => Promise<R>)[],
  hooks: DispatchHooks<R> = {},
): Promise<(R | undefined)[]> {
  const results: (R | undefined)[] = new Array(jobs.length).fill(undefined);
  let next = 0;
  let stopped = false;
  let failure: { error: unknown } | null = null;
  const work = async (w: number) => {
    while (!stopped && next < jobs.length) {
      const i = next;
      if (hooks.mayStart && !hooks.mayStart(i)) {
        stopped = true;
        return;
      }
      next++;
      hooks.onStart?.(i, w);
      try {
        const result = await workers[w](jobs[i]);
        results[i] = result;
        hooks.onEnd?.(i, result, w);
      } catch (error) {
        stopped = true;
        if (!(error instanceof TrialAbortedError) && !failure) failure = { error };
        return;
      }
    }
  };
  await Promise.all(workers.map((_, w) => work(w)));
  if (failure) throw (failure as { error: unknown }).error;
  return results;
}
