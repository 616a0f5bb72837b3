import type * as tfTypes from '@tensorflow/tfjs';
import type { OptimizerName, WorkloadInfo } from '../document';
import type { TF } from '../tf';

/** Features and targets; the first dimension of both counts samples. */
export interface Dataset {
  x: tfTypes.Tensor;
  y: tfTypes.Tensor;
}

export type { OptimizerName };

export interface OptimizerSpec {
  name: OptimizerName;
  learningRate: number;
}

/** What a workload source (an example, a module, a saved model) provides. */
export interface WorkloadDefinition {
  name: string;
  source: WorkloadInfo['source'];
  /** Builds the model; called once; autobatch copies its initial weights into every trial's model. */
  buildModel(tf: TF): tfTypes.LayersModel;
  loadData(tf: TF): { train: Dataset; validation: Dataset };
  loss: string;
  optimizer: OptimizerSpec;
}

/**
 * A model factory plus data. Every model it creates starts from the same weights, so
 * trials differ only in what they measure.
 */
export interface Workload {
  readonly info: WorkloadInfo;
  readonly train: Dataset;
  readonly validation: Dataset;
  /** A fresh, compiled model with the workload's initial weights. Caller disposes it with `disposeModel`. */
  createModel(optimizer?: Partial<OptimizerSpec>): tfTypes.LayersModel;
  dispose(): void;
}

/** Builds a workload: loads the data, builds the model once and keeps its initial weights. */
export function createWorkload(tf: TF, definition: WorkloadDefinition): Workload {
  const { train, validation } = definition.loadData(tf);
  const template = definition.buildModel(tf);
  const initialWeights = template.getWeights().map((w) => tf.keep(w.clone()));
  const parameters = template.countParams();
  template.dispose();

  return {
    info: {
      name: definition.name,
      source: definition.source,
      parameters,
      trainSamples: train.x.shape[0],
      valSamples: validation.x.shape[0],
      loss: definition.loss,
      optimizer: { ...definition.optimizer },
    },
    train,
    validation,
    createModel(optimizer = {}) {
      const model = definition.buildModel(tf);
      model.setWeights(initialWeights);
      model.compile({
        loss: definition.loss,
        optimizer: createOptimizer(tf, { ...definition.optimizer, ...optimizer }),
      });
      return model;
    },
    dispose() {
      for (const t of [...initialWeights, train.x, train.y, validation.x, validation.y]) t.dispose();
    },
  };
}

/** Disposes a model made by `createModel`, its optimizer's state included. */
export function disposeModel(model: tfTypes.LayersModel): void {
  // LayersModel.dispose() keeps an optimizer it was handed as an object.
  const optimizer = model.optimizer;
  model.dispose();
  optimizer?.dispose();
}

export function createOptimizer(tf: TF, spec: OptimizerSpec): tfTypes.Optimizer {
  const lr = spec.learningRate;
  switch (spec.name) {
    case 'sgd':
      return tf.train.sgd(lr);
    case 'momentum':
      return tf.train.momentum(lr, 0.9);
    case 'adam':
      return tf.train.adam(lr);
    case 'adamax':
      return tf.train.adamax(lr);
    case 'rmsprop':
      return tf.train.rmsprop(lr);
    case 'adagrad':
      return tf.train.adagrad(lr);
    case 'adadelta':
      return tf.train.adadelta(lr);
  }
}

/** The learning rate Keras and TensorFlow.js use when none is given. */
export const DEFAULT_LEARNING_RATES: Record<OptimizerName, number> = {
  sgd: 0.01,
  momentum: 0.01,
  adam: 0.001,
  adamax: 0.002,
  rmsprop: 0.001,
  adagrad: 0.01,
  adadelta: 1,
};
