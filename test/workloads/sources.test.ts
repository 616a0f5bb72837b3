import type * as tfTypes from '@tensorflow/tfjs';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadTf } from '../../src/platform/tf';
import { resolveWorkload, type WorkloadSpec } from '../../src/workloads/spec';
import { createWorkload, disposeModel } from '../../src/workloads/workload';
import { blobsCsv, tempDir } from '../helpers/files';
import { tensorsOf } from '../../src/workloads/tensor-source';

const tf = loadTf();
const files = tempDir('sources');
const SETTINGS = { seed: 1, validationSplit: 0.2 };
const spec = (over: Partial<WorkloadSpec>): WorkloadSpec => ({ example: 'mnist-mlp', standardize: true, validationSplit: 0.2, seed: 1, ...over });

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** A module that builds a 2-feature, 3-class classifier with the tf it is given. */
const MODULE = `
exports.createModel = (tf) => {
  const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 8, activation: 'relu' }), tf.layers.dense({ units: 3, activation: 'softmax' })] });
  model.compile({ optimizer: tf.train.sgd(0.05), loss: 'categoricalCrossentropy' });
  return model;
};
exports.loadData = (tf) => {
  const x = [], y = [];
  for (let i = 0; i < 90; i++) { x.push([i % 3, Math.sin(i)]); y.push([0, 1, 2].map((c) => (c === i % 3 ? 1 : 0))); }
  return { x, y };
};
`;

describe('module workloads', () => {
  test('a compiled model and array data: its loss and optimizer are kept, validation is held out', async () => {
    const definition = await resolveWorkload(spec({ model: files.write('m.cjs', MODULE) }));
    const workload = await createWorkload(tf, definition, SETTINGS);
    expect(workload.info).toMatchObject({ name: 'm', source: 'module', trainSamples: 72, valSamples: 18, loss: 'categoricalCrossentropy' });
    expect(workload.info.optimizer).toEqual({ name: 'sgd', learningRate: 0.05 });
    const a = await workload.createModel();
    const b = await workload.createModel();
    expect(a.getWeights().every((w, i) => tf.tidy(() => w.equal(b.getWeights()[i]).all().dataSync()[0] === 1))).toBe(true);
    disposeModel(a);
    disposeModel(b);
    workload.dispose();
  });

  test('a default export, an uncompiled model, and loss/optimizer exports', async () => {
    const file = files.write('d.js', `
      module.exports = {
        name: 'regressor',
        loss: 'meanSquaredError',
        optimizer: { name: 'momentum', learningRate: 0.01 },
        createModel: async (tf) => tf.sequential({ layers: [tf.layers.dense({ inputShape: [3], units: 1 })] }),
        loadData: (tf) => ({ train: { x: tf.randomNormal([40, 3], 0, 1, 'float32', 1), y: tf.randomNormal([40], 0, 1, 'float32', 2) },
                             validation: { x: tf.randomNormal([10, 3], 0, 1, 'float32', 3), y: tf.randomNormal([10, 1], 0, 1, 'float32', 4) } }),
      };`);
    const workload = await createWorkload(tf, await resolveWorkload(spec({ model: file })), SETTINGS);
    expect(workload.info).toMatchObject({ name: 'regressor', trainSamples: 40, valSamples: 10, loss: 'meanSquaredError', optimizer: { name: 'momentum' } });
    expect(tensorsOf(workload).train.y.shape).toEqual([40, 1]); // a rank-1 target becomes a column
    workload.dispose();
  });

  test('a module without loadData takes --data', async () => {
    const file = files.write('nodata.cjs', MODULE.replace('exports.loadData', 'exports.unused'));
    const data = files.write('blobs.csv', blobsCsv(100));
    const workload = await createWorkload(tf, await resolveWorkload(spec({ model: file, data, label: 'kind' })), SETTINGS);
    expect(workload.info.trainSamples + workload.info.valSamples).toBe(100);
    expect(tensorsOf(workload).train.y.shape[1]).toBe(3);
    workload.dispose();
  });

  test.each([
    ['throws.cjs', `throw new Error('boom at load');`, 'the module failed to load: boom at load'],
    ['empty.cjs', `exports.x = 1;`, 'exports no createModel(tf) function'],
    ['nodata.cjs', `exports.createModel = (tf) => tf.sequential();`, 'exports no loadData(tf) function; export one or pass --data'],
    ['syntax.cjs', `exports.createModel = (tf => {`, 'the module failed to load'],
  ])('%s is refused at once', async (name, text, message) => {
    await expect(resolveWorkload(spec({ model: files.write(name, text) }))).rejects.toMatchObject({ code: 'E_INPUT', message: expect.stringContaining(message) });
  });

  test.each([
    ['create-throws.cjs', `exports.createModel = () => { throw new Error('bad layer'); }; exports.loadData = () => ({ x: [[1], [2], [3], [4], [5]], y: [1, 2, 3, 4, 5] });`, 'createModel threw: bad layer'],
    ['not-a-model.cjs', `exports.createModel = () => 42; exports.loadData = () => ({ x: [[1], [2], [3], [4], [5]], y: [1, 2, 3, 4, 5] });`, 'createModel returned number, not a tf.LayersModel'],
    ['data-throws.cjs', `exports.createModel = (tf) => tf.sequential(); exports.loadData = () => { throw new Error('no disk'); };`, 'loadData threw: no disk'],
    ['bad-data.cjs', `exports.createModel = (tf) => tf.sequential(); exports.loadData = () => ({ x: 'nope', y: [1] });`, 'expected a tensor or an array, got string'],
    ['two-targets.cjs', `exports.createModel = (tf) => tf.sequential(); exports.loadData = (tf) => ({ x: [[1], [2]], y: [tf.ones([2, 1]), tf.zeros([2, 3])] });`, 'an array of 2 tensors (one a model input or output): models with several inputs or outputs are not supported yet'],
    ['nan-data.cjs', `exports.createModel = (tf) => tf.sequential(); exports.loadData = () => ({ x: [[1], [NaN]], y: [1, 2] });`, 'contains NaN or infinite values'],
    [
      'shape.cjs',
      `exports.createModel = (tf) => { const m = tf.sequential({ layers: [tf.layers.dense({ inputShape: [5], units: 1 })] }); m.compile({ loss: 'meanSquaredError', optimizer: 'sgd' }); return m; };
       exports.loadData = () => ({ x: Array.from({ length: 20 }, () => [1, 2, 3]), y: Array.from({ length: 20 }, () => [1]) });`,
      'the model takes inputs of shape [5] but the data has features of shape [3]',
    ],
    [
      'uncompiled.cjs',
      `exports.createModel = (tf) => tf.sequential({ layers: [tf.layers.dense({ inputShape: [1], units: 1 })] }); exports.loadData = () => ({ x: [[1], [2], [3], [4], [5]], y: [1, 2, 3, 4, 5] });`,
      'the model is not compiled and no loss is given',
    ],
  ])('%s fails before training with a clear message', async (name, text, message) => {
    const definition = await resolveWorkload(spec({ model: files.write(name, text) }));
    const before = tf.memory().numTensors;
    await expect(createWorkload(tf, definition, SETTINGS)).rejects.toMatchObject({ code: 'E_INPUT', message: expect.stringContaining(message) });
    expect(tf.memory().numTensors).toBe(before); // the data the module gave is released too
  });
});

describe('saved LayersModels', () => {
  /** Saves a 2-input, 3-class model as model.json + weights.bin in `folder`, weights at `weightsPath`. */
  async function saveModel(folder: string, weightsPath = 'weights.bin', compiled = true) {
    const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 3, activation: 'softmax' })] });
    if (compiled) model.compile({ optimizer: tf.train.adam(0.003), loss: 'categoricalCrossentropy' });
    let artifacts: tfTypes.io.ModelArtifacts | undefined;
    await model.save(tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }), { includeOptimizer: compiled });
    model.dispose();
    const dir = path.join(files.dir(), folder);
    fs.mkdirSync(dir, { recursive: true });
    const json = {
      format: 'layers-model',
      modelTopology: artifacts!.modelTopology,
      ...(artifacts!.trainingConfig ? { trainingConfig: artifacts!.trainingConfig } : {}),
      weightsManifest: [{ paths: [weightsPath], weights: artifacts!.weightSpecs }],
    };
    fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify(json));
    const weights = Buffer.from(artifacts!.weightData as ArrayBuffer);
    if (!path.isAbsolute(weightsPath) && !weightsPath.startsWith('..')) fs.writeFileSync(path.join(dir, weightsPath), weights);
    return path.join(dir, 'model.json');
  }

  test('trains from the saved weights with the saved training config', async () => {
    const model = await saveModel('ok');
    const data = files.write('blobs.csv', blobsCsv(60));
    const workload = await createWorkload(tf, await resolveWorkload(spec({ model, data })), SETTINGS);
    expect(workload.info).toMatchObject({ source: 'saved-model', loss: 'categoricalCrossentropy', optimizer: { name: 'adam', learningRate: 0.003 } });
    workload.dispose();
  });

  test('an uncompiled saved model still needs a loss', async () => {
    const model = await saveModel('plain', 'weights.bin', false);
    const data = files.write('blobs.csv', blobsCsv(60));
    await expect(createWorkload(tf, await resolveWorkload(spec({ model, data })), SETTINGS)).rejects.toMatchObject({
      message: expect.stringContaining('not compiled'),
    });
  });

  test.each([
    ['escape', '../../outside.bin', 'lies outside the model\'s folder; refused'],
    ['absolute', '/etc/passwd', 'lies outside the model\'s folder; refused'],
    ['missing', 'gone.bin', 'weight file "gone.bin" is missing'],
  ])('weights that %s are refused', async (folder, weightsPath, message) => {
    const model = await saveModel(folder, weightsPath);
    if (folder === 'missing') fs.rmSync(path.join(path.dirname(model), 'gone.bin'));
    const data = files.write('blobs.csv', blobsCsv(60));
    await expect(resolveWorkload(spec({ model, data }))).rejects.toMatchObject({ code: 'E_INPUT', message: expect.stringContaining(message) });
  });

  test('classes against output units: both numbers named', async () => {
    const model = await saveModel('three');
    const data = files.write('four.csv', blobsCsv(80, 4));
    await expect(createWorkload(tf, await resolveWorkload(spec({ model, data })), SETTINGS)).rejects.toMatchObject({
      message: expect.stringContaining('the model has 3 output units but the data has 4 classes'),
    });
  });

  test('a saved model without --data is refused', async () => {
    const model = await saveModel('alone');
    await expect(resolveWorkload(spec({ model }))).rejects.toMatchObject({ message: expect.stringContaining('needs training data: pass --data') });
  });
});

describe('data files with the default MLP', () => {
  test('sized to the data, classification inferred, split and standardized', async () => {
    const data = files.write('blobs.csv', blobsCsv(200));
    const definition = await resolveWorkload(spec({ data }));
    expect(definition.notes!.join(' ')).toMatch(/default MLP 2-16-8-3/);
    const workload = await createWorkload(tf, definition, SETTINGS);
    expect(workload.info).toMatchObject({ source: 'data', trainSamples: 160, valSamples: 40, loss: 'categoricalCrossentropy' });
    // Standardized with the training rows' statistics: their mean is 0.
    const mean = tf.tidy(() => tensorsOf(workload).train.x.mean(0).abs().max().dataSync()[0]);
    expect(mean).toBeLessThan(1e-5);
    workload.dispose();
  });

  test('--no-standardize keeps the values', async () => {
    const data = files.write('blobs.csv', blobsCsv(200));
    const workload = await createWorkload(tf, await resolveWorkload(spec({ data, standardize: false })), SETTINGS);
    const max = tf.tidy(() => tensorsOf(workload).train.x.max().dataSync()[0]);
    expect(max).toBeGreaterThan(1.5);
    workload.dispose();
  });
});
