import type * as tfTypes from '@tensorflow/tfjs';
import type { TF } from '../platform/tf';
import type { DataSource, Dataset } from '../workloads/data-source';
import { tensorBatches } from '../workloads/tensor-source';
import { adamPreconditioner, estimateNoiseFromGroups, type GradientGroup, type NoiseEstimateWithError } from './estimator';

export interface GradientNoiseOptions {
  /** Samples per small batch, b. @default 64, or less on a small data set */
  batchSize?: number;
  /** Small batches, K; B_big = K·b. @default 64 */
  batches?: number;
  /** Groups for the jackknife standard error. @default 8 */
  groups?: number;
  /** Also estimate for Adam-preconditioned gradients. @default false */
  precondition?: boolean;
  /** Seed for drawing the batches. @default 0 */
  seed?: number;
}

export interface GradientNoiseResult {
  plain: NoiseEstimateWithError;
  /** With gradients divided by √v + ε, v their mean square: what Adam steps along. */
  preconditioned: NoiseEstimateWithError | null;
  batchSize: number;
  batches: number;
}

/**
 * Measures the gradient noise scale of a compiled model at its current weights: K
 * gradients of b independent random samples each, with no update between them.
 * Disposes everything it makes; the model's weights are untouched.
 */
export async function estimateGradientNoise(
  tf: TF,
  model: tfTypes.LayersModel,
  data: Dataset | Pick<DataSource, 'trainSamples' | 'batches'>,
  options: GradientNoiseOptions = {},
): Promise<GradientNoiseResult> {
  const samples = 'x' in data ? data.x.shape[0] : data.trainSamples;
  const groups = options.groups ?? 8;
  const batches = Math.max(2 * groups, options.batches ?? 64);
  const batchSize = Math.max(1, Math.min(options.batchSize ?? 64, Math.floor(samples / 2)));
  const perGroup = Math.ceil(batches / groups);
  const source = 'x' in data ? tensorBatches(tf, data, batchSize, 'independent', options.seed ?? 0) : data.batches(batchSize, 'independent', options.seed ?? 0);
  const sums: GradientGroup[] = [];
  try {
    for (let g = 0; g < groups; g++) {
      let sum: tfTypes.Tensor | undefined;
      let sumSq: tfTypes.Tensor | undefined;
      for (let i = 0; i < perGroup; i++) {
        const { x, y } = await source.next();
        const grad = flatGradient(tf, model, x, y);
        x.dispose();
        y.dispose();
        const [nextSum, nextSumSq] = tf.tidy(() => [sum ? sum.add(grad) : grad.clone(), sumSq ? sumSq.add(grad.square()) : grad.square()]);
        tf.dispose([sum, sumSq, grad] as tfTypes.Tensor[]);
        sum = nextSum;
        sumSq = nextSumSq;
        await new Promise((resolve) => setImmediate(resolve)); // let signals and timers through
      }
      sums.push({ sum: (await sum!.data()) as Float32Array, sumSq: (await sumSq!.data()) as Float32Array, batches: perGroup });
      tf.dispose([sum!, sumSq!]);
    }
  } finally {
    source.close();
  }
  return {
    plain: estimateNoiseFromGroups(sums, batchSize),
    preconditioned: options.precondition ? estimateNoiseFromGroups(sums, batchSize, adamPreconditioner(sums)) : null,
    batchSize,
    batches: perGroup * groups,
  };
}

/**
 * The gradient of the model's compiled loss (mean over the batch) with respect to
 * every trainable weight, flattened into one vector.
 */
export function flatGradient(tf: TF, model: tfTypes.LayersModel, x: tfTypes.Tensor, y: tfTypes.Tensor): tfTypes.Tensor1D {
  return tf.tidy(() => {
    const variables = model.trainableWeights.map((w) => w.read() as tfTypes.Variable);
    const lossFn = compiledLoss(model);
    const { grads } = tf.variableGrads(() => {
      const prediction = model.apply(x, { training: true }) as tfTypes.Tensor;
      return tf.mean(lossFn(y, prediction)) as tfTypes.Scalar;
    }, variables);
    return tf.concat(variables.map((v) => (grads[v.name] ?? tf.zerosLike(v)).reshape([-1]))) as tfTypes.Tensor1D;
  });
}

type LossFn = (yTrue: tfTypes.Tensor, yPred: tfTypes.Tensor) => tfTypes.Tensor;

/**
 * The per-sample loss function the model was compiled with. A Sequential keeps it on
 * the LayersModel it wraps, so look there too.
 */
export function compiledLoss(model: tfTypes.LayersModel): LossFn {
  const inner = (model as unknown as { model?: tfTypes.LayersModel }).model;
  const fns = model.lossFunctions ?? inner?.lossFunctions;
  if (!fns || fns.length !== 1) {
    throw new TypeError(fns ? `models with ${fns.length} outputs are not supported yet` : 'the model is not compiled');
  }
  return fns[0] as LossFn;
}
