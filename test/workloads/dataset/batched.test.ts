import * as fs from 'node:fs';
import * as path from 'node:path';
import { Value } from '@sinclair/typebox/value';
import { DocumentSchema } from '../../../src/document';
import { activateBackend } from '../../../src/platform/backend';
import { loadTf } from '../../../src/platform/tf';
import { kerasSnippet, snippetData, tfjsSnippet } from '../../../src/report/snippets';
import { tune } from '../../../src/tune';
import { InputError } from '../../../src/util/errors';
import type { Workload } from '../../../src/workloads/workload';
import { testBackend } from '../../helpers/backend';
import { tempDir } from '../../helpers/files';
import { expectTrialLeaksNothing } from '../../helpers/leaks';
import { openModule } from '../../helpers/module-workload';

const tf = loadTf();
const files = tempDir('batched-dataset');
const SAMPLES = 60;

/**
 * A workload module with a pipeline that makes its own batches, as a user writes one:
 * `createDataset(tf, { batchSize, seed })` shuffles its 60 samples by the seed and batches
 * them at the size asked for (`batches` replaces that last step), logging each size it is
 * asked for to `<name>.log`; a 4-8-2 classifier. `extra`: more exports, `batched = true`
 * and a validation set of 12 elements unless replaced there.
 */
function writeModule(name: string, { batches = '.batch(batchSize)', extra = 'exports.batched = true; exports.validation = validation;', params = '(tf, { batchSize, seed })' } = {}): string {
  const log = path.join(files.dir(), `${name}.log`);
  return files.write(
    `${name}.cjs`,
    `
    const fs = require('node:fs');
    const rows = Array.from({ length: ${SAMPLES + 12} }, (_, i) => {
      const x = [0, 1, 2, 3].map((j) => Math.sin(i * 1.7 + j));
      return { xs: x, ys: [x[0] + x[1] > 0 ? 1 : 0] };
    });
    const train = rows.slice(0, ${SAMPLES});
    const validation = (tf) => tf.data.array(rows.slice(${SAMPLES}));
    exports.createModel = (tf) => tf.sequential({ layers: [
      tf.layers.dense({ inputShape: [4], units: 8, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
      tf.layers.dense({ units: 2, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
    ] });
    exports.loss = 'sparseCategoricalCrossentropy';
    exports.optimizer = { name: 'adam', learningRate: 0.01 };
    exports.createDataset = ${params} => {
      fs.appendFileSync(${JSON.stringify(log)}, batchSize + '\\n');
      return tf.data.array(train).shuffle(${SAMPLES}, String(seed))${batches};
    };
    ${extra}`,
  );
}

/** The batch sizes a module's factory was asked for, in every process that opened it. */
const askedSizes = (name: string) => new Set(fs.readFileSync(path.join(files.dir(), `${name}.log`), 'utf8').trim().split('\n').map(Number));

const open = (model: string): Promise<Workload> => openModule(tf, model);

beforeAll(async () => {
  expect(await activateBackend(tf, testBackend('cpu'))).toBeNull();
});

describe('a module with batched = true and createDataset(tf, { batchSize, seed })', () => {
  let workload: Workload;
  beforeAll(async () => {
    workload = await open(writeModule('opened'));
  });
  afterAll(() => workload.dispose());

  test('its samples counted once, its validation set given, a batch read from the factory at the size asked for', async () => {
    expect(workload.info).toMatchObject({ trainSamples: SAMPLES, valSamples: 12, validation: 'given', dataSource: 'dataset' });
    expect(workload.notes.join('\n')).toMatch(/createDataset's 60 samples were counted in one pass at batch size 32/);
    const stream = workload.data.batches(7, 'shuffled', 1);
    for (let i = 0; i < 10; i++) {
      // Past a pass (8 full batches and a short one, which is not trained on): the factory's dataset is read again.
      const { x, y } = await stream.next();
      expect(x.shape).toEqual([7, 4]);
      expect(y.shape).toEqual([7, 1]);
      tf.dispose([x, y]);
    }
    stream.close();
    expect(askedSizes('opened')).toContain(7);
  });

  test('a trial leaks no tensors', async () => {
    await expectTrialLeaksNothing(tf, workload);
  });
});

test('tune() on a batched factory: every phase trains on its batches, the factory called at each size measured', async () => {
  const model = writeModule('tuned', { extra: 'exports.batched = true; exports.validation = validation; exports.size = 60;' });
  const doc = await tune({ model, backend: testBackend('cpu'), minBatch: 2, maxBatch: 16, timeBudget: 60, minTrialSeconds: 0.05, minSteps: 2, warmupSteps: 1, epochs: 3 });
  expect(doc.workload).toMatchObject({ source: 'module', dataSource: 'dataset', batchedDataset: true, trainSamples: SAMPLES, valSamples: 12, validation: 'given' });
  expect(Value.Check(DocumentSchema, doc)).toBe(true);
  const probed = doc.probe!.trials.filter((t) => t.status === 'ok').map((t) => t.batchSize);
  expect(probed).toEqual(expect.arrayContaining([2, 4, 8, 16]));
  const asked = askedSizes('tuned');
  for (const size of probed) expect(asked).toContain(size);
  expect(doc.recommendation).not.toBeNull();
  const rec = doc.recommendation!;
  expect(probed).toContain(rec.batchSize);
  // The noise scale, the range test and the search trained on the pipeline's batches too.
  expect(doc.noise!.bSimple).toBeGreaterThan(0);
  expect(doc.lrRange!.suggestion).toBeGreaterThan(0);
  expect(doc.candidates.length).toBeGreaterThanOrEqual(2);
  // Trained as it was tuned: the pipeline asked for the size, never batched again.
  expect(tfjsSnippet(rec, snippetData(doc))).toContain(`await model.fitDataset(createDataset(tf, { batchSize: ${rec.batchSize}, seed }), {`);
  expect(kerasSnippet(rec, doc.workload!.optimizer, snippetData(doc))).toContain(`model.fit(dataset, epochs=3)  # dataset: your pipeline, batched at ${rec.batchSize}`);
}, 120_000);

describe('refused before any training, in one line', () => {
  test.each([
    ['batches of a fixed size (.batch(32))', { batches: '.batch(32)' }, /createDataset\(tf, \{ batchSize: 2 \}\) gave a batch of 32 \(xs \[32, 4\]\): a batched factory's batches must have the size it is asked for/],
    ['batches of 2 whatever the size', { batches: '.batch(2)' }, /createDataset\(tf, \{ batchSize: 3 \}\) gave a batch of 2 before the end of a pass/],
    ['unbatched elements', { batches: '' }, /createDataset\(tf, \{ batchSize: 2 \}\) gave a batch with xs \[4\] and ys \[1\]/],
    ['a factory that gives no dataset', { batches: '.toArray()' }, /createDataset\(tf, \{ batchSize: 2 \}\) is not a tf\.data Dataset \(object\); return a dataset of \{ xs, ys \} batches of options\.batchSize/],
    ['no validation export', { extra: 'exports.batched = true;' }, /a batched createDataset needs a validation export/],
    ['batched that is not a boolean', { extra: "exports.batched = 'yes'; exports.validation = validation;" }, /batched must be true or false, got "yes"/],
    ['a second parameter and no batched export', { extra: 'exports.validation = validation;' }, /createDataset takes a second parameter, but the module does not say which form it gives: export batched = true/],
    ['batched = true without createDataset', { params: '(tf, { batchSize, seed } = {})', extra: 'exports.dataset = exports.createDataset; delete exports.createDataset; exports.batched = true; exports.validation = validation;' }, /batched = true needs createDataset\(tf, \{ batchSize \}\).*\(a dataset export cannot be asked for a size\)/],
  ])('%s', async (name, module, message) => {
    const before = tf.memory().numTensors;
    const opening = open(writeModule(name.replace(/\W+/g, '-'), module));
    await expect(opening).rejects.toThrow(InputError);
    const error = await opening.catch((err: Error) => err);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('\n');
    expect(tf.memory().numTensors).toBe(before);
  });
});
