import type * as tfTypes from '@tensorflow/tfjs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { OPTIMIZER_NAMES, type OptimizerName } from '../document';
import { InputError, describeError } from '../util/errors';
import { importEsm } from '../platform/esm';
import type { TF } from '../platform/tf';
import { toDataSplit } from './to-tensor';
import { DEFAULT_LEARNING_RATES, optimizerSettings, type DataSplit, type LossFunction, type OptimizerSpec, type StreamSurvey, type WorkloadDefinition } from './workload';
import { hasDataset, openModuleDataset, type DatasetExports } from './dataset/open';

/** What a workload module may export, by name or on its default export. */
export interface WorkloadModule extends DatasetExports {
  createModel(tf: TF): tfTypes.LayersModel | Promise<tfTypes.LayersModel>;
  loadData?(tf: TF): unknown;
  name?: string;
  loss?: string | LossFunction;
  optimizer?: OptimizerName | { name: OptimizerName; learningRate?: number; [setting: string]: unknown };
}

export const MODULE_EXTENSIONS = ['.js', '.cjs', '.mjs'] as const;

/**
 * A workload from a user's module: `createModel(tf)` (a `tf.LayersModel`, compiled or
 * not) and `loadData(tf)` (`{ train: { x, y }, validation? }` or `{ x, y }`, tensors or
 * arrays). `tf` is autobatch's own TensorFlow.js: tensors and layers must come from it.
 * `fallbackData` stands in when the module has no `loadData` (`--data`).
 * @throws InputError naming the file for anything unusable.
 */
export async function moduleWorkload(
  file: string,
  fallbackData?: (tf: TF, buildModel: (tf: TF) => Promise<tfTypes.LayersModel>) => Promise<DataSplit>,
  options: { fallbackStream?: Pick<WorkloadDefinition, 'openStream' | 'surveyStream'>; datasetSizes?: StreamSurvey['datasetSizes'] } = {},
): Promise<WorkloadDefinition> {
  const mod = await importModule(file);
  const loadData = mod.loadData;
  const buildModel = (tf: TF) => buildUserModel(tf, mod.createModel, `${file}: createModel`);
  const definition: WorkloadDefinition = {
    name: typeof mod.name === 'string' ? mod.name : path.basename(file, path.extname(file)),
    source: 'module',
    buildModel,
    ...(mod.loss === undefined ? {} : { loss: mod.loss }),
    ...(mod.optimizer === undefined ? {} : { optimizer: optimizerOf(mod.optimizer, file) }),
  };
  if (loadData) {
    definition.loadData = async (tf): Promise<DataSplit> => {
      let data: unknown;
      try {
        data = await loadData(tf);
      } catch (err) {
        throw new InputError(`${file}: loadData threw: ${describeError(err)}`, { cause: err });
      }
      return toDataSplit(tf, data, `${file}: loadData()`);
    };
  } else if (hasDataset(mod)) {
    Object.assign(definition, datasetStream(mod, file, options.datasetSizes, (notes) => (definition.notes = [...(definition.notes ?? []), ...notes])));
  } else if (options.fallbackStream) {
    Object.assign(definition, options.fallbackStream);
  } else if (fallbackData) {
    definition.loadData = (tf) => fallbackData(tf, buildModel);
    // A data file's validation rows are a seeded share of its rows, like a share held out here.
    definition.validationHeldOut = true;
  } else {
    throw new InputError(`${file}: exports no loadData(tf) function; export one or pass --data (or export a tf.data dataset: createDataset(tf))`);
  }
  return definition;
}

/**
 * A module's dataset as a stream: opened in each process; the tuner's first opening
 * (`surveyStream`) counts it when its size is not given, and the count goes to the others.
 */
function datasetStream(
  mod: DatasetExports,
  file: string,
  known: StreamSurvey['datasetSizes'],
  onNotes: (notes: readonly string[]) => void,
): Pick<WorkloadDefinition, 'openStream' | 'surveyStream'> {
  let sizes = known;
  return {
    async openStream(tf, settings) {
      const source = await openModuleDataset(tf, mod, file, settings, sizes);
      sizes = source.sizes();
      return source;
    },
    async surveyStream(tf) {
      if (!sizes) {
        // Opened once for its sizes; every process after this one, this one's later openings included, reuse them.
        const source = await openModuleDataset(tf, mod, file, { seed: 0, validationSplit: 0.5 }, undefined);
        sizes = source.sizes();
        onNotes(source.notes);
        source.dispose();
      }
      return { datasetSizes: sizes };
    },
  };
}

async function importModule(file: string): Promise<WorkloadModule> {
  const resolved = path.resolve(file);
  let loaded: Record<string, unknown>;
  try {
    if (path.extname(resolved) === '.mjs') loaded = await importEsm(pathToFileURL(resolved).href);
    else {
      try {
        loaded = require(resolved);
      } catch (err) {
        // A .js file in a "type": "module" package is ESM: import it instead.
        if ((err as NodeJS.ErrnoException).code !== 'ERR_REQUIRE_ESM') throw err;
        loaded = await importEsm(pathToFileURL(resolved).href);
      }
    }
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'MODULE_NOT_FOUND' && describeError(err).includes(resolved)) throw new InputError(`${file}: no such file`);
    throw new InputError(`${file}: the module failed to load: ${describeError(err).split('\n')[0]}`, { cause: err });
  }
  const candidates = [loaded, loaded.default as Record<string, unknown> | undefined];
  const mod = candidates.find((c) => c && typeof c.createModel === 'function');
  if (!mod) throw new InputError(`${file}: exports no createModel(tf) function (as a named export or on the default export)`);
  return mod as unknown as WorkloadModule;
}


function optimizerOf(value: WorkloadModule['optimizer'], file: string): OptimizerSpec {
  const name = (typeof value === 'string' ? value : value?.name)?.toLowerCase() as OptimizerName;
  if (!OPTIMIZER_NAMES.includes(name)) {
    throw new InputError(`${file}: optimizer "${String(typeof value === 'string' ? value : value?.name)}" is not one of ${OPTIMIZER_NAMES.join(', ')}`);
  }
  const lr = typeof value === 'object' ? value.learningRate : undefined;
  const settings = typeof value === 'object' ? optimizerSettings(name, value as Record<string, unknown>) : {};
  return { name, learningRate: lr ?? DEFAULT_LEARNING_RATES[name], ...(Object.keys(settings).length ? { settings } : {}) };
}

/**
 * Calls a user's model factory and checks what comes back.
 * @throws InputError naming `where` when it throws or returns no LayersModel of our tf.
 */
export async function buildUserModel(tf: TF, create: (tf: TF) => unknown, where: string): Promise<tfTypes.LayersModel> {
  let model: unknown;
  try {
    model = await create(tf);
  } catch (err) {
    throw new InputError(`${where} threw: ${describeError(err)}`, { cause: err });
  }
  if (!(model instanceof tf.LayersModel)) {
    const foreign = model && typeof (model as { predict?: unknown }).predict === 'function';
    throw new InputError(
      foreign
        ? `${where} returned a model from another copy of TensorFlow.js; build it with the tf argument autobatch passes`
        : `${where} returned ${model === null ? 'null' : typeof model}, not a tf.LayersModel`,
    );
  }
  return model;
}
