import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadTf } from '../../src/platform/tf';
import { resolveWorkload, type InlineWorkload, type WorkloadSpec } from '../../src/workloads/spec';
import { assertModelFolder, saveModel, saveWorkloadModel } from '../../src/workloads/save-model';
import { createWorkload, disposeModel, type Workload } from '../../src/workloads/workload';
import { blobsCsv, tempDir } from '../helpers/files';
import { folderHandler, topologyOf, weightBytes } from '../helpers/model-folder';

const tf = loadTf();
const files = tempDir('save-model');
const SETTINGS = { seed: 42, validationSplit: 0.2 };
const spec = (over: Partial<WorkloadSpec>): WorkloadSpec => ({ example: 'mnist-mlp', standardize: true, validationSplit: 0.2, seed: 42, ...over });

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const MODULE = `
exports.createModel = (tf) => {
  const model = tf.sequential({ layers: [
    tf.layers.dense({ inputShape: [2], units: 8, activation: 'tanh' }),   // unseeded: the first call's weights are the workload's
    tf.layers.dropout({ rate: 0.25 }),
    tf.layers.dense({ units: 3, activation: 'softmax' }),
  ] });
  model.compile({ optimizer: tf.train.sgd(0.05), loss: 'categoricalCrossentropy' });
  return model;
};
exports.loadData = () => {
  const x = [], y = [];
  for (let i = 0; i < 60; i++) { x.push([i % 3, Math.sin(i)]); y.push([0, 1, 2].map((c) => (c === i % 3 ? 1 : 0))); }
  return { x, y };
};
`;

/** One workload of every source; `saved-model` is the data workload's saved folder, tuned again. */
async function workloadOf(source: string): Promise<Workload> {
  const data = files.write('blobs.csv', blobsCsv(120));
  if (source === 'data') return createWorkload(tf, await resolveWorkload(spec({ data, label: 'kind' })), SETTINGS);
  if (source === 'module') return createWorkload(tf, await resolveWorkload(spec({ model: files.write('m.cjs', MODULE) })), SETTINGS);
  if (source === 'example') return createWorkload(tf, await resolveWorkload(spec({ example: 'synthetic-regression' })), SETTINGS);
  if (source === 'saved-model') {
    const dir = path.join(files.dir(), 'round-trip');
    const first = await workloadOf('data');
    await saveWorkloadModel(tf, first, dir);
    first.dispose();
    return createWorkload(tf, await resolveWorkload(spec({ model: path.join(dir, 'model.json'), data, label: 'kind' })), SETTINGS);
  }
  // A model given in code with a loss function: nothing names it, so no training config is saved.
  const inline: InlineWorkload = {
    model: (t) => {
      const m = t.sequential({ layers: [t.layers.dense({ inputShape: [3], units: 4, activation: 'relu' }), t.layers.dense({ units: 1 })] });
      m.compile({ optimizer: t.train.adam(0.01), loss: (yTrue, yPred) => t.losses.absoluteDifference(yTrue, yPred) });
      return m;
    },
    data: { x: Array.from({ length: 40 }, (_, i) => [i, -i, i % 5]), y: Array.from({ length: 40 }, (_, i) => [i % 7]) },
  };
  return createWorkload(tf, await resolveWorkload(spec({}), inline), SETTINGS);
}

describe('saveWorkloadModel', () => {
  test.each(['data', 'module', 'example', 'saved-model', 'library'])(
    '%s: the folder loads back with the topology and the initial weights, bit for bit, of createModel',
    async (source) => {
      const start = tf.memory().numTensors;
      const workload = await workloadOf(source);
      const dir = path.join(files.dir(), `model-${source}`);
      const before = tf.memory().numTensors;
      expect(await saveWorkloadModel(tf, workload, dir)).toBe(dir);
      expect(tf.memory().numTensors).toBe(before);

      expect(fs.readdirSync(dir).sort()).toEqual(['model.json', 'weights.bin']);
      const loaded = await tf.loadLayersModel(folderHandler(dir));
      const fresh = await workload.createModel();
      expect(topologyOf(loaded)).toBe(topologyOf(fresh));
      expect(weightBytes(loaded)).toEqual(weightBytes(fresh));
      // A loss given by name comes back compiled: the user's fit, or --model DIR/model.json, has it.
      const loss = (loaded as unknown as { loss?: unknown }).loss;
      expect(loss).toBe(source === 'library' ? undefined : workload.info.loss);
      disposeModel(loaded);
      disposeModel(fresh);
      workload.dispose();
      expect(tf.memory().numTensors).toBe(start);
    },
  );

  test('tuning the saved default MLP again is the same workload: architecture, weights, loss, optimizer and data', async () => {
    const data = await workloadOf('data');
    const again = await workloadOf('saved-model');
    expect(again.info.source).toBe('saved-model');
    expect(again.fingerprint()).toBe(data.fingerprint());
    data.dispose();
    again.dispose();
  });

  test('leaks no tensor across the save, workload included', async () => {
    const before = tf.memory().numTensors;
    const workload = await workloadOf('data');
    await saveWorkloadModel(tf, workload, path.join(files.dir(), 'leak'));
    workload.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('the folder', () => {
  const model = () => tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 1, kernelInitializer: tf.initializers.ones() })] });

  test('parents are made, and nothing but the model is left beside it', async () => {
    const parent = path.join(files.dir(), 'nested');
    const m = model();
    await saveModel(tf, m, path.join(parent, 'a', 'b'));
    m.dispose();
    expect(fs.readdirSync(parent)).toEqual(['a']);
    expect(fs.readdirSync(path.join(parent, 'a'))).toEqual(['b']);
  });

  test('a folder autobatch wrote is replaced; an empty folder is taken', async () => {
    const dir = path.join(files.dir(), 'again');
    const first = model();
    await saveModel(tf, first, dir);
    first.dispose();
    const second = tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 3 })] });
    await saveModel(tf, second, dir);
    second.dispose();
    const loaded = await tf.loadLayersModel(folderHandler(dir));
    expect(loaded.outputs[0].shape).toEqual([null, 3]);
    loaded.dispose();
    expect(fs.readdirSync(files.dir()).filter((name) => name.includes('.tmp'))).toEqual([]);

    const empty = path.join(files.dir(), 'empty');
    fs.mkdirSync(empty);
    expect(() => assertModelFolder(empty)).not.toThrow();
  });

  test.each([
    ['a file', (p: string) => fs.writeFileSync(p, 'not a folder'), 'is a file, not a folder'],
    ['a folder of other files', (p: string) => (fs.mkdirSync(p), fs.writeFileSync(path.join(p, 'notes.txt'), 'mine')), 'holds files autobatch did not write (notes.txt)'],
    [
      "someone else's saved model",
      (p: string) => (fs.mkdirSync(p), fs.writeFileSync(path.join(p, 'model.json'), '{"modelTopology":{},"weightsManifest":[{"paths":["weights.bin"]}]}'), fs.writeFileSync(path.join(p, 'weights.bin'), '')),
      'holds files autobatch did not write (model.json, weights.bin)',
    ],
    [
      'our model with a file added',
      (p: string) => (fs.mkdirSync(p), fs.writeFileSync(path.join(p, 'model.json'), '{"userDefinedMetadata":{"autobatch":{}},"weightsManifest":[{"paths":["weights.bin"]}]}'), fs.writeFileSync(path.join(p, 'trained.bin'), '')),
      'holds files autobatch did not write (trained.bin)',
    ],
  ])('%s is refused with one line naming it, and left as it was', async (name, make, message) => {
    const dir = path.join(files.dir(), name.replace(/\W+/g, '-'));
    make(dir);
    // A folder's files and their contents, or a file's contents.
    const contents = () => (fs.statSync(dir).isDirectory() ? fs.readdirSync(dir).sort().map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8')]) : fs.readFileSync(dir, 'utf8'));
    const before = contents();
    const m = model();
    await expect(saveModel(tf, m, dir)).rejects.toMatchObject({ code: 'E_USAGE', option: 'saveModel', message: expect.stringContaining(message) });
    m.dispose();
    expect(() => assertModelFolder(dir)).toThrow(expect.objectContaining({ message: expect.not.stringContaining('\n') }));
    expect(contents()).toEqual(before);
  });
});
