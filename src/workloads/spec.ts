import type * as tfTypes from '@tensorflow/tfjs';
import * as path from 'node:path';
import { InputError, UsageError } from '../util/errors';
import type { ExampleName } from './examples/names';
import type { DataInput, ModelFactory } from './inputs';
import type { TF } from '../platform/tf';
import { loadDataFile, defaultMlp, type LoadedDataFile, type TargetStyle } from './data-file';
import { exampleWorkload } from './examples/index';
import { MODULE_EXTENSIONS, buildUserModel, moduleWorkload } from './module';
import { readPreparedData, type PreparedDataRef } from './prepared-data';
import { toDataSplit } from './to-tensor';
import { readSavedModel } from './saved-model';
import type { Task } from './table/preparation';
import type { ReadProgress } from './table/read';
import { disposeModel, type StreamSurvey, type WorkloadDefinition } from './workload';
import { isFolder } from './image-folder/list';
import type { ImagePreparation } from './image-folder/preparation';
import { imageFolderWorkload } from './image-folder/workload';

/**
 * Where a workload comes from, in plain data: it crosses to the trial process, which
 * rebuilds the same workload from it.
 */
export interface WorkloadSpec {
  /** Used when neither `model` nor `data` is given. */
  example: ExampleName;
  /** A module (.js, .mjs, .cjs) or a saved LayersModel (model.json). */
  model?: string;
  /** A data file (.csv, .tsv, .json, .jsonl), or a folder of class sub-folders of images. */
  data?: string;
  /** The size images of a folder are resized to. @default DEFAULT_IMAGE_SIZE */
  imageSize?: { width: number; height: number };
  /**
   * The folder of images as the tuner read it (its files checked once): a process given it
   * takes its skipped files and channels instead of decoding every file again.
   */
  imagePreparation?: ImagePreparation;
  /** A module's dataset's sizes as the tuner counted them: a process given them does not count again. */
  datasetSizes?: StreamSurvey['datasetSizes'];
  label?: string;
  features?: string[];
  /** Columns to read as categories, as numbers, or to leave out, overriding the inferred kinds. */
  categorical?: string[];
  numeric?: string[];
  ignore?: string[];
  task?: Task;
  standardize: boolean;
  validationSplit: number;
  seed: number;
  /**
   * The workload's data, loaded once by the tuner and written to its run's temporary
   * folder (see `shareWorkloadData`). A process given it reads that file, checked by its
   * sha256, and neither reads `data` nor calls a module's `loadData`: no second read of
   * a CSV, no refitted preparation. Local only: a process that cannot read the tuner's
   * files (a queue's worker on another machine) gets the spec without it, and loads the
   * data from its source itself.
   */
  prepared?: PreparedDataRef;
  /**
   * The sha256 of the `data` file's bytes as the tuner read them. A process that reads
   * `data` itself (no `prepared`: a remote worker) refuses a file that differs, so every
   * run of one search trains on the same data.
   */
  dataSha256?: string;
}

/**
 * The spec for a process that cannot read this machine's files (a queue's worker): the
 * source as given, without the prepared file, with the data file's hash to check.
 */
export function withoutPreparedData(spec: WorkloadSpec): WorkloadSpec {
  const { prepared: _local, ...rest } = spec;
  return rest;
}

/** A model or data given in code (library only: they cannot cross to a trial process). */
export interface InlineWorkload {
  model?: ModelFactory;
  data?: DataInput;
}

/**
 * The workload definition for a spec. Files are read and checked here, before any
 * backend starts, so bad input fails in a moment with a message naming the file.
 * @throws InputError for unusable files or flag combinations.
 */
export async function resolveWorkload(
  spec: WorkloadSpec,
  inline: InlineWorkload = {},
  onReadProgress?: (progress: ReadProgress) => void,
): Promise<WorkloadDefinition> {
  if (spec.prepared) return resolvePrepared(spec, spec.prepared);
  if (spec.imageSize && !(spec.data && isFolder(spec.data))) throw new UsageError('imageSize (--image-size) needs --data DIR, a folder of class sub-folders of images', { option: 'imageSize' });
  if (spec.data && isFolder(spec.data)) return imageFolderWorkload(spec, inline, (data) => resolveDefinition(spec, inline, undefined, data), onReadProgress);
  const dataFile = spec.data ? await loadDataFile(spec.data, { ...spec, sha256: spec.dataSha256, onProgress: onReadProgress }) : undefined;
  const definition = await resolveDefinition(spec, inline, dataFile);
  if (dataFile) {
    definition.preparation = dataFile.preparation;
    definition.dataSha256 = dataFile.sha256;
  }
  return definition;
}

/**
 * The workload of a spec whose data was prepared by the tuner: the model from its
 * source, as always (a module is imported here), the data from the prepared file.
 */
async function resolvePrepared(spec: WorkloadSpec, ref: PreparedDataRef): Promise<WorkloadDefinition> {
  const prepared = readPreparedData(ref);
  const { preparation, trainSamples } = prepared.meta;
  if (spec.data && !preparation) throw new InputError(`prepared data ${ref.file}: it records no preparation for ${spec.data}; refused: run the tuner again`);
  // Stands in for the data file: sizes the default model; its targets are already in the
  // form the model's loss expects (the tuner chose it).
  const dataFile: LoadedDataFile | undefined =
    spec.data && preparation ? { preparation, trainRows: trainSamples ?? 0, sha256: spec.dataSha256 ?? '', loadData: (tf) => prepared.toSplit(tf) } : undefined;
  const definition = await resolveDefinition(spec, {}, dataFile);
  definition.loadData = (tf) => prepared.toSplit(tf);
  if (preparation) definition.preparation = preparation;
  if (trainSamples !== undefined) definition.trainSamples = trainSamples;
  return definition;
}

/**
 * The definition for a spec's model and data. `stream`: streamed data from `--data` (a
 * folder of images), used where the model's source has none of its own.
 */
async function resolveDefinition(
  spec: WorkloadSpec,
  inline: InlineWorkload,
  dataFile: LoadedDataFile | undefined,
  stream?: Pick<WorkloadDefinition, 'openStream' | 'surveyStream' | 'trainSamples'>,
): Promise<WorkloadDefinition> {
  if (inline.model) {
    const create = inline.model;
    const buildModel = (tf: TF) => buildUserModel(tf, create, 'the model function');
    const data = inline.data;
    if (!data && !dataFile && !stream) throw new UsageError('a model given in code needs data: pass data as { x, y } or a file', { option: 'data' });
    if (stream && !data) return { name: create.name || 'model', source: 'library', buildModel, notes: [], ...stream };
    return {
      name: create.name || 'model',
      source: 'library',
      buildModel,
      loadData: data ? (tf) => toDataSplit(tf, data, 'data', false) : (tf) => fittedLoader(dataFile!, 'the model function', buildModel)(tf),
      ...(data ? {} : { validationHeldOut: true }),
      notes: [],
      ...(dataFile ? { trainSamples: dataFile.trainRows } : {}),
    };
  }
  if (!spec.model) {
    if (!dataFile) return exampleWorkload(spec.example, spec.seed);
    const mlp = defaultMlp(dataFile.preparation, spec.seed);
    return {
      name: path.basename(spec.data!),
      source: 'data',
      ...mlp,
      loadData: (tf) => dataFile.loadData(tf, 'one-hot'),
      validationHeldOut: true,
      notes: mlp.notes ?? [],
      trainSamples: dataFile.trainRows,
    };
  }
  const ext = path.extname(spec.model).toLowerCase();
  if ((MODULE_EXTENSIONS as readonly string[]).includes(ext)) {
    const modelFile = spec.model;
    const definition = await moduleWorkload(modelFile, dataFile ? (tf, build) => fittedLoader(dataFile, modelFile, build)(tf) : undefined, {
      ...(stream ? { fallbackStream: stream } : {}),
      ...(spec.datasetSizes ? { datasetSizes: spec.datasetSizes } : {}),
    });
    if (dataFile && !definition.trainSamples) definition.trainSamples = dataFile.trainRows;
    if (stream && definition.openStream === stream.openStream && stream.trainSamples !== undefined) definition.trainSamples = stream.trainSamples;
    return definition;
  }
  if (ext === '.json') {
    if (!dataFile && !stream) throw new InputError(`${spec.model}: a saved model needs training data: pass --data FILE`);
    const saved = readSavedModel(spec.model);
    if (stream) {
      return { name: path.basename(path.dirname(path.resolve(spec.model))), source: 'saved-model', buildModel: (tf) => saved.build(tf), notes: ['trials start from the saved weights (fine-tuning)'], ...stream };
    }
    return {
      name: path.basename(path.dirname(path.resolve(spec.model))),
      source: 'saved-model',
      buildModel: (tf) => saved.build(tf),
      loadData: fittedLoader(dataFile!, spec.model, (tf) => saved.build(tf)),
      validationHeldOut: true,
      loss: undefined,
      notes: ['trials start from the saved weights (fine-tuning)'],
      trainSamples: dataFile!.trainRows,
    };
  }
  throw new InputError(`${spec.model}: unknown model file type "${ext || '(none)'}"; use a module (${MODULE_EXTENSIONS.join(', ')}) or a model.json`);
}

/**
 * Loads a data file for a given model, after checking them against each other: the
 * output units against the classes, the loss against the task. The targets take the
 * form the model's loss expects.
 */
function fittedLoader(dataFile: LoadedDataFile, modelFile: string, build: (tf: TF) => Promise<tfTypes.LayersModel>) {
  return async (tf: TF) => {
    const model = await build(tf);
    let style: TargetStyle;
    try {
      style = targetStyle(dataFile, model, modelFile);
    } finally {
      disposeModel(model);
    }
    return dataFile.loadData(tf, style);
  };
}

function targetStyle(dataFile: LoadedDataFile, model: tfTypes.LayersModel, modelFile: string): TargetStyle {
  const { label } = dataFile.preparation;
  const units = model.outputs[0]?.shape[model.outputs[0].shape.length - 1] ?? null;
  const loss = String((model as unknown as { loss?: unknown }).loss ?? '');
  const where = `${modelFile} and label "${label.name}"`;
  if (label.task === 'regression') {
    if (/crossentropy/i.test(loss)) {
      throw new InputError(`${where}: the loss ${loss} needs classes, but the label is a regression target (${label.taskReason}); pass --task classification if it is not`);
    }
    if (units !== null && units !== 1) throw new InputError(`${where}: the model has ${units} output units but a regression target needs 1`);
    return 'index';
  }
  const classes = label.classes!.length;
  if (/sparse/i.test(loss) || (units === 1 && classes === 2)) return 'index';
  if (units !== null && units !== classes) {
    throw new InputError(`${where}: the model has ${units} output units but the data has ${classes} classes`);
  }
  return 'one-hot';
}
