import type * as tfTypes from '@tensorflow/tfjs';
import type { TuneOptions } from '../src/options';
import type { TF } from '../src/platform/tf';
import { resolveWorkload } from '../src/workloads/spec';
import { createWorkload, type Workload } from '../src/workloads/workload';

export interface BenchWorkload {
  name: string;
  options: TuneOptions;
  /**
   * Only autobatch's own run, for its wall time against the budget: a model this slow
   * has no oracle worth its hours (issue 16's slow models).
   */
  budgetOnly?: boolean;
}

/**
 * A small regression MLP with a layer that busy-waits `msPerSample` a sample in its
 * forward pass: as slow per step as a much bigger model on a CPU, with the same
 * single-threaded behaviour.
 */
function slowMlp(tf: TF, msPerSample: number): Pick<TuneOptions, 'model' | 'data'> {
  class Wait extends tf.layers.Layer {
    static className = 'BenchWait';
    override computeOutputShape(shape: tfTypes.Shape | tfTypes.Shape[]) {
      return shape;
    }
    override call(inputs: tfTypes.Tensor | tfTypes.Tensor[]) {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const end = Date.now() + msPerSample * x.shape[0]!;
      while (Date.now() < end) {
        // The wait is the point: a model this much slower.
      }
      return x;
    }
  }
  const x = tf.randomNormal([2048, 8], 0, 1, 'float32', 7);
  const y = x.sum(1, true);
  const model = () => {
    const m = tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [8], units: 16, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
        new Wait({}),
        tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
      ],
    });
    m.compile({ optimizer: tf.train.adam(0.001), loss: 'meanSquaredError' });
    return m;
  };
  return { model, data: { x, y } };
}

/** A deeper, wider model of another shape: a 6-layer MLP on a seeded 8-class problem. */
function deepMlp(tf: TF): Pick<TuneOptions, 'model' | 'data'> {
  const x = tf.randomNormal([6000, 32], 0, 1, 'float32', 21);
  const w = tf.randomNormal([32, 8], 0, 1, 'float32', 22);
  const y = tf.tidy(() => tf.oneHot(x.matMul(w).add(tf.randomNormal([6000, 8], 0, 0.5, 'float32', 23)).argMax(1), 8).toFloat());
  tf.dispose(w);
  const model = () => {
    const init = (s: number) => tf.initializers.heNormal({ seed: s });
    const layers = [tf.layers.dense({ inputShape: [32], units: 256, activation: 'relu', kernelInitializer: init(1) })];
    for (let i = 2; i <= 5; i++) layers.push(tf.layers.dense({ units: 256, activation: 'relu', kernelInitializer: init(i) }));
    layers.push(tf.layers.dense({ units: 8, activation: 'softmax', kernelInitializer: init(9) }));
    const m = tf.sequential({ layers });
    m.compile({ optimizer: tf.train.momentum(0.01, 0.9), loss: 'categoricalCrossentropy' });
    return m;
  };
  return { model, data: { x, y } };
}

/** The bench's workloads, built the same way in every process that trains them. */
export function benchWorkloads(tf: TF): BenchWorkload[] {
  return [
    { name: 'mnist-mlp', options: { example: 'mnist-mlp' } },
    { name: 'synthetic-regression', options: { example: 'synthetic-regression' } },
    { name: 'deep-mlp', options: deepMlp(tf) },
    { name: 'slow-3ms', options: slowMlp(tf, 3), budgetOnly: true },
    { name: 'slow-1s', options: slowMlp(tf, 120), budgetOnly: true },
  ];
}

/** The workload autobatch tuned, with the same initial weights and split, for the oracle and the baselines. */
export async function buildWorkload(tf: TF, entry: BenchWorkload, seed: number): Promise<Workload> {
  const normalized = { example: 'mnist-mlp' as const, standardize: true, validationSplit: 0.2, seed, ...(typeof entry.options.example === 'string' ? { example: entry.options.example } : {}) };
  const definition = await resolveWorkload(normalized, {
    ...(typeof entry.options.model === 'function' ? { model: entry.options.model } : {}),
    ...(entry.options.data && typeof entry.options.data === 'object' ? { data: entry.options.data } : {}),
  });
  return createWorkload(tf, definition, { seed, validationSplit: 0.2 });
}
