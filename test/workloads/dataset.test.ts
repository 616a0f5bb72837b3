import type * as tfTypes from '@tensorflow/tfjs';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { activateBackend } from '../../src/platform/backend';
import { loadTf } from '../../src/platform/tf';
import { InProcessRunner } from '../../src/runner/in-process';
import { RunFolder, shareOrLoadEach } from '../../src/workloads/shared-data';
import { resolveWorkload } from '../../src/workloads/spec';
import { hashElement } from '../../src/workloads/dataset/elements';
import { createWorkload, type Workload } from '../../src/workloads/workload';
import { testBackend } from '../helpers/backend';
import { tempDir } from '../helpers/files';
import { expectTrialLeaksNothing } from '../helpers/leaks';
import { moduleSpec, openModule } from '../helpers/module-workload';

const tf = loadTf();
const files = tempDir('dataset');
const SAMPLES = 40;

/**
 * A workload module as a user writes one over files on disk: a generator reading one JSON
 * sample a file, a 4-8-3 classifier. `dataset` is the expression the module exports as
 * `createDataset`, over `files(tf)`; `extra` more exports.
 */
function writeModule(name: string, dataset = 'files(tf)', extra = '', inputs = 4): string {
  return files.write(
    `${name}.cjs`,
    `
    const fs = require('node:fs');
    const path = require('node:path');
    const dir = ${JSON.stringify(path.join(files.dir(), 'samples'))};
    const files = (tf) => tf.data.generator(function* () {
      for (const name of fs.readdirSync(dir).sort()) {
        const s = JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8'));
        yield { xs: tf.tensor1d(s.x), ys: tf.tensor1d([s.label]) };
      }
    });
    exports.createModel = (tf) => tf.sequential({ layers: [
      tf.layers.dense({ inputShape: [${inputs}], units: 8, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
      tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
    ] });
    exports.loss = 'sparseCategoricalCrossentropy';
    exports.createDataset = (tf) => ${dataset};
    ${extra}`,
  );
}

const open = (model: string): Promise<Workload> => openModule(tf, model);

beforeAll(async () => {
  expect(await activateBackend(tf, testBackend('cpu'))).toBeNull();
  for (let i = 0; i < SAMPLES; i++) {
    const x = [0, 1, 2, 3].map((j) => Math.sin(i * 1.7 + j));
    files.write(`samples/${String(i).padStart(3, '0')}.json`, JSON.stringify({ x, label: i % 3 }));
  }
});

describe('a module exporting a tf.data dataset over files', () => {
  let workload: Workload;
  beforeAll(async () => {
    workload = await open(writeModule('plain'));
  });
  afterAll(() => workload.dispose());

  test('its elements counted once (and said), a seeded share held out, batched here at the exact size', async () => {
    expect(workload.info).toMatchObject({ source: 'module', trainSamples: 32, valSamples: 8, validation: 'held-out', dataSource: 'dataset' });
    expect(workload.notes.join('\n')).toMatch(/40 elements were counted in one pass over it .*export size = 40/);
    const stream = workload.data.batches(6, 'shuffled', 1);
    for (let i = 0; i < 7; i++) {
      const { x, y } = await stream.next(); // past an epoch: the dataset is read again
      expect(x.shape).toEqual([6, 4]);
      expect(y.shape).toEqual([6, 1]);
      tf.dispose([x, y]);
    }
    stream.close();
  });

  test('the held-out elements are never trained on: one pass of training and the validation part are disjoint and whole', async () => {
    const hashes = async (chunks: AsyncIterable<{ x: tfTypes.Tensor; y: tfTypes.Tensor }>) => {
      const out: string[] = [];
      for await (const { x, y } of chunks) {
        const xs = tf.unstack(x);
        const ys = tf.unstack(y);
        xs.forEach((e, i) => out.push(hashElement({ x: e, y: ys[i].squeeze() })));
        tf.dispose([x, y, ...xs, ...ys]);
      }
      return out;
    };
    const train = await hashes(workload.data.trainSample(10, 100));
    const validation = await hashes(workload.data.validation(3));
    expect(train).toHaveLength(32);
    expect(validation).toHaveLength(8);
    expect(new Set([...train, ...validation]).size).toBe(40);
    // A sample of the validation elements, by position.
    expect(await hashes(workload.data.validation(3, [0, 5]))).toEqual([validation[0], validation[5]]);
  });

  test("the tuner's count goes to the trial processes in the spec: they do not count again", async () => {
    const spec = moduleSpec(writeModule('surveyed'));
    const folder = new RunFolder();
    try {
      const shared = await shareOrLoadEach(tf, await resolveWorkload(spec), spec, folder);
      expect(shared!.spec.datasetSizes).toEqual({ elements: 40 });
      expect(shared!.spec.prepared).toBeUndefined();
      const again = await createWorkload(tf, await resolveWorkload(shared!.spec), spec);
      expect(again.notes.join('\n')).not.toMatch(/counted/);
      // The same weights and the same elements: the same workload, as a queue's worker must find.
      expect(again.fingerprint()).toBe(workload.fingerprint());
      again.dispose();
    } finally {
      folder.remove();
    }
  });

  test('a trial leaks no tensors', async () => {
    await expectTrialLeaksNothing(tf, workload);
  });
});

test('a given size and a validation dataset are used as they are', async () => {
  const workload = await open(writeModule('given', 'files(tf)', 'exports.size = 40; exports.validation = (tf) => tf.data.array([{ xs: [1, 2, 3, 4], ys: [0] }, { xs: [4, 3, 2, 1], ys: [2] }]);'));
  try {
    expect(workload.info).toMatchObject({ trainSamples: 40, valSamples: 2, validation: 'given' });
    expect(workload.notes.join('\n')).not.toMatch(/counted/);
  } finally {
    workload.dispose();
  }
});

test('a map that leaks a tensor per element is caught in the trial: tensors left behind per step', async () => {
  // mul's result is never disposed: mapAsync cannot tidy an async function (map does), and
  // releases only the element it was given (tfjs#1517's leak).
  const workload = await open(writeModule('leaky', 'files(tf).mapAsync(async (e) => ({ xs: e.xs.mul(2).add(1), ys: e.ys }))', 'exports.size = 40;'));
  try {
    const runner = new InProcessRunner(tf, workload);
    const trial = await runner.runTrial({ batchSize: 8, warmupSteps: 1, minSteps: 6, minSeconds: 0, memoryBudgetBytes: 1e12, deadline: Infinity });
    expect(trial.status).toBe('ok');
    // One per element, plus the held-out elements read past between them (a fifth as many).
    expect(trial.leakedTensors).toBeGreaterThanOrEqual(8);
    expect(trial.leakedTensors).toBeLessThanOrEqual(12);
  } finally {
    workload.dispose();
  }
});

describe('refused before any training, in one line that says what to export instead', () => {
  test.each([
    ['already batched', 'files(tf).batch(4)', '', 4, /elements are batches \(xs of shape \[4, 4\].*export it unbatched \(without \.batch\(\)\)/],
    ['single-pass (tf.data.func)', "(() => { let i = 0; return tf.data.func(() => i < 40 ? { value: { xs: tf.tensor1d([i, 1, 2, 3]), ys: tf.tensor1d([i++ % 3]) }, done: false } : { value: null, done: true }); })()", '', 4, /single-pass/],
    ['shuffled by itself', 'files(tf).shuffle(40)', '', 4, /two passes over the dataset give different elements.*export the elements in a fixed order/],
    // A dataset of known size says it is infinite; one of unknown size cannot (see the README).
    ['infinite', 'tf.data.array([{ xs: [1, 2, 3, 4], ys: [0] }]).repeat()', '', 4, /infinite \(\.repeat\(\)\?\); export one pass/],
    ['elements of the wrong shape', 'files(tf)', '', 5, /takes inputs of shape \[5\] but the data has features of shape \[4\]/],
    ['elements that are not { xs, ys }', 'files(tf).map((e) => e.xs)', '', 4, /an element must be \{ xs, ys \}/],
    ['not a dataset', '[1, 2, 3]', '', 4, /createDataset\(tf\) is not a tf\.data Dataset/],
  ])('%s', async (name, dataset, extra, inputs, message) => {
    const before = tf.memory().numTensors;
    await expect(open(writeModule(name.replace(/\W+/g, '-'), dataset, extra, inputs))).rejects.toThrow(message);
    // Nothing of ours is left; a pipeline's own shuffle buffer stays with its iterator, which has no way to be closed.
    if (!/shuffle/.test(dataset)) expect(tf.memory().numTensors).toBe(before);
  });
});
