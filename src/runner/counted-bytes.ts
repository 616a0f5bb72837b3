import type { Trial } from '../document';

/**
 * The memory a trial is held to: its peak tensor bytes, plus for streamed data the
 * pipeline's resident bytes beside them (see `Trial.pipelineBytes`).
 */
export function countedBytes(trial: Pick<Trial, 'peakBytes' | 'pipelineBytes'>): number {
  return (trial.peakBytes ?? 0) + (trial.pipelineBytes ?? 0);
}
