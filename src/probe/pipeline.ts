import type { StopReason, Trial } from '../document';
import { formatBytes } from '../util/units';
import { inputShare } from './stopping';

const round = (v: number) => Math.round(v).toLocaleString('en-US');

/**
 * What the probe saw of a streamed data pipeline, as reasons: the input-bound limit with
 * both rates, the pipeline's memory beside the tensors, and tensors leaking per batch.
 * Empty for data held in memory (its trials record none of it).
 */
export function pipelineReasons(trials: readonly Trial[], stopReason: StopReason): string[] {
  const ok = trials.filter((t) => t.status === 'ok');
  const reasons: string[] = [];
  const last = ok[ok.length - 1];
  if (stopReason === 'input-bound' && last) {
    const share = inputShare(last)!;
    const modelRate = (last.batchSize * 1000) / (last.stepMs! - last.inputMs!);
    reasons.push(
      `Input-bound: at batch ${last.batchSize} each step waited ${Math.round(share * 100)} % of its time for its batch: the data pipeline delivered ` +
        `${round(last.samplesPerSec!)} samples/s where the model alone trains ${round(modelRate)} samples/s, and doubling the batch did not raise it; ` +
        'a larger batch is not faster here (more decoding threads, a lighter decode or data cached in memory would be).',
    );
  }
  const piped = ok.filter((t) => t.pipelineBytes !== undefined);
  if (piped.length) {
    const top = piped[piped.length - 1];
    reasons.push(
      `Memory counted: tensors plus the data pipeline's resident memory (decoded and prefetched batches): at batch ${top.batchSize}, ` +
        `${formatBytes(top.peakBytes!)} of tensors and ${formatBytes(top.pipelineBytes!)} of pipeline.`,
    );
  }
  const leaking = trials.filter((t) => (t.leakedTensors ?? 0) > 0);
  if (leaking.length) {
    const t = leaking[leaking.length - 1];
    reasons.push(
      `Leak: ${t.leakedTensors} tensors were left behind per step at batch ${t.batchSize} (about ${(t.leakedTensors! / t.batchSize).toFixed(2)} a sample): ` +
        'a map in the data pipeline (or a loss) that does not release what it makes; wrap it in tf.tidy, or memory grows until the process dies in a long run.',
    );
  }
  return reasons;
}
