import type { Trial, TrialStatus } from '../../src/document';

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
