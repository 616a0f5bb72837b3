import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Value } from '@sinclair/typebox/value';
import { DocumentSchema } from '../../src/document';
import { tempDir } from '../helpers/files';
import { testBackendFlag } from '../helpers/backend';

/** A module exporting a tf.data dataset, through the built command: trial processes and the search's open it themselves. */
const BIN = path.join(__dirname, '..', '..', 'bin', 'autobatch.js');
const FAST = ['--min-trial-time', '0.05', '--min-steps', '2', ...testBackendFlag('wasm')];
const files = tempDir('cli-dataset');

test('autobatch probe --model module.cjs (createDataset over files): a recommendation for fitDataset', () => {
  for (let i = 0; i < 400; i++) {
    const x = [0, 1, 2, 3, 4, 5].map((j) => Math.sin(i * 0.37 + j * 1.3));
    files.write(`rows/${String(i).padStart(4, '0')}.json`, JSON.stringify({ x, label: x[0] + x[1] > 0 ? 1 : 0 }));
  }
  const module = files.write(
    'rows.cjs',
    `const fs = require('node:fs');
     const path = require('node:path');
     const dir = path.join(__dirname, 'rows');
     exports.createModel = (tf) => tf.sequential({ layers: [
       tf.layers.dense({ inputShape: [6], units: 16, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
       tf.layers.dense({ units: 2, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
     ] });
     exports.loss = 'sparseCategoricalCrossentropy';
     exports.createDataset = (tf) => tf.data.generator(function* () {
       for (const name of fs.readdirSync(dir).sort()) {
         const row = JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8'));
         yield { xs: tf.tensor1d(row.x), ys: tf.tensor1d([row.label]) };
       }
     });`,
  );
  const out = path.join(files.dir(), 'rows.json');
  const r = spawnSync(process.execPath, [BIN, 'probe', '--model', module, '--time-budget', '30', '--epochs', '5', '--out', out, ...FAST], { encoding: 'utf8', timeout: 120_000 });
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect([0, 3]).toContain(r.status);
  const doc = JSON.parse(fs.readFileSync(out, 'utf8'));
  expect(Value.Check(DocumentSchema, doc)).toBe(true);
  expect(doc.workload).toMatchObject({ source: 'module', dataSource: 'dataset', trainSamples: 320, valSamples: 80 });
  expect(doc.notes.join('\n')).toMatch(/400 elements were counted in one pass/);
  // The probe's trial process opened the dataset itself, and waited for its batches.
  expect(doc.probe.trials.some((t: { status: string; inputMs?: number }) => t.status === 'ok' && t.inputMs !== undefined)).toBe(true);
  expect(r.stdout).toMatch(/in TensorFlow\.js: await model\.fitDataset\(dataset\.shuffle\(1024\)\.batch\(\d+\), \{ epochs: 5, callbacks: \[learningRateSchedule\(result\)\] \}\);/);
}, 150_000);

test('autobatch probe --model module.cjs (batched = true): trial processes ask the factory for their sizes; the line trains as tuned', () => {
  const log = path.join(files.dir(), 'batched.log');
  const module = files.write(
    'batched.cjs',
    `const fs = require('node:fs');
     const rows = Array.from({ length: 300 }, (_, i) => {
       const x = [0, 1, 2, 3, 4, 5].map((j) => Math.sin(i * 0.37 + j * 1.3));
       return { xs: x, ys: [x[0] + x[1] > 0 ? 1 : 0] };
     });
     exports.createModel = (tf) => tf.sequential({ layers: [
       tf.layers.dense({ inputShape: [6], units: 16, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
       tf.layers.dense({ units: 2, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
     ] });
     exports.loss = 'sparseCategoricalCrossentropy';
     exports.batched = true;
     exports.createDataset = (tf, { batchSize, seed }) => {
       fs.appendFileSync(${JSON.stringify(log)}, process.pid + ' ' + batchSize + '\\n');
       return tf.data.array(rows.slice(0, 240)).shuffle(240, String(seed)).batch(batchSize);
     };
     exports.validation = (tf) => tf.data.array(rows.slice(240));`,
  );
  const out = path.join(files.dir(), 'batched.json');
  const r = spawnSync(process.execPath, [BIN, 'probe', '--model', module, '--time-budget', '30', '--epochs', '5', '--max-batch', '64', '--out', out, ...FAST], { encoding: 'utf8', timeout: 120_000 });
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect([0, 3]).toContain(r.status);
  const doc = JSON.parse(fs.readFileSync(out, 'utf8'));
  expect(Value.Check(DocumentSchema, doc)).toBe(true);
  expect(doc.workload).toMatchObject({ source: 'module', dataSource: 'dataset', batchedDataset: true, trainSamples: 240, valSamples: 60, validation: 'given' });
  // Counted once, in the tuner; the trial processes were handed the count.
  expect(doc.notes.join('\n').match(/240 samples were counted/g)).toHaveLength(1);
  // The probe's trial process opened the module itself and asked the factory for each size it trained.
  const asked = fs.readFileSync(log, 'utf8').trim().split('\n').map((line) => line.split(' ').map(Number));
  const trained = doc.probe.trials.filter((t: { status: string }) => t.status === 'ok').map((t: { batchSize: number }) => t.batchSize);
  expect(trained.length).toBeGreaterThan(0);
  for (const size of trained) expect(asked.some(([pid, b]) => pid !== r.pid && b === size)).toBe(true);
  expect(r.stdout).toMatch(/in TensorFlow\.js: await model\.fitDataset\(createDataset\(tf, \{ batchSize: \d+, seed \}\), \{ epochs: 5, callbacks: \[learningRateSchedule\(result\)\] \}\);/);
}, 150_000);
