import type { Alternative, ProbeResult, Recommendation, StopReason, WorkloadInfo } from './document';
import { KNEE_FRACTION } from './probe/stopping';
import { formatBytes } from './units';

const STOP_WORDS: Record<StopReason, string> = {
  memory: 'the memory budget',
  oom: 'an out-of-memory failure',
  'throughput-plateau': 'throughput no longer improving',
  dataset: 'the size of the training set',
  'max-batch': 'the --max-batch limit',
  time: 'the time budget',
};

/**
 * Recommends from the capacity probe alone: the throughput knee (the smallest batch
 * with nearly the best samples/s), which is within the memory limit because only ok
 * trials count. Until the statistical search lands, the learning rate is the
 * optimizer's own. Null when no trial was ok.
 */
export function recommendFromProbe(probe: ProbeResult, workload: WorkloadInfo, memoryBudgetBytes: number): Recommendation | null {
  const ok = probe.trials.filter((t) => t.status === 'ok');
  if (probe.throughputKnee === null || probe.maxFeasibleBatch === null) return null;
  const at = (batchSize: number) => ok.find((t) => t.batchSize === batchSize)!;
  const knee = at(probe.throughputKnee);
  const fastest = ok.reduce((a, b) => (b.samplesPerSec! > a.samplesPerSec! ? b : a));
  const leanest = ok.reduce((a, b) => (b.peakBytes! < a.peakBytes! ? b : a));
  const lr = workload.optimizer.learningRate;
  const option = (batchSize: number, why: string): Alternative => ({ batchSize, learningRate: lr, why });

  const reasons = [
    `The probe stopped at ${STOP_WORDS[probe.stopReason]}; the largest batch that trained within ` +
      `${formatBytes(memoryBudgetBytes)} was ${probe.maxFeasibleBatch}.`,
    `Batch ${knee.batchSize} is the smallest size reaching ${Math.round(KNEE_FRACTION * 100)} % of the best ` +
      `throughput (${Math.round(knee.samplesPerSec!)} of ${Math.round(fastest.samplesPerSec!)} samples/s at ` +
      `batch ${fastest.batchSize}); larger batches buy little more speed but make fewer updates per epoch.`,
    `Learning rate ${lr} is the ${workload.optimizer.name} default: measured learning rates come with the statistical search.`,
  ];
  return {
    batchSize: knee.batchSize,
    learningRate: lr,
    reasons,
    expected: { samplesPerSec: knee.samplesPerSec, peakBytes: knee.peakBytes },
    alternatives: {
      fastest: option(fastest.batchSize, `highest measured throughput (${Math.round(fastest.samplesPerSec!)} samples/s)`),
      lowestMemory: option(leanest.batchSize, `lowest peak memory (${formatBytes(leanest.peakBytes!)})`),
    },
  };
}
