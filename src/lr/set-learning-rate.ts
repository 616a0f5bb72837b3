import type * as tfTypes from '@tensorflow/tfjs';

/**
 * Sets an optimizer's learning rate in place, for the next update. SGD and momentum
 * cache it as a scalar tensor behind `setLearningRate`; the adaptive optimizers (Adam,
 * Adamax, RMSProp, Adagrad, Adadelta) read `learningRate` on every update (a protected
 * field in the typings, plain JavaScript underneath).
 */
export function setLearningRate(optimizer: tfTypes.Optimizer, lr: number): void {
  const o = optimizer as unknown as { setLearningRate?: (lr: number) => void; learningRate: number };
  if (typeof o.setLearningRate === 'function') o.setLearningRate(lr);
  else o.learningRate = lr;
}
