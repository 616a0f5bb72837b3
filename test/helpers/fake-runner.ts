import type { Trial } from '../../src/document';
import type { TrialRunner, TrialSpec } from '../../src/runner/runner';

/** A simulated machine: how a model's throughput and memory grow with the batch. */
export interface FakeMachine {
  /** samples/s at batch b. */
  throughput(b: number): number;
  /** Peak tensor bytes at batch b. */
  peakBytes(b: number): number;
  /** Batches at or above this die with an out-of-memory. */
  failAt?: number;
  /** Simulated seconds each trial takes; advances `clock`. */
  trialSeconds?: number;
}

/**
 * A runner with no tensors: it reports what `machine` says, so the probe's decisions
 * can be checked against known answers.
 */
export class FakeRunner implements TrialRunner {
  readonly ran: number[] = [];
  clock = 0;

  constructor(private readonly machine: FakeMachine) {}

  readonly now = () => this.clock;

  async runTrial(spec: TrialSpec): Promise<Trial> {
    const b = spec.batchSize;
    this.ran.push(b);
    this.clock += (this.machine.trialSeconds ?? 1) * 1000;
    if (this.machine.failAt !== undefined && b >= this.machine.failAt) {
      return { batchSize: b, status: 'oom', stepMs: null, samplesPerSec: null, peakBytes: null, rssBytes: null, steps: 0, error: 'OOM when allocating tensor' };
    }
    const peakBytes = this.machine.peakBytes(b);
    if (peakBytes > spec.memoryBudgetBytes) {
      return { batchSize: b, status: 'over-budget', stepMs: null, samplesPerSec: null, peakBytes, rssBytes: null, steps: 0 };
    }
    const samplesPerSec = this.machine.throughput(b);
    return { batchSize: b, status: 'ok', stepMs: (b * 1000) / samplesPerSec, samplesPerSec, peakBytes, rssBytes: 0, steps: 5 };
  }

  async close(): Promise<void> {}
}
