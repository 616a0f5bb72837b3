import type { ProbeResult, StopReason, Trial } from '../document';
import type { ProgressEvent } from '../progress';
import type { TrialRunner } from '../runner/runner';
import { predictPeakBytes } from './memory-model';
import {
  BISECT_STEPS,
  decideNextTrial,
  estimateTrialSeconds,
  findMaxFeasibleBatch,
  findSafeMaxBatch,
  findThroughputKnee,
  nextBisectBatch,
  type ProbeLimits,
  type TrialTiming,
} from './stopping';

export interface ProbeOptions extends ProbeLimits, TrialTiming {
  /** Epoch milliseconds by which the probe must be done. */
  deadline: number;
  signal?: AbortSignal;
  onProgress?: (event: ProgressEvent) => void;
  now?: () => number;
}

export interface ProbeOutcome extends ProbeResult {
  /** True when the probe was aborted before it reached a stopping rule. */
  interrupted: boolean;
}

/**
 * The capacity probe: doubles the batch size from `minBatch`, running real training
 * steps through `runner`, until a stopping rule fires; after a memory stop, bisects
 * towards the limit while time allows. The decisions are the pure functions of
 * `./stopping`; this loop only runs trials and watches the clock.
 */
export async function probeCapacity(runner: TrialRunner, options: ProbeOptions): Promise<ProbeOutcome> {
  const now = options.now ?? Date.now;
  const trials: Trial[] = [];
  const aborted = () => options.signal?.aborted === true;

  const run = async (batchSize: number, bisect: boolean): Promise<Trial | null> => {
    options.onProgress?.({
      type: 'trial-start',
      batchSize,
      index: trials.length,
      secondsLeft: Math.max(0, (options.deadline - now()) / 1000),
    });
    const spec = {
      batchSize,
      warmupSteps: options.warmupSteps,
      minSteps: options.minSteps,
      minSeconds: options.minSeconds,
      memoryBudgetBytes: options.memoryBudgetBytes,
      deadline: options.deadline,
    };
    let trial: Trial;
    try {
      trial = await runner.runTrial(spec, options.signal);
    } catch (err) {
      // Aborted mid-trial: the trial is dropped, not recorded as a failure.
      if (options.signal?.aborted) return null;
      throw err;
    }
    if (bisect) trial.bisect = true;
    trials.push(trial);
    options.onProgress?.({ type: 'trial-end', trial, index: trials.length - 1 });
    return trial;
  };
  const fitsInTime = (batchSize: number) => {
    const estimate = estimateTrialSeconds(trials, batchSize, options);
    return estimate === undefined || now() + estimate * 1000 <= options.deadline;
  };

  let stopReason: StopReason | undefined;
  let upperBound = Number.POSITIVE_INFINITY;
  while (stopReason === undefined && !aborted()) {
    const decision = decideNextTrial(trials, options);
    if (decision.action === 'stop') {
      stopReason = decision.reason;
      upperBound = decision.failedBatch ?? upperBound;
    } else if (!fitsInTime(decision.batchSize)) {
      stopReason = 'time';
    } else {
      await run(decision.batchSize, false);
    }
  }

  if (stopReason === 'memory' || stopReason === 'oom') {
    for (let step = 0; step < BISECT_STEPS && !aborted(); ) {
      const mid = nextBisectBatch(trials, upperBound);
      if (mid === null || !fitsInTime(mid)) break;
      const predicted = predictPeakBytes(trials, mid);
      if (predicted !== undefined && predicted > options.memoryBudgetBytes) {
        upperBound = mid; // known not to fit without running it
        continue;
      }
      await run(mid, true);
      step++;
    }
  }

  const interrupted = aborted();
  return {
    trials,
    // An abort before any rule fired leaves the probe cut short, like running out of time.
    stopReason: stopReason ?? 'time',
    maxFeasibleBatch: findMaxFeasibleBatch(trials),
    throughputKnee: findThroughputKnee(trials),
    safeMaxBatch: findSafeMaxBatch(trials),
    interrupted,
  };
}
