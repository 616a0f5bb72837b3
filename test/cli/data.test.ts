import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { blobsCsv, tempDir } from '../helpers/files';

/** Your data and your model through the built command, as a user runs it. */
const BIN = path.join(__dirname, '..', '..', 'bin', 'autobatch.js');
const run = (args: string[]) => spawnSync(process.execPath, [BIN, 'probe', ...args], { encoding: 'utf8', timeout: 120_000 });
const FAST = ['--min-trial-time', '0.05', '--min-steps', '2', '--backend', 'wasm'];
const files = tempDir('cli-data');

function regressionCsv(rows: number): string {
  const lines = ['a,b,target'];
  for (let i = 0; i < rows; i++) lines.push(`${Math.sin(i).toFixed(4)},${Math.cos(3 * i).toFixed(4)},${(2 * Math.sin(i) - Math.cos(3 * i) + 0.01 * (i % 7)).toFixed(4)}`);
  return `${lines.join('\n')}\n`;
}

describe('autobatch probe --data', () => {
  test.each([
    ['two classes', blobsCsv(300, 2), 'kind', 'classification into 2 classes'],
    ['ten classes', blobsCsv(1000, 10), 'kind', 'classification into 10 classes'],
    ['regression', regressionCsv(500), 'target', 'regression'],
  ])('%s: a recommendation no larger than the training set', (_name, csv, label, task) => {
    const data = files.write(`${label}-${csv.length}.csv`, csv);
    const r = run(['--data', data, '--label', label, '--json', '--time-budget', '20', ...FAST]);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.workload.source).toBe('data');
    expect(doc.notes.join(' ')).toContain(task);
    expect(doc.candidates.length).toBeGreaterThanOrEqual(3);
    expect(doc.recommendation.batchSize).toBeLessThanOrEqual(doc.workload.trainSamples);
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
    ['text.csv', 'a,b,y\n1,2,0\n3,four,1\n', [], 'text.csv: line 3, column "b": "four" is not a number'],
    ['nan.csv', 'a,b,y\n1,2,0\n3,nan,1\n', [], 'nan.csv: line 3, column "b": the value is NaN'],
    ['inf.csv', 'a,b,y\n1,2,0\n3,inf,1\n', [], 'inf.csv: line 3, column "b": the value is infinite'],
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
});
