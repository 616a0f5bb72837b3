import type { Trial, TrialStatus, ProbeResult } from '../../src/document';

/** A trial record for table tests: samples/s and peak MiB given, the rest derived. */
export function trial(batchSize: number, samplesPerSec: number | null, peakMiB: number | null, status: TrialStatus = 'ok'): Trial {
  const ok = status === 'ok';
  return {
    batchSize,
    status,
    stepMs: ok && samplesPerSec ? (batchSize * 1000) / samplesPerSec : null,
    samplesPerSec: ok ? samplesPerSec : null,
    peakBytes: peakMiB === null ? null : peakMiB * 2 ** 20,
    rssBytes: null,
    steps: ok ? 5 : 0,
  };
}

export const MiB = 2 ** 20;

/** A probe of batches 4, 8 and 16 whose every step takes 100 ms on paper: a round of t seconds is 10·t steps. */
export function paperProbe(): ProbeResult {
  return {
    trials: [trial(4, 40, 1), trial(8, 80, 1), trial(16, 160, 1)],
    stopReason: 'max-batch',
    maxFeasibleBatch: 16,
    throughputKnee: 8,
    safeMaxBatch: 16,
  };
}
