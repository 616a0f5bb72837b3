/**
 * The leaderboard's hand-over to the Python peers: a workload's prepared data (after
 * autobatch's own preparation and split), its model as a list of layers, and the model's
 * initial weights, so the torch model in bench/peers/ is the same network from the same
 * weights on the same rows. Files in `dir`:
 *
 *   spec.json                layers, loss, optimizer, shapes, weight offsets
 *   x_train.f32, y_train.f32, x_val.f32, y_val.f32, weights.f32   little-endian float32
 *
 * Translated: Dense, Dropout, Flatten, Conv2D and MaxPooling2D (channels last, valid
 * padding), Embedding, LSTM (tanh and sigmoid, the last state or every step), Activation.
 * Anything else, or a setting that would train differently (a regularizer, a constraint,
 * recurrent dropout), is refused with the reason.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TF } from '../src/platform/tf';
import { perSampleLosses } from '../src/search/train-candidate';
import { mean } from '../src/util/stats';
import { disposeModel, type Workload } from '../src/workloads/workload';
import { tensorsOf } from '../src/workloads/tensor-source';

type Config = Record<string, unknown>;

export interface TorchLayer {
  type: 'Dense' | 'Dropout' | 'Flatten' | 'Conv2D' | 'MaxPooling2D' | 'Embedding' | 'LSTM' | 'Activation';
  config: Record<string, unknown>;
  /** The layer's weights in `weights.f32`, in the layer's own order. */
  weights: { name: string; shape: number[]; offset: number; length: number }[];
}

export interface TorchSpec {
  workload: string;
  loss: string;
  optimizer: { name: string; learningRate: number };
  layers: TorchLayer[];
  inputShape: number[];
  shapes: { xTrain: number[]; yTrain: number[]; xVal: number[]; yVal: number[] };
  /** tf.js's validation loss at the initial weights: the peers check their translation against it. */
  check: { initialValLoss: number; rows: number; predictions: number[] };
}

export type ExportOutcome = { ok: true; dir: string; spec: TorchSpec } | { ok: false; reason: string };

const ACTIVATIONS = ['linear', 'relu', 'relu6', 'sigmoid', 'tanh', 'softmax', 'elu', 'selu', 'softplus', 'softsign', 'hardSigmoid', 'swish'];
const LOSSES = ['categoricalCrossentropy', 'sparseCategoricalCrossentropy', 'binaryCrossentropy', 'meanSquaredError', 'meanAbsoluteError'];

/** Keras and tf.js spell losses several ways; the peers take one. */
function canonicalLoss(loss: string): string | null {
  const key = loss.replace(/_/g, '').toLowerCase();
  const aliases: Record<string, string> = { mse: 'meanSquaredError', mae: 'meanAbsoluteError' };
  return aliases[key] ?? LOSSES.find((l) => l.toLowerCase() === key) ?? null;
}

/** Why a layer cannot be translated, or null. */
function refusal(className: string, config: Config): string | null {
  for (const key of ['kernelRegularizer', 'biasRegularizer', 'activityRegularizer', 'recurrentRegularizer', 'embeddingsRegularizer', 'kernelConstraint', 'biasConstraint', 'recurrentConstraint', 'embeddingsConstraint']) {
    if (config[key]) return `${className} has a ${key}`;
  }
  const activation = config.activation as string | undefined;
  if (activation !== undefined && !ACTIVATIONS.includes(activation)) return `${className}'s activation ${activation} is not translated`;
  const ones = (v: unknown) => (Array.isArray(v) ? v : [v ?? 1]).every((d) => d === 1);
  switch (className) {
    case 'Dense':
    case 'Dropout':
    case 'Flatten':
    case 'Activation':
      return null;
    case 'Conv2D':
      if (config.dataFormat !== 'channelsLast') return 'Conv2D is not channels-last';
      if (config.padding !== 'valid') return `Conv2D padding ${String(config.padding)} is not translated`;
      if (!ones(config.dilationRate)) return 'Conv2D is dilated';
      return null;
    case 'MaxPooling2D':
      if (config.dataFormat !== 'channelsLast') return 'MaxPooling2D is not channels-last';
      if (config.padding !== 'valid') return `MaxPooling2D padding ${String(config.padding)} is not translated`;
      return null;
    case 'Embedding':
      return config.maskZero ? 'Embedding masks zeros' : null;
    case 'LSTM':
      if (config.activation !== 'tanh' || config.recurrentActivation !== 'sigmoid') {
        return `LSTM with activation ${String(config.activation)} and recurrentActivation ${String(config.recurrentActivation)}: nn.LSTM is tanh and sigmoid`;
      }
      if (config.goBackwards || config.stateful || config.returnState) return 'LSTM goes backwards, is stateful or returns its state';
      if (config.dropout || config.recurrentDropout) return 'LSTM has dropout';
      if (config.useBias === false) return 'LSTM has no bias';
      return null;
    default:
      return `${className} is not translated`;
  }
}

function writeFloats(file: string, values: Float32Array): void {
  fs.writeFileSync(file, Buffer.from(values.buffer, values.byteOffset, values.byteLength));
}

function floats(t: tfTypes.Tensor): Float32Array {
  const v = t.dataSync();
  return v instanceof Float32Array ? v : Float32Array.from(v);
}

/**
 * Writes the workload for the peers into `dir`; refuses (with the reason, writing
 * nothing that could be mistaken for a translation) when the model has a layer or a
 * setting the peers do not translate.
 */
export async function exportForTorch(tf: TF, workload: Workload, dir: string): Promise<ExportOutcome> {
  // The peers read exported tensors; a folder of images would need torchvision's ImageFolder with
  // the same resize, scaling and split, which common.py does not have yet.
  if (workload.data.kind !== 'tensors') return { ok: false, reason: `streamed data (${workload.data.kind}): the peers' loader for it (torchvision's ImageFolder with the same preparation) is not written yet` };
  const loss = canonicalLoss(workload.info.loss);
  if (!loss) return { ok: false, reason: `the loss ${workload.info.loss} is not translated` };
  const model = await workload.createModel();
  try {
    if (!(model instanceof tf.Sequential)) return { ok: false, reason: 'not a Sequential model: only a chain of layers is translated' };
    const layers: TorchLayer[] = [];
    const chunks: Float32Array[] = [];
    let offset = 0;
    for (const layer of model.layers) {
      const className = layer.getClassName();
      if (className === 'InputLayer') continue;
      const config = layer.getConfig() as Config;
      const why = refusal(className, config);
      if (why) return { ok: false, reason: why };
      const names = layer.weights.map((w) => w.originalName.split('/').pop()!);
      // The variables' own tensors (not copies): read, never disposed here.
      const values = layer.getWeights();
      const weights = values.map((v, i) => {
        const data = floats(v);
        chunks.push(data);
        const entry = { name: names[i], shape: v.shape, offset, length: data.length };
        offset += data.length;
        return entry;
      });
      layers.push({ type: className as TorchLayer['type'], config: pick(config), weights });
    }
    fs.mkdirSync(dir, { recursive: true });
    const spec: TorchSpec = {
      workload: workload.info.name,
      loss,
      optimizer: { ...workload.info.optimizer },
      layers,
      inputShape: tensorsOf(workload).train.x.shape.slice(1),
      shapes: { xTrain: tensorsOf(workload).train.x.shape, yTrain: tensorsOf(workload).train.y.shape, xVal: tensorsOf(workload).validation.x.shape, yVal: tensorsOf(workload).validation.y.shape },
      check: { initialValLoss: mean(perSampleLosses(tf, model, tensorsOf(workload).validation, 512)), ...predictionsOf(tf, model, workload) },
    };
    const all = new Float32Array(offset);
    let at = 0;
    for (const c of chunks) {
      all.set(c, at);
      at += c.length;
    }
    writeFloats(path.join(dir, 'weights.f32'), all);
    writeFloats(path.join(dir, 'x_train.f32'), floats(tensorsOf(workload).train.x));
    writeFloats(path.join(dir, 'y_train.f32'), floats(tensorsOf(workload).train.y));
    writeFloats(path.join(dir, 'x_val.f32'), floats(tensorsOf(workload).validation.x));
    writeFloats(path.join(dir, 'y_val.f32'), floats(tensorsOf(workload).validation.y));
    fs.writeFileSync(path.join(dir, 'spec.json'), JSON.stringify(spec, null, 1));
    return { ok: true, dir, spec };
  } finally {
    disposeModel(model);
  }
}

/** The model's outputs on the first validation rows, flattened: the loss alone hides a constant output. */
function predictionsOf(tf: TF, model: tfTypes.LayersModel, workload: Workload): { rows: number; predictions: number[] } {
  const rows = Math.min(16, tensorsOf(workload).validation.x.shape[0]);
  const values = tf.tidy(() => (model.predict(tensorsOf(workload).validation.x.slice(0, rows)) as tfTypes.Tensor).dataSync());
  return { rows, predictions: Array.from(values) };
}

/** The settings the peers read (initializers and names are not needed: the weights are given). */
function pick(config: Config): Record<string, unknown> {
  const keys = ['units', 'activation', 'useBias', 'rate', 'filters', 'kernelSize', 'strides', 'padding', 'poolSize', 'inputDim', 'outputDim', 'recurrentActivation', 'returnSequences'];
  return Object.fromEntries(keys.filter((k) => config[k] !== undefined).map((k) => [k, config[k]]));
}
