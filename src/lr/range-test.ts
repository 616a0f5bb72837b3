import { trainingStep } from '../runner/in-process';
import type { TF } from '../platform/tf';
import { disposeModel, type Workload } from '../workloads/workload';
import { setLearningRate } from './set-learning-rate';
import { assessLrRange, hasDiverged, smoothLosses, type LrPoint } from './suggest';

export { setLearningRate };

export interface LrRangeOptions {
  /** Batch size of the sweep. */
  batchSize: number;
  /** @default 1e-6 */
  minLr?: number;
  /** @default 10 */
  maxLr?: number;
  /** Steps of the sweep, one learning rate each. @default 100 */
  steps?: number;
  /** Epoch milliseconds at which the sweep stops, finished or not. @default none */
  deadline?: number;
  seed?: number;
  signal?: AbortSignal;
  /** Called after each step. */
  onStep?: (step: number, steps: number, lr: number, loss: number) => void;
}

export interface LrRangeResult {
  batchSize: number;
  /** The suggested rate; null when the sweep is too short or shows no descent (see `insufficient`). */
  suggestion: number | null;
  /** Why there is no suggestion; null when there is one. */
  insufficient: string | null;
  points: LrPoint[];
  /** Why the sweep ended: it reached maxLr, the loss diverged, or time ran out. */
  ended: 'max-lr' | 'diverged' | 'time';
}

/**
 * The LR range test (Smith 2017; fastai's and Lightning's `lr_find`): from the initial
 * weights, one training step per learning rate, rising exponentially from `minLr` to
 * `maxLr`, stopping once the smoothed loss diverges. The suggestion is computed from
 * the recorded points by `suggestLearningRate`.
 */
export async function findLearningRate(tf: TF, workload: Workload, options: LrRangeOptions): Promise<LrRangeResult> {
  const minLr = options.minLr ?? 1e-6;
  const maxLr = options.maxLr ?? 10;
  const steps = options.steps ?? 100;
  const model = await workload.createModel();
  const points: LrPoint[] = [];
  let ended: LrRangeResult['ended'] = 'max-lr';
  const batches = workload.data.batches(options.batchSize, 'shuffled', options.seed ?? 0);
  try {
    const step = trainingStep(model, batches);
    for (let i = 0; i < steps; i++) {
      const lr = minLr * (maxLr / minLr) ** (i / (steps - 1));
      setLearningRate(model.optimizer, lr);
      const loss = await step();
      points.push({ lr, loss });
      options.onStep?.(i, steps, lr, loss);
      await new Promise((resolve) => setImmediate(resolve));
      if (hasDiverged(smoothLosses(points.map((p) => p.loss)), loss)) {
        ended = 'diverged';
        break;
      }
      if ((options.deadline !== undefined && Date.now() >= options.deadline) || options.signal?.aborted) {
        ended = 'time';
        break;
      }
    }
  } finally {
    batches.close();
    disposeModel(model);
  }
  return { batchSize: options.batchSize, ...assessLrRange(points, steps), points, ended };
}
