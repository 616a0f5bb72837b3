import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Value } from '@sinclair/typebox/value';
import { DocumentSchema } from '../../src/document';
import { loadTf } from '../../src/platform/tf';
import { resolveWorkload } from '../../src/workloads/spec';
import { createWorkload, disposeModel } from '../../src/workloads/workload';
import { blobsCsv, tempDir } from '../helpers/files';
import { folderHandler, topologyOf, weightBytes } from '../helpers/model-folder';
import { testBackendFlag } from '../helpers/backend';

/** Your data and your model through the built command, as a user runs it. */
const BIN = path.join(__dirname, '..', '..', 'bin', 'autobatch.js');
const run = (args: string[]) => spawnSync(process.execPath, [BIN, 'probe', ...args], { encoding: 'utf8', timeout: 120_000 });
const FAST = ['--min-trial-time', '0.05', '--min-steps', '2', ...testBackendFlag('wasm')];
const files = tempDir('cli-data');

function regressionCsv(rows: number): string {
  const lines = ['a,b,target'];
  for (let i = 0; i < rows; i++) lines.push(`${Math.sin(i).toFixed(4)},${Math.cos(3 * i).toFixed(4)},${(2 * Math.sin(i) - Math.cos(3 * i) + 0.01 * (i % 7)).toFixed(4)}`);
  return `${lines.join('\n')}\n`;
}

describe('autobatch probe --data', () => {
  test.each([
    ['two classes', blobsCsv(300, 2), 'kind', 2],
    ['ten classes', blobsCsv(1000, 10), 'kind', 10],
    ['regression', regressionCsv(500), 'target', null],
  ])('%s: a recommendation no larger than the training set', (_name, csv, label, classes) => {
    const data = files.write(`${label}-${csv.length}.csv`, csv);
    const r = run(['--data', data, '--label', label, '--json', '--time-budget', '20', ...FAST]);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    // Exit 3 where a starved machine ran out of budget: the document is still the answer, marked incomplete.
    expect([0, 3]).toContain(r.status);
    const doc = JSON.parse(r.stdout);
    expect(doc.complete).toBe(r.status === 0);
    expect(doc.workload.source).toBe('data');
    expect(doc.preparation.label.task).toBe(classes === null ? 'regression' : 'classification');
    expect(doc.preparation.label.classes?.length ?? null).toBe(classes);
    // How many sizes the search measures depends on its speed under the budget (CI's load
    // left two where an idle machine measures four; a fresh machine's parallel suite once
    // left none, the search cut): what must hold is that every size the probe and the
    // search trained, and the one recommended, fits in the training set.
    expect(doc.probe.trials.length).toBeGreaterThanOrEqual(2);
    for (const t of doc.probe.trials) expect(t.batchSize).toBeLessThanOrEqual(doc.workload.trainSamples);
    for (const c of doc.candidates) expect(c.batchSize).toBeLessThanOrEqual(doc.workload.trainSamples);
    expect(doc.recommendation.batchSize).toBeLessThanOrEqual(doc.workload.trainSamples);
  });

  test('a table as people have it: all-text columns, a header of names, a missing label', () => {
    const classes = ['1st', '2nd', '3rd', 'Crew'];
    const lines = Array.from({ length: 400 }, (_, i) => {
      const cls = classes[i % 4];
      const sex = i % 3 ? 'Male' : 'Female';
      const survived = i % 41 === 0 ? '' : (sex === 'Female') !== (i % 7 === 0) ? 'Yes' : 'No';
      return `${cls},${sex},${i % 5 ? 'Adult' : 'Child'},${survived}`;
    });
    const data = files.write('titanic.csv', `Class,Sex,Age,Survived\n${lines.join('\n')}\n`);
    const r = run(['--data', data, '--label', 'Survived', '--json', '--time-budget', '15', '--no-search', ...FAST]);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.status).toBe(0);
    const { preparation } = JSON.parse(r.stdout);
    expect(preparation.source.header).toBe(true);
    expect(preparation.label).toMatchObject({ name: 'Survived', task: 'classification', classes: ['No', 'Yes'], droppedRows: 10 });
    expect(preparation.columns.map((c: { kind: string }) => c.kind)).toEqual(['categorical', 'categorical', 'categorical']);
    expect(preparation.features).toContain('Class=Crew');
  });

  test('semicolons, NA markers, an identifier and a price in thousands', () => {
    const lines = Array.from({ length: 300 }, (_, i) => {
      const size = 40 + ((i * 37) % 160);
      const rooms = i % 9 === 0 ? 'NA' : String(1 + (i % 5));
      const city = ['Oslo', 'Bergen', 'Tromsø', 'NA'][i % 4];
      return `H${1000 + i};${city};${size};${rooms};${(3000 * size + 20000 * (i % 5) + 7000 * (i % 4)).toFixed(0)}`;
    });
    const data = files.write('houses.csv', `id;city;size;rooms;price\n${lines.join('\n')}\n`);
    const r = run(['--data', data, '--json', '--time-budget', '15', '--no-search', ...FAST]);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.status).toBe(0);
    const { preparation, notes } = JSON.parse(r.stdout);
    expect(preparation.source.delimiter).toBe(';');
    const byName = Object.fromEntries(preparation.columns.map((c: { name: string }) => [c.name, c]));
    expect(byName.id).toMatchObject({ kind: 'ignored', reason: 'identifier' });
    expect(byName.city.categorical).toEqual({ categories: expect.arrayContaining(['Oslo', 'Bergen', 'Tromsø']), other: true, missing: true });
    expect(byName.rooms.numeric.indicator).toBe(true);
    expect(preparation.label.task).toBe('regression');
    expect(preparation.label.transform.mean).toBeGreaterThan(100_000);
    expect(notes.join(' ')).toContain('default MLP');
  });

  test('an ES module workload (.mjs)', () => {
    const model = files.write('model.mjs', `
      export function createModel(tf) {
        return tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 1 })] });
      }
      export const loss = 'meanSquaredError';
      export function loadData(tf) {
        const x = tf.randomNormal([256, 2], 0, 1, 'float32', 5);
        return { x, y: x.sum(1, true) };
      }`);
    const r = run(['--model', model, '--json', '--no-search', ...FAST]);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).workload).toMatchObject({ name: 'model', source: 'module', trainSamples: 205, valSamples: 51 });
  });

  test.each([
    ['missing.csv', null, [], 'missing.csv: no such file'],
    ['empty.csv', '', [], 'empty.csv: the file is empty'],
    ['ragged.csv', 'a,b,y\n1,2,0\n3,4\n', [], 'ragged.csv: line 3: 2 columns where the header has 3'],
    ['text.csv', 'a,b,y\n1,2,0\n3,four,1\n1,1,1\n2,2,0\n3,0,1\n4,1,0\n5,2,1\n6,0,0\n7,1,1\n8,2,0\n9,0,1\n10,1,0\n11,2,1\n', ['--numeric', 'b'], 'text.csv: line 3, column "b": "four" is not a number (the column was given as numeric)'],
    ['inf.csv', 'a,b,y\n1,2,0\n3,inf,1\n1,1,1\n2,2,0\n3,0,1\n4,1,0\n5,2,1\n6,0,0\n7,1,1\n8,2,0\n9,0,1\n10,1,0\n11,2,1\n', [], 'inf.csv: line 3, column "b": the value is infinite'],
    ['twice.csv', 'a,b,y\n1,2,0\n3,4,1\n1,1,1\n2,2,0\n3,0,1\n4,1,0\n5,2,1\n6,0,0\n7,1,1\n8,2,0\n9,0,1\n10,1,0\n11,2,1\n', ['--numeric', 'a', '--ignore', 'a'], 'column "a" is given two kinds (numeric and ignored)'],
    ['nofeature.csv', 'id,k,y\n1,same,1\n2,same,0\n3,same,1\n4,same,0\n5,same,1\n6,same,0\n7,same,1\n8,same,0\n9,same,1\n10,same,0\n11,same,1\n12,same,0\n13,same,1\n14,same,0\n15,same,1\n16,same,0\n17,same,1\n18,same,0\n19,same,1\n20,same,0\n21,same,1\n22,same,0\n23,same,1\n24,same,0\n25,same,1\n26,same,0\n27,same,1\n28,same,0\n29,same,1\n', [], 'no usable feature besides the label "y"; left out: id (identifier), k (constant)'],
    ['nolabel.csv', 'a,b,y\n1,2,0\n3,4,1\n', ['--label', 'z'], 'no label column "z"; columns: a, b, y'],
    ['single.csv', 'a,y\n1,cat\n2,cat\n3,cat\n', [], 'label "y" has a single class ("cat")'],
    ['tiny.csv', 'a,y\n1,0\n2,1\n3,0\n4,1\n5,0\n6,1\n', [], 'fewer than the smallest batch, --min-batch 8'],
  ])('%s: one clear line, exit 2', (name, text, extra, message) => {
    const data = text === null ? path.join(files.dir(), name) : files.write(name, text);
    const r = run(['--data', data, ...extra, ...FAST]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(message);
    expect(r.stdout).toBe('');
  });

  test.each([
    ['throws.cjs', `throw new Error('kaboom');`, 'the module failed to load: kaboom'],
    ['nothing.cjs', `module.exports = {};`, 'exports no createModel(tf) function'],
  ])('a module that %s: one clear line, exit 2', (name, text, message) => {
    const r = run(['--model', files.write(name, text), ...FAST]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(message);
  });

  test('--example with --data is a usage error', () => {
    const r = run(['--example', 'mnist-mlp', '--data', files.write('x.csv', blobsCsv(50))]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--example cannot be combined with a model or data of your own');
  });

  test('--save-model DIR writes the default MLP it tuned, untrained, as a folder tf.loadLayersModel reads', async () => {
    const data = files.write('save.csv', blobsCsv(200));
    const dir = path.join(files.dir(), 'tuned-model');
    const r = run(['--data', data, '--label', 'kind', '--save-model', dir, '--json', '--no-search', '--time-budget', '10', ...FAST]);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(Value.Check(DocumentSchema, doc)).toBe(true);
    const { workload } = doc;
    expect(workload.savedModel).toBe(dir);
    expect(workload.model.layers.map((l: { units: number; activation: string }) => `${l.units} ${l.activation}`)).toEqual(['16 relu', '8 relu', '3 softmax']);

    // The same initial weights, bit for bit, as the workload this process builds from the same file and seed.
    const tf = loadTf();
    await tf.setBackend('cpu');
    const same = await createWorkload(tf, await resolveWorkload({ example: 'mnist-mlp', data, label: 'kind', standardize: true, validationSplit: 0.2, seed: 42 }), { seed: 42, validationSplit: 0.2 });
    const fresh = await same.createModel();
    const loaded = await tf.loadLayersModel(folderHandler(dir));
    expect(topologyOf(loaded)).toBe(topologyOf(fresh));
    expect(weightBytes(loaded)).toEqual(weightBytes(fresh));
    disposeModel(loaded);
    disposeModel(fresh);
    same.dispose();
  });

  test('--save-model naming an existing file: one line, exit 2, nothing run', () => {
    const data = files.write('save-file.csv', blobsCsv(100));
    const taken = files.write('taken.txt', 'mine');
    const r = run(['--data', data, '--save-model', taken, ...FAST]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`--save-model ${taken}: is a file, not a folder`);
    expect(r.stdout).toBe('');
    expect(fs.readFileSync(taken, 'utf8')).toBe('mine');
  });
});
