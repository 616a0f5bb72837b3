import type { ProbeResult } from '../document';
import { probeCapacity, type ProbeOutcome } from '../probe/probe';
import { adviseBudget, probeDeadline } from '../search/plan';
import type { Trainer, Tuning } from './context';
import type { PhaseStep } from './run-phase';

export interface ProbeInput {
  trainer: Trainer;
  memoryBudgetBytes: number;
}

/** What the probe gives the later phases. */
export interface Capacity {
  probe: ProbeResult;
  /**
   * The largest batch this process trains or evaluates at: what the probe proved safe. A
   * model that kills its process at some batch must not kill this one.
   */
  safe: number;
  /** The throughput knee, within `safe`. */
  knee: number;
  /** Whether the later phases run: a size trained, and the search was asked for (without it they are skipped by choice, not cut). */
  searching: boolean;
}

/** The capacity probe: doubling batch sizes, one trial at a time (see `probeCapacity`). */
export const probePhase: PhaseStep<ProbeInput, Capacity, ProbeOutcome> = {
  phase: 'probe',
  share: ({ opts, clock }) => ({ deadline: probeDeadline(Date.now(), clock.end, opts.search) }),
  reuse(tuning) {
    const probe = tuning.resumption?.probe;
    return probe ? ended(tuning, { ...probe }, false) : undefined;
  },
  start: ({ opts }, { trainer, memoryBudgetBytes }, allot) => ({
    measure: () =>
      probeCapacity(trainer.runner, {
        minBatch: opts.minBatch,
        maxBatch: opts.maxBatch,
        datasetSize: trainer.workload.info.trainSamples,
        memoryBudgetBytes,
        warmupSteps: opts.warmupSteps,
        minSteps: opts.minSteps,
        minSeconds: opts.minTrialSeconds,
        deadline: allot().deadline,
        signal: opts.signal,
        onProgress: opts.onProgress,
      }),
  }),
  end: (tuning, { interrupted, ...probe }) => ended(tuning, probe, interrupted),
};

/** Stopping at its share of the time is a cut probe, and one that was not interrupted is done. */
function ended(tuning: Tuning, probe: ProbeResult, interrupted: boolean) {
  tuning.doc.probe = probe;
  const safe = probe.safeMaxBatch ?? tuning.opts.minBatch;
  const capacity: Capacity = {
    probe,
    safe,
    knee: Math.min(probe.throughputKnee ?? safe, safe),
    searching: probe.throughputKnee !== null && tuning.opts.search,
  };
  return { value: capacity, cut: interrupted || probe.stopReason === 'time', done: !interrupted };
}

/** When the probe's step times say the budget is too small for a search worth the name: a note, and an `advice` event. */
export function adviseOnBudget(tuning: Tuning, { probe, knee, searching }: Capacity): void {
  if (!searching) return;
  const { opts, clock } = tuning;
  const advice = adviseBudget(probe.trials, knee, (Date.now() - clock.started) / 1000, opts.timeBudgetSeconds);
  if (!advice) return;
  tuning.note(advice);
  opts.onProgress({ type: 'advice', message: advice });
}
