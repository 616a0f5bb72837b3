import type { Trial } from '../document';

/** What one capacity trial should do. */
export interface TrialSpec {
  batchSize: number;
  /** Untimed steps first; the last of them is profiled for peak memory. */
  warmupSteps: number;
  /** Timed steps, at least. */
  minSteps: number;
  /** Seconds of timed steps, at least. */
  minSeconds: number;
  /** A trial whose profiled step passes this many peak bytes ends without timing. */
  memoryBudgetBytes: number;
  /** Epoch milliseconds after which timing stops once one step is timed. */
  deadline: number;
}

/**
 * Runs trials. Every trial path (in-process now, a child process later) goes through
 * this one interface, so the probe never touches tensors.
 */
export interface TrialRunner {
  /**
   * Runs one trial. Out-of-memory becomes a trial with status `oom`, never a throw;
   * any other failure throws. Once `signal` aborts, the trial ends as soon as one
   * step is timed.
   */
  runTrial(spec: TrialSpec, signal?: AbortSignal): Promise<Trial>;
  /** Releases what the runner holds. */
  close(): Promise<void>;
}
