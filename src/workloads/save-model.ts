/**
 * Writing the model autobatch tunes, untrained, as a TensorFlow.js LayersModel folder
 * (`model.json` and `weights.bin`, what tfjs-node's `model.save('file://DIR')` writes):
 * the user trains exactly the network, and the initial weights, the measurements were
 * made on.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TF } from '../platform/tf';
import { InputError, UsageError, describeError } from '../util/errors';
import { TOOL_VERSION } from '../util/version';
import { disposeModel, type Workload } from './workload';

export const MODEL_FILE = 'model.json';
const WEIGHTS_FILE = 'weights.bin';

interface ModelJson {
  weightsManifest?: { paths?: unknown }[];
  userDefinedMetadata?: { autobatch?: unknown };
}

/**
 * Saves a fresh model of the workload — its initial weights, the ones every run of the
 * tuner started from — to `dir`. Returns `dir`.
 * @throws UsageError (option `saveModel`) when `dir` cannot be used; see `saveModel`.
 */
export async function saveWorkloadModel(tf: TF, workload: Workload, dir: string): Promise<string> {
  const model = await workload.createModel();
  try {
    await saveModel(tf, model, dir);
  } finally {
    disposeModel(model);
  }
  return dir;
}

/**
 * Writes `model` (topology, weights and, for a loss given by name, its training config)
 * to the folder `dir`, loadable with `tf.loadLayersModel`. Atomic: written to a
 * temporary folder beside `dir`, then renamed into place, so a reader never finds half a
 * model. A folder autobatch wrote before is replaced; anything else there is refused.
 * @throws UsageError when `dir` is a file or a folder of other files, InputError when writing fails.
 */
export async function saveModel(tf: TF, model: tfTypes.LayersModel, dir: string): Promise<void> {
  assertModelFolder(dir);
  let artifacts: tfTypes.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (given) => {
      artifacts = given;
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(given) };
    }),
  );
  const trainingConfig = trainingConfigOf(model);
  const json = {
    modelTopology: artifacts!.modelTopology,
    format: artifacts!.format,
    generatedBy: artifacts!.generatedBy,
    convertedBy: artifacts!.convertedBy ?? null,
    ...(trainingConfig ? { trainingConfig } : {}),
    // How a later run knows the folder is its own to replace.
    userDefinedMetadata: { autobatch: { version: TOOL_VERSION, weights: 'initial: untrained, as every run of the tuner started' } },
    weightsManifest: [{ paths: [WEIGHTS_FILE], weights: artifacts!.weightSpecs ?? [] }],
  };
  const weights = new Uint8Array(artifacts!.weightData ? tf.io.CompositeArrayBuffer.join(artifacts!.weightData) : new ArrayBuffer(0));

  const target = path.resolve(dir);
  let tmp: string | undefined;
  try {
    fs.mkdirSync(path.dirname(target), { recursive: true });
    // mkdir, not mkdtemp: the folder gets the usual permissions (mkdtemp's are the owner's only).
    const fresh = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
    fs.mkdirSync(fresh);
    tmp = fresh;
    writeSynced(path.join(tmp, WEIGHTS_FILE), weights);
    writeSynced(path.join(tmp, MODEL_FILE), JSON.stringify(json));
    replaceFolder(tmp, target);
  } catch (err) {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
    throw new InputError(`could not write the model to ${dir}: ${describeError(err)}`, { cause: err });
  }
}

/**
 * Checks that `dir` can take the model, before a long run: it is new, an empty folder,
 * or a folder autobatch wrote (its `model.json` and weight files, nothing else).
 * @throws UsageError (option `saveModel`) naming the path and what is wrong.
 */
export function assertModelFolder(dir: string): void {
  const target = path.resolve(dir);
  const fail = (why: string) => new UsageError(`saveModel ${dir}: ${why}`, { option: 'saveModel' });
  const stat = fs.statSync(target, { throwIfNoEntry: false });
  if (stat && !stat.isDirectory()) throw fail('is a file, not a folder; give a new folder to write the model to');
  if (stat) {
    const foreign = foreignEntries(target);
    if (foreign.length) {
      const shown = foreign.slice(0, 3).join(', ') + (foreign.length > 3 ? ', …' : '');
      throw fail(`the folder holds files autobatch did not write (${shown}); give a new or empty folder`);
    }
  }
  // The nearest folder that exists must take the new one.
  let parent = path.dirname(target);
  while (!fs.existsSync(parent)) parent = path.dirname(parent);
  if (!fs.statSync(parent).isDirectory()) throw fail(`${parent} is a file`);
  try {
    fs.accessSync(parent, fs.constants.W_OK);
  } catch {
    throw fail(`folder ${parent} is not writable`);
  }
}

/** What is in `folder` besides a model autobatch saved: everything, when its model.json is not one. */
function foreignEntries(folder: string): string[] {
  const entries = fs.readdirSync(folder);
  if (entries.length === 0) return [];
  let json: ModelJson;
  try {
    json = JSON.parse(fs.readFileSync(path.join(folder, MODEL_FILE), 'utf8')) as ModelJson;
  } catch {
    return entries;
  }
  if (!json || typeof json.userDefinedMetadata?.autobatch !== 'object') return entries;
  const ours = new Set([MODEL_FILE, ...(json.weightsManifest ?? []).flatMap((group) => (Array.isArray(group.paths) ? group.paths.map(String) : []))]);
  return entries.filter((entry) => !ours.has(entry));
}

/**
 * What `model.save(..., { includeOptimizer: true })` records as `trainingConfig`, without
 * the optimizer's state (a fresh model has none worth keeping): `tf.loadLayersModel`
 * then compiles the model with its loss, and `--model DIR/model.json` can tune it again.
 * A loss given as a function cannot be written down: no training config then.
 */
function trainingConfigOf(model: tfTypes.LayersModel): tfTypes.io.TrainingConfig | undefined {
  const loss = (model as unknown as { loss?: unknown }).loss;
  if (typeof loss !== 'string' || !model.optimizer) return undefined;
  return {
    loss: loss.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase(),
    optimizer_config: { class_name: model.optimizer.getClassName(), config: model.optimizer.getConfig() },
  };
}

function writeSynced(file: string, data: string | Uint8Array): void {
  const fd = fs.openSync(file, 'w');
  try {
    fs.writeFileSync(fd, data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Renames `tmp` to `target`; an existing `target` is moved aside first, and back if the rename fails. */
function replaceFolder(tmp: string, target: string): void {
  if (!fs.existsSync(target)) {
    fs.renameSync(tmp, target);
    return;
  }
  const old = `${tmp}.old`;
  fs.renameSync(target, old);
  try {
    fs.renameSync(tmp, target);
  } catch (err) {
    fs.renameSync(old, target);
    throw err;
  }
  fs.rmSync(old, { recursive: true, force: true });
}
