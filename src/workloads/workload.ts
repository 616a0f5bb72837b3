import type * as tfTypes from '@tensorflow/tfjs';
import { createHash } from 'node:crypto';
import { OPTIMIZER_NAMES, type OptimizerName, type WorkloadInfo } from '../document';
import { InputError } from '../util/errors';
import { createRandom, shuffledIndices } from '../util/random';
import type { TF } from '../platform/tf';
import type { Preparation } from './table/preparation';
import type { DataSource, Dataset } from './data-source';
import type { ImagePreparation } from './image-folder/preparation';
import { summarizeModel } from './model-summary';
import { TensorSource } from './tensor-source';
import { refuseBatched } from './dataset/refusals';

export type { OptimizerName, Dataset };

/** What a data source gives: training data, and validation data or not. */
export interface DataSplit {
  train: Dataset;
  validation?: Dataset;
}

export interface OptimizerSpec {
  name: OptimizerName;
  learningRate: number;
  /**
   * Every other setting of the optimizer as the user compiled it (`getConfig()` less the
   * rate: momentum and Nesterov, Adam's β1, β2 and ε, …): trials rebuild it with these, so
   * a model compiled with `tf.train.momentum(0.05, 0.95, true)` is tuned as that optimizer.
   * @default TensorFlow.js's defaults for the optimizer
   */
  settings?: OptimizerSettings;
}

/** An optimizer's settings besides its rate, by `getConfig()` name. */
export type OptimizerSettings = Record<string, number | boolean>;

export type LossFunction = (yTrue: tfTypes.Tensor, yPred: tfTypes.Tensor) => tfTypes.Tensor;

/** What a workload source (an example, a module, a saved model, a data file) provides. */
export interface WorkloadDefinition {
  name: string;
  source: WorkloadInfo['source'];
  /**
   * Builds the model, compiled or not. Called once for the template and once per
   * trial; every model it returns is given the template's initial weights.
   */
  buildModel(tf: TF): tfTypes.LayersModel | Promise<tfTypes.LayersModel>;
  /** Data held in memory, loaded whole. A definition has this or `openStream`. */
  loadData?(tf: TF): DataSplit | Promise<DataSplit>;
  /**
   * Streamed data (a `tf.data` Dataset, a folder of images), opened in every process that
   * trains, read a batch at a time; nothing is loaded whole or written for other processes.
   */
  openStream?(tf: TF, settings: WorkloadSettings): Promise<DataSource>;
  /**
   * What the tuner learns of a stream once (a dataset's counted size, a folder's checked
   * files), as spec fields for the processes that open it after: they need not learn it again.
   */
  surveyStream?(tf: TF): Promise<StreamSurvey>;
  /** Overrides the compiled model's loss; required when the model is not compiled. */
  loss?: string | LossFunction;
  /** Overrides the compiled model's optimizer. @default the compiled one, else Adam at 1e-3 */
  optimizer?: OptimizerSpec;
  /** Lines for the output about how the workload was put together. */
  notes?: string[];
  /** Training samples, when known before loading (data files): lets a bad setting fail first. */
  trainSamples?: number;
  /** What was done to a data file's table: recorded in the document, repeatable by `applyPreparation`. */
  preparation?: Preparation;
  /** The sha256 of the data file, when the data came from one (see `WorkloadSpec.dataSha256`). */
  dataSha256?: string;
  /**
   * True when `loadData`'s validation rows are a seeded share of the rows, not a set the
   * user chose (a data file's split): the search may then cross-validate over folds of
   * them (see `foldData`). A share `createWorkload` holds out counts the same.
   */
  validationHeldOut?: boolean;
  /** What was done to a folder of images: recorded in the document, repeatable by `imageFolderDataset`. */
  imagePreparation?: ImagePreparation;
}

/** See `WorkloadDefinition.surveyStream`. */
export interface StreamSurvey {
  /** Elements in one pass over a dataset (its training elements and held-out share together), and in its validation dataset. */
  datasetSizes?: { elements: number; validation?: number };
  imagePreparation?: ImagePreparation;
}

export interface WorkloadSettings {
  seed: number;
  /** Share of the training data held out for validation when the source gives none. */
  validationSplit: number;
}

/**
 * A model factory plus data. Every model it creates starts from the same weights, so
 * trials differ only in what they measure.
 */
export interface Workload {
  readonly info: WorkloadInfo;
  /** The training and validation samples, as every phase reads them. */
  readonly data: DataSource;
  readonly notes: string[];
  /** A hash of the architecture, initial weights, loss, optimizer and data: equal for the same workload. */
  fingerprint(): string;
  /** A fresh, compiled model with the workload's initial weights. Caller disposes it with `disposeModel`. */
  createModel(optimizer?: Partial<OptimizerSpec>): Promise<tfTypes.LayersModel>;
  dispose(): void;
}

/**
 * Builds a workload: loads the data (holding out a seeded validation share when the
 * source gives none), builds the model once, keeps its initial weights, and checks that
 * data and model fit each other.
 * @throws InputError when they do not, naming both numbers.
 */
export async function createWorkload(tf: TF, definition: WorkloadDefinition, settings: WorkloadSettings): Promise<Workload> {
  const data = definition.openStream ? await definition.openStream(tf, settings) : await loadTensorSource(tf, definition, settings);
  const owned: tfTypes.Tensor[] = [];
  let template: tfTypes.LayersModel | undefined;
  try {
    template = await definition.buildModel(tf);
    const loss = definition.loss ?? compiledLossOf(template, definition.name);
    const optimizer = completeOptimizer(tf, definition.optimizer ?? optimizerSpecOf(template) ?? { name: 'adam', learningRate: 0.001 });
    if (data.kind === 'dataset') refuseBatched(template, data.sampleShape, definition.name);
    checkCompatible(template, data.sampleShape, definition.name, typeof loss === 'string' ? loss : loss.name);
    const initialWeights = template.getWeights().map((w) => tf.keep(w.clone()));
    const parameters = template.countParams();
    const summary = summarizeModel(template);
    // Layer names are numbered per process (dense_Dense3, dense_Dense5): not architecture.
    const architecture = JSON.stringify(template.toJSON(null, false), (key, value) => (key === 'name' ? undefined : value));
    disposeModel(template);
    template = undefined;
    owned.push(...initialWeights);

    return {
      info: {
        name: definition.name,
        source: definition.source,
        parameters,
        trainSamples: data.trainSamples,
        valSamples: data.valSamples,
        validation: data.validationKind,
        ...(data.kind === 'tensors' ? {} : { dataSource: data.kind }),
        ...(data.batchedByPipeline ? { batchedDataset: true } : {}),
        loss: typeof loss === 'string' ? loss : loss.name || 'custom',
        optimizer: { ...optimizer },
        model: summary,
      },
      data,
      notes: [...(definition.notes ?? []), ...data.notes],
      fingerprint() {
        const hash = createHash('sha256');
        hash.update(architecture).update(JSON.stringify({ loss: String(loss), optimizer }));
        for (const t of initialWeights) {
          hash.update(JSON.stringify(t.shape));
          const values = t.dataSync();
          hash.update(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
        }
        data.hashInto(hash);
        return hash.digest('hex');
      },
      async createModel(override = {}) {
        const model = await definition.buildModel(tf);
        // A factory that compiles leaves its optimizer (Adam holds tensors from its start):
        // replaced below, so released here.
        model.optimizer?.dispose();
        model.setWeights(initialWeights);
        model.compile({ loss, optimizer: createOptimizer(tf, { ...optimizer, ...override }) });
        return model;
      },
      dispose() {
        tf.dispose(owned);
        data.dispose();
      },
    };
  } catch (err) {
    if (template) disposeModel(template);
    tf.dispose(owned);
    data.dispose();
    throw err;
  }
}

/**
 * Loads the data in memory, holding out a seeded validation share when the source gives
 * none; the row counts of features and targets must agree.
 */
async function loadTensorSource(tf: TF, definition: WorkloadDefinition, settings: WorkloadSettings): Promise<DataSource> {
  if (!definition.loadData) throw new TypeError(`${definition.name}: the workload definition has neither loadData nor openStream`);
  const split = await definition.loadData(tf);
  let parts: { train: Dataset; validation: Dataset };
  try {
    parts = split.validation
      ? { train: split.train, validation: split.validation }
      : holdOut(tf, split.train, settings.validationSplit, settings.seed, definition.name);
  } catch (err) {
    tf.dispose([split.train.x, split.train.y]);
    throw err;
  }
  const source = new TensorSource(tf, parts, split.validation && !definition.validationHeldOut ? 'given' : 'held-out');
  const { train } = parts;
  if (train.x.shape[0] !== train.y.shape[0]) {
    source.dispose();
    throw new InputError(`${definition.name}: ${train.x.shape[0]} feature rows but ${train.y.shape[0]} target rows`);
  }
  return source;
}

/** Splits off a seeded random validation share; disposes `data` (its rows live on in the parts). */
function holdOut(tf: TF, data: Dataset, share: number, seed: number, name: string): { train: Dataset; validation: Dataset } {
  const n = data.x.shape[0];
  const valCount = Math.round(n * share);
  if (valCount < 1 || valCount >= n) {
    throw new InputError(`${name}: ${n} samples cannot be split ${Math.round(share * 100)} % for validation; give validation data or change --val-split`);
  }
  const order = shuffledIndices(n, createRandom(seed ^ 0x5eed));
  const parts = tf.tidy(() => {
    const valIdx = tf.tensor1d(order.slice(0, valCount), 'int32');
    const trainIdx = tf.tensor1d(order.slice(valCount), 'int32');
    return [tf.gather(data.x, trainIdx), tf.gather(data.y, trainIdx), tf.gather(data.x, valIdx), tf.gather(data.y, valIdx)];
  });
  tf.dispose([data.x, data.y]);
  return { train: { x: parts[0], y: parts[1] }, validation: { x: parts[2], y: parts[3] } };
}

function compiledLossOf(model: tfTypes.LayersModel, name: string): string | LossFunction {
  const loss = (model as unknown as { loss?: unknown }).loss;
  if (typeof loss === 'string' || typeof loss === 'function') return loss as string | LossFunction;
  if (Array.isArray(loss) && loss.length === 1) return loss[0] as string | LossFunction;
  if (loss === undefined) throw new InputError(`${name}: the model is not compiled and no loss is given`);
  throw new InputError(`${name}: models with several outputs or losses are not supported yet`);
}

/** The spec of a compiled model's optimizer, or undefined when it is not compiled. */
function optimizerSpecOf(model: tfTypes.LayersModel): OptimizerSpec | undefined {
  const optimizer = model.optimizer;
  if (!optimizer) return undefined;
  const name = optimizer.getClassName().toLowerCase() as OptimizerName;
  if (!OPTIMIZER_NAMES.includes(name)) {
    throw new InputError(`the model's optimizer ${optimizer.getClassName()} is not supported; use one of ${OPTIMIZER_NAMES.join(', ')}`);
  }
  const { learningRate, ...rest } = optimizer.getConfig() as { learningRate?: number } & Record<string, unknown>;
  const settings = optimizerSettings(name, rest);
  return { name, learningRate: learningRate ?? DEFAULT_LEARNING_RATES[name], ...(Object.keys(settings).length ? { settings } : {}) };
}

/**
 * `spec` with every setting its optimizer takes, TensorFlow.js's default where it gave
 * none: the same optimizer reads the same however it was given (compiled, named by a
 * module, reloaded from a saved model), so its fingerprint and document agree.
 */
function completeOptimizer(tf: TF, spec: OptimizerSpec): OptimizerSpec {
  const optimizer = createOptimizer(tf, spec);
  try {
    const settings = optimizerSettings(spec.name, optimizer.getConfig() as Record<string, unknown>);
    return { name: spec.name, learningRate: spec.learningRate, ...(Object.keys(settings).length ? { settings } : {}) };
  } finally {
    optimizer.dispose();
  }
}

/** The settings each optimizer takes besides its rate, in its constructor's order (`tf.train.*`). */
export const OPTIMIZER_SETTINGS: Record<OptimizerName, readonly string[]> = {
  sgd: [],
  momentum: ['momentum', 'useNesterov'],
  adam: ['beta1', 'beta2', 'epsilon'],
  adamax: ['beta1', 'beta2', 'epsilon', 'decay'],
  rmsprop: ['decay', 'momentum', 'epsilon', 'centered'],
  adagrad: ['initialAccumulatorValue'],
  adadelta: ['rho', 'epsilon'],
};

/** The known settings of `name` found in `config`, numbers and booleans only. */
export function optimizerSettings(name: OptimizerName, config: Record<string, unknown>): OptimizerSettings {
  const out: OptimizerSettings = {};
  for (const key of OPTIMIZER_SETTINGS[name]) {
    const value = config[key];
    if ((typeof value === 'number' && Number.isFinite(value)) || typeof value === 'boolean') out[key] = value;
  }
  return out;
}

/**
 * Data and model must fit: the features' shape against the model's input, the targets'
 * against its output. Runs before any training so the message names both shapes.
 */
export function checkCompatible(model: tfTypes.LayersModel, sample: { x: readonly number[]; y: readonly number[] }, name: string, loss?: string): void {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
    throw new InputError(`${name}: models with ${count(model.inputs.length, 'input')} and ${count(model.outputs.length, 'output')} are not supported yet: one input and one output`);
  }
  const fits = (expected: (number | null)[], actual: readonly number[]) =>
    expected.length === actual.length && expected.every((d, i) => d === null || d === actual[i]);
  const input = model.inputs[0].shape.slice(1);
  const x = sample.x;
  if (!fits(input, x)) {
    throw new InputError(`${name}: the model takes inputs of shape [${input.map((d) => d ?? '?').join(', ')}] but the data has features of shape [${x.join(', ')}]`);
  }
  const output = model.outputs[0].shape.slice(1);
  const y = sample.y;
  // Sparse categorical cross-entropy takes one class index a sample, [N] or [N, 1], for C outputs.
  const sparse = loss !== undefined && /^sparse_?categorical_?crossentropy$/i.test(loss) && output.length === 1 && (y.length === 0 || (y.length === 1 && y[0] === 1));
  if (!sparse && !fits(output, y)) {
    throw new InputError(`${name}: the model outputs shape [${output.map((d) => d ?? '?').join(', ')}] but the targets have shape [${y.join(', ')}]`);
  }
}

/** Disposes a model made by `createModel`, its optimizer's state included. */
export function disposeModel(model: tfTypes.LayersModel): void {
  // LayersModel.dispose() keeps an optimizer it was handed as an object.
  const optimizer = model.optimizer;
  model.dispose();
  optimizer?.dispose();
}

/**
 * The optimizer `spec` describes, at its rate, with every setting it carries (see
 * `OptimizerSpec.settings`); a setting it lacks takes TensorFlow.js's default.
 */
export function createOptimizer(tf: TF, spec: OptimizerSpec): tfTypes.Optimizer {
  const lr = spec.learningRate;
  const s = spec.settings ?? {};
  const num = (key: string) => (typeof s[key] === 'number' ? (s[key] as number) : undefined);
  const bool = (key: string) => (typeof s[key] === 'boolean' ? (s[key] as boolean) : undefined);
  switch (spec.name) {
    case 'sgd':
      return tf.train.sgd(lr);
    case 'momentum':
      // tf.train.momentum has no default momentum: 0.9 is Keras's and the common choice.
      return tf.train.momentum(lr, num('momentum') ?? 0.9, bool('useNesterov') ?? false);
    case 'adam':
      return tf.train.adam(lr, num('beta1'), num('beta2'), num('epsilon'));
    case 'adamax':
      return tf.train.adamax(lr, num('beta1'), num('beta2'), num('epsilon'), num('decay'));
    case 'rmsprop':
      return tf.train.rmsprop(lr, num('decay'), num('momentum'), num('epsilon'), bool('centered'));
    case 'adagrad':
      return tf.train.adagrad(lr, num('initialAccumulatorValue'));
    case 'adadelta':
      return tf.train.adadelta(lr, num('rho'), num('epsilon'));
  }
}

/** The learning rate TensorFlow.js uses for an optimizer given by name. */
export const DEFAULT_LEARNING_RATES: Record<OptimizerName, number> = {
  sgd: 0.01,
  momentum: 0.01,
  adam: 0.001,
  adamax: 0.002,
  rmsprop: 0.001,
  adagrad: 0.01,
  adadelta: 1,
};
