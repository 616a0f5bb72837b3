import { createRandom, normalFrom } from '../../src/util/random';
import type { TF } from '../../src/platform/tf';

/**
 * Least squares with Gaussian inputs: x ~ N(0, I_d), y = w*·x + σε, a linear model
 * without bias and MSE loss. At weights w, with e = w − w*, the per-sample gradient is
 * g = 2(x·e − σε)x, so (Isserlis) G = 2e, |G|² = 4|e|², and
 *   E[g gᵀ] = 4(|e|² I + 2 e eᵀ) + 4σ² I  ⇒  tr(Σ) = 4((d + 1)|e|² + dσ²),
 *   B_simple = ((d + 1)|e|² + dσ²) / |e|².
 */
export function leastSquares(tf: TF, d: number, sigma: number, samples: number, seed = 7) {
  const random = createRandom(seed);
  const wStar = Array.from({ length: d }, () => normalFrom(random) / Math.sqrt(d));
  const x = new Float32Array(samples * d);
  const y = new Float32Array(samples);
  for (let i = 0; i < samples; i++) {
    let dot = 0;
    for (let j = 0; j < d; j++) {
      const v = normalFrom(random);
      x[i * d + j] = v;
      dot += wStar[j] * v;
    }
    y[i] = dot + sigma * normalFrom(random);
  }
  const model = tf.sequential({
    layers: [tf.layers.dense({ inputShape: [d], units: 1, useBias: false, kernelInitializer: 'zeros' })],
  });
  model.compile({ optimizer: tf.train.sgd(0.01), loss: 'meanSquaredError' });
  // At zero weights e = −w*.
  const eSq = wStar.reduce((a, w) => a + w * w, 0);
  return {
    model,
    data: { x: tf.tensor2d(x, [samples, d]), y: tf.tensor2d(y, [samples, 1]) },
    expected: {
      gradSq: 4 * eSq,
      traceSigma: 4 * ((d + 1) * eSq + d * sigma * sigma),
      bSimple: ((d + 1) * eSq + d * sigma * sigma) / eSq,
    },
  };
}
