import type { OptimizerName } from '../workloads/workload';

/** Optimizers whose step is normalized per coordinate; their learning rate scales as a square root. */
const ADAPTIVE: ReadonlySet<OptimizerName> = new Set(['adam', 'adamax', 'rmsprop', 'adagrad', 'adadelta']);

export function isAdaptive(optimizer: OptimizerName): boolean {
  return ADAPTIVE.has(optimizer);
}

/**
 * The learning rate for batch size `b`, given `lr0` found at `b0`, by the noise-scale
 * rule of McCandlish et al.: the best SGD step grows as 1/(1 + B_noise/B), so
 *   η(B) = η(B₀)·(1 + B_noise/B₀)/(1 + B_noise/B),
 * linear in B for B ≪ B_noise and saturating above it. Adaptive optimizers (Adam and
 * kin) take its square root, the scaling that keeps their update variance constant.
 */
export function scaleLearningRate(lr0: number, b0: number, b: number, bNoise: number, optimizer: OptimizerName): number {
  const factor = (1 + bNoise / b0) / (1 + bNoise / b);
  return lr0 * (isAdaptive(optimizer) ? Math.sqrt(factor) : factor);
}
