/**
 * The leaderboard's hand-over to the Python peers: a workload's prepared data (after
 * autobatch's own preparation and split), its model as a list of layers, and the model's
 * initial weights, so the torch model in bench/peers/ is the same network from the same
 * weights on the same rows. Files in `dir`:
 *
 *   spec.json                layers, loss, optimizer, shapes, weight offsets
 *   x_train.f32, y_train.f32, x_val.f32, y_val.f32, weights.f32   little-endian float32
 *
 * A folder of images (`--data DIR`) writes no data files: spec.json's `images` names the
 * dev folder, its training and validation files in the tuner's split, and the size,
 * channels and scaling autobatch read them at; the peers read those files with
 * torchvision's ImageFolder (bench/peers/vision.py).
 *
 * Translated: Dense, Dropout, Flatten, Conv2D (channels last, valid padding, or 'same' at
 * stride 1) and MaxPooling2D (channels last, valid padding), Embedding, LSTM (tanh and
 * sigmoid, the last state or every step), Activation.
 * Anything else, or a setting that would train differently (a regularizer, a constraint,
 * recurrent dropout), is refused with the reason.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TF } from '../src/platform/tf';
import { perSampleLosses, streamedLosses } from '../src/search/train-candidate';
import { mean } from '../src/util/stats';
import { listImageFolder, splitAsPrepared, type ImageFile } from '../src/workloads/image-folder/list';
import type { ImagePreparation } from '../src/workloads/image-folder/preparation';
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
  /** For a folder of images, in place of the data files: the files torchvision's ImageFolder reads. */
  images?: TorchImages;
}

/**
 * A folder of images for the peers: the dev folder (one sub-folder a class), how autobatch
 * prepared it, and its training and validation files (relative to `root`) in the tuner's
 * order: the peers read them with torchvision's ImageFolder and the matching transform.
 */
export interface TorchImages {
  root: string;
  classes: string[];
  width: number;
  height: number;
  channels: 1 | 3;
  scaling: ImagePreparation['scaling'];
  train: string[];
  validation: string[];
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
      // torch's padding='same' is stride 1 only (the default CNN's convolutions).
      if (config.padding !== 'valid' && !(config.padding === 'same' && ones(config.strides))) return `Conv2D padding ${String(config.padding)} (strides ${JSON.stringify(config.strides)}) is not translated`;
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

/** The layers translated, their weights in one list; or why they cannot be. */
function translateLayers(model: tfTypes.LayersModel): { layers: TorchLayer[]; weights: Float32Array } | { reason: string } {
  const layers: TorchLayer[] = [];
  const chunks: Float32Array[] = [];
  let offset = 0;
  for (const layer of model.layers) {
    const className = layer.getClassName();
    if (className === 'InputLayer') continue;
    const config = layer.getConfig() as Config;
    const why = refusal(className, config);
    if (why) return { reason: why };
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
  const all = new Float32Array(offset);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.length;
  }
  return { layers, weights: all };
}

/**
 * Writes the workload for the peers into `dir`; refuses (with the reason, writing
 * nothing that could be mistaken for a translation) when the model has a layer or a
 * setting the peers do not translate, or its data is streamed from anything but a folder
 * of images (given with the folder's `imagePreparation`: the peers read the same files
 * through torchvision's ImageFolder).
 */
export async function exportForTorch(tf: TF, workload: Workload, dir: string, imagePreparation: ImagePreparation | null = null): Promise<ExportOutcome> {
  const images = workload.data.kind === 'image-folder' && imagePreparation ? imageFilesOf(workload, imagePreparation) : null;
  if (workload.data.kind !== 'tensors' && !images) return { ok: false, reason: `streamed data (${workload.data.kind}): the peers read tensors, or a folder of images through ImageFolder` };
  if (images && 'reason' in images) return { ok: false, reason: images.reason };
  const loss = canonicalLoss(workload.info.loss);
  if (!loss) return { ok: false, reason: `the loss ${workload.info.loss} is not translated` };
  const model = await workload.createModel();
  try {
    if (!(model instanceof tf.Sequential)) return { ok: false, reason: 'not a Sequential model: only a chain of layers is translated' };
    const translated = translateLayers(model);
    if ('reason' in translated) return { ok: false, reason: translated.reason };
    fs.mkdirSync(dir, { recursive: true });
    const data = images ? await imageData(tf, model, workload, images) : tensorData(tf, model, workload, dir);
    const spec: TorchSpec = { workload: workload.info.name, loss, optimizer: { ...workload.info.optimizer }, layers: translated.layers, ...data };
    writeFloats(path.join(dir, 'weights.f32'), translated.weights);
    fs.writeFileSync(path.join(dir, 'spec.json'), JSON.stringify(spec, null, 1));
    return { ok: true, dir, spec };
  } finally {
    disposeModel(model);
  }
}

type DataPart = Pick<TorchSpec, 'inputShape' | 'shapes' | 'check' | 'images'>;

/** A workload of tensors: its four tensors written as float32 files, and the check on its validation rows. */
function tensorData(tf: TF, model: tfTypes.LayersModel, workload: Workload, dir: string): DataPart {
  const { train, validation } = tensorsOf(workload);
  writeFloats(path.join(dir, 'x_train.f32'), floats(train.x));
  writeFloats(path.join(dir, 'y_train.f32'), floats(train.y));
  writeFloats(path.join(dir, 'x_val.f32'), floats(validation.x));
  writeFloats(path.join(dir, 'y_val.f32'), floats(validation.y));
  return {
    inputShape: train.x.shape.slice(1),
    shapes: { xTrain: train.x.shape, yTrain: train.y.shape, xVal: validation.x.shape, yVal: validation.y.shape },
    check: { initialValLoss: mean(perSampleLosses(tf, model, validation, 512)), ...predictionsOf(tf, model, validation.x) },
  };
}

/**
 * A folder of images: no pixels written, only which files are the training and which the
 * validation images (the tuner's split, worked out again as `imageFolderDataset` does and
 * checked against the workload's counts), and the check on the validation images as
 * autobatch decodes them: a torch side that decodes them otherwise fails it.
 */
async function imageData(tf: TF, model: tfTypes.LayersModel, workload: Workload, images: TorchImages): Promise<DataPart> {
  const { height, width, channels } = images;
  const validation = workload.data.validation(512);
  const initialValLoss = mean(await streamedLosses(tf, model, validation, workload.data.valSamples));
  const rows = Math.min(16, workload.data.valSamples);
  let predictions: number[] = [];
  for await (const first of workload.data.validation(rows, Array.from({ length: rows }, (_, i) => i))) {
    try {
      predictions = Array.from(tf.tidy(() => (model.predict(first.x) as tfTypes.Tensor).dataSync()));
    } finally {
      tf.dispose([first.x, first.y]);
    }
  }
  const shape = (n: number) => ({ x: [n, height, width, channels], y: [n, 1] });
  const [t, v] = [shape(images.train.length), shape(images.validation.length)];
  return { inputShape: [height, width, channels], shapes: { xTrain: t.x, yTrain: t.y, xVal: v.x, yVal: v.y }, check: { initialValLoss, rows, predictions }, images };
}

/**
 * The folder's training and validation files as the tuner split them: the same listing,
 * the skipped files left out, split with the preparation's share and seed (`splitAsPrepared`).
 */
function imageFilesOf(workload: Workload, p: ImagePreparation): TorchImages | { reason: string } {
  const listing = listImageFolder(p.folder);
  if (listing.sha256 !== p.listingSha256) return { reason: `${p.folder}: its files changed since the tuner read it` };
  const parts = splitAsPrepared(listing.files, p, p.folder);
  if (parts.train.length !== workload.data.trainSamples || parts.validation.length !== workload.data.valSamples) {
    return { reason: `${p.folder}: split again into ${parts.train.length} + ${parts.validation.length} images, not the workload's ${workload.data.trainSamples} + ${workload.data.valSamples}` };
  }
  const files = (list: readonly ImageFile[]) => list.map((f) => f.file);
  return { root: path.resolve(p.folder), classes: p.classes, width: p.width, height: p.height, channels: p.channels, scaling: p.scaling, train: files(parts.train), validation: files(parts.validation) };
}

/** The model's outputs on the first validation rows, flattened: the loss alone hides a constant output. */
function predictionsOf(tf: TF, model: tfTypes.LayersModel, x: tfTypes.Tensor): { rows: number; predictions: number[] } {
  const rows = Math.min(16, x.shape[0]);
  const values = tf.tidy(() => (model.predict(x.slice(0, rows)) as tfTypes.Tensor).dataSync());
  return { rows, predictions: Array.from(values) };
}

/** The settings the peers read (initializers and names are not needed: the weights are given). */
function pick(config: Config): Record<string, unknown> {
  const keys = ['units', 'activation', 'useBias', 'rate', 'filters', 'kernelSize', 'strides', 'padding', 'poolSize', 'inputDim', 'outputDim', 'recurrentActivation', 'returnSequences'];
  return Object.fromEntries(keys.filter((k) => config[k] !== undefined).map((k) => [k, config[k]]));
}
