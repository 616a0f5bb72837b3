/**
 * @jest-environment ./test/helpers/shared-typed-arrays-environment.js
 */
import Ajv from 'ajv';
import * as fs from 'node:fs';
import { DocumentSchema, estimateGradientNoise, findLearningRate, tf, tune, type ProgressEvent } from '../src/index';
import { leastSquares } from './helpers/least-squares';
import { tempDir } from './helpers/files';
import { testBackend, useTestBackend } from './helpers/backend';

const validate = new Ajv().compile(JSON.parse(JSON.stringify(DocumentSchema)));
const files = tempDir('library');
const QUICK = { minTrialSeconds: 0.05, minSteps: 2, warmupSteps: 1, backend: testBackend('cpu') } as const;

/** A pipeline's model and data, built with the exported tf. */
function pipeline() {
  const x = tf.randomNormal([600, 6], 0, 1, 'float32', 11);
  const y = tf.tidy(() => x.matMul(tf.ones([6, 1])).add(tf.randomNormal([600, 1], 0, 0.1, 'float32', 12)));
  const model = () => {
    const init = (seed: number) => tf.initializers.glorotUniform({ seed });
    const m = tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [6], units: 16, activation: 'relu', kernelInitializer: init(1) }),
        tf.layers.dense({ units: 1, kernelInitializer: init(2) }),
      ],
    });
    m.compile({ optimizer: tf.train.sgd(0.01), loss: 'meanSquaredError' });
    return m;
  };
  return { x, y, model };
}

describe('tune() for pipelines', () => {
  test('a model function and { x, y }: progress, a valid document, and the caller keeps its tensors', async () => {
    const { x, y, model } = pipeline();
    const events: ProgressEvent['type'][] = [];
    const doc = await tune({ ...QUICK, model, data: { x, y }, validationSplit: 0.25, timeBudgetSeconds: 12, parallel: 2, onProgress: (e) => events.push(e.type) });
    expect(validate(doc)).toBe(true);
    // A model in code cannot cross to a process: the search ran here, and the notes say so.
    expect(doc.search).toMatchObject({ parallel: 1, inProcess: true });
    expect(doc.notes.join(' ')).toMatch(/the search ran in this process, one run at a time: a model or data given in code cannot cross/);
    expect(doc.workload).toMatchObject({ source: 'library', trainSamples: 450, valSamples: 150 });
    expect(doc.recommendation!.batchSize).toBeLessThanOrEqual(450);
    expect(events).toContain('trial-end');
    expect(events).toContain('candidate-end');
    // The caller's tensors are untouched and still usable for model.fit.
    expect(x.isDisposed).toBe(false);
    const m = model();
    await m.fit(x, y, { batchSize: doc.recommendation!.batchSize, epochs: 1, verbose: 0 });
    m.dispose();
    tf.dispose([x, y]);
  });

  test('the cache: a second identical run reuses the result, --refresh measures again', async () => {
    const { x, y, model } = pipeline();
    const dir = `${files.dir()}/cache`;
    const options = { ...QUICK, model, data: { x, y }, search: false, cache: dir };
    const first = await tune(options);
    expect(first.cache).toMatchObject({ hit: false });
    expect(fs.readdirSync(dir)).toHaveLength(1);
    const second = await tune(options);
    expect(second.cache).toEqual({ key: first.cache!.key, hit: true });
    expect(second.createdAt).toBe(first.createdAt);
    expect(second.notes.join(' ')).toMatch(/cached result from .* reused/);
    expect(validate(second)).toBe(true);
    const refreshed = await tune({ ...options, refresh: true });
    expect(refreshed.cache).toMatchObject({ hit: false });
    expect(refreshed.createdAt).not.toBe(first.createdAt);
    // Different data, different key.
    const other = await tune({ ...options, data: { x: x.mul(2), y } });
    expect(other.cache!.key).not.toBe(first.cache!.key);
    tf.dispose([x, y]);
  });

  test('saveModel: written before the probe; a cache hit saves it again and names this run\'s folder', async () => {
    const { x, y, model } = pipeline();
    const options = { ...QUICK, model, data: { x, y }, search: false, cache: `${files.dir()}/cache-save` };
    const first = `${files.dir()}/first`;
    let savedAtProbe = false;
    const onProgress = (e: ProgressEvent) => {
      if (e.type === 'phase-start' && e.phase === 'probe') savedAtProbe = fs.existsSync(`${first}/model.json`);
    };
    const doc = await tune({ ...options, saveModel: first, onProgress });
    expect(savedAtProbe).toBe(true); // an interrupted run still leaves it
    expect(validate(doc)).toBe(true);
    expect(doc.workload).toMatchObject({ savedModel: first, model: { className: 'Sequential', inputShape: [null, 6], layers: [{ units: 16, activation: 'relu' }, { units: 1 }] } });
    const second = `${files.dir()}/second`;
    const hit = await tune({ ...options, saveModel: second });
    expect(hit.cache!.hit).toBe(true);
    expect(hit.workload!.savedModel).toBe(second);
    expect(fs.readFileSync(`${second}/weights.bin`)).toEqual(fs.readFileSync(`${first}/weights.bin`));
    expect((await tune(options)).workload!.savedModel).toBeUndefined();
    tf.dispose([x, y]);
  });

  test('data in code without a model in code is a usage error', async () => {
    await expect(tune({ data: { x: [[1]], y: [1] } })).rejects.toMatchObject({ code: 'E_USAGE', option: 'data' });
  });
});

describe('estimateGradientNoise and findLearningRate', () => {
  test('the exported noise estimator matches the closed form', async () => {
    await useTestBackend(tf, 'cpu');
    const problem = leastSquares(tf, 16, 1, 8192);
    const noise = await estimateGradientNoise(problem.model, problem.data);
    expect(Math.abs(noise.bSimple - problem.expected.bSimple) / problem.expected.bSimple).toBeLessThan(0.2);
    expect(problem.data.x.isDisposed).toBe(false);
    problem.model.dispose();
    tf.dispose([problem.data.x, problem.data.y]);
  });

  test('the exported LR range test returns its points and a suggestion inside them', async () => {
    const { x, y, model } = pipeline();
    const result = await findLearningRate({ model, data: { x, y }, batchSize: 32, steps: 60 });
    expect(result.points.length).toBeGreaterThan(10);
    expect(result.suggestion).toBeGreaterThan(result.points[0].lr);
    expect(result.suggestion).toBeLessThan(result.points[result.points.length - 1].lr);
    tf.dispose([x, y]);
  });
});
