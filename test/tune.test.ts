import type { AutobatchDocument, Trial } from '../src/document';
import type { ProgressEvent } from '../src/progress';
import { tune } from '../src/tune';
import { constantEquivalent } from '../src/lr/schedule';
import { testBackend } from './helpers/backend';
import { planOverdrafts } from './helpers/budget-plan';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { blobsCsv, tempDir } from './helpers/files';

/** Quick trials: enough steps to measure, little time. */
const QUICK = { minTrialSeconds: 0.1, minSteps: 2, warmupSteps: 1 } as const;
const ok = (doc: AutobatchDocument) => doc.probe!.trials.filter((t) => t.status === 'ok');
const peakAt = (trials: Trial[], batchSize: number) => trials.find((t) => t.batchSize === batchSize)!.peakBytes!;

describe('tune on the built-in MNIST example, search included', () => {
  let doc: AutobatchDocument;
  const events: ProgressEvent[] = [];

  beforeAll(async () => {
    doc = await tune({ ...QUICK, backend: testBackend('wasm'), maxBatch: 512, timeBudget: 50, onProgress: (e) => events.push(e) });
  }, 120_000);

  test('returns a complete document', () => {
    expect(doc).toMatchObject({ schemaVersion: 2, complete: true, phasesCut: [], backend: { name: testBackend('wasm') } });
    // The versions that trained, so runs can be compared: TensorFlow's C library only on tensorflow.
    expect(doc.backend!.tfjsVersion).toMatch(/^4\.22\./);
    if (doc.backend!.name === 'tensorflow') expect(doc.backend!.tensorflowVersion).toMatch(/^2\./);
    else expect(doc.backend!.tensorflowVersion).toBeUndefined();
    expect(doc.workload).toMatchObject({ name: 'mnist-mlp', trainSamples: 8000, valSamples: 2000, parameters: 235146 });
    expect(doc.probe!.trials.map((t) => t.batchSize).slice(0, 3)).toEqual([8, 16, 32]);
    expect(doc.probe!.maxFeasibleBatch).toBe(Math.max(...ok(doc).map((t) => t.batchSize)));
  });

  // How far each phase ran past what it was given is measured by bench/budget.ts.
  test('records what each phase was given and what it used; each was given only what the phases before it left', () => {
    const planned = doc.budget.planned!;
    expect(Object.keys(planned).sort()).toEqual(['lr-range', 'noise', 'probe', 'search']);
    for (const [phase, seconds] of Object.entries(planned)) {
      expect(seconds).toBeGreaterThan(0);
      expect(doc.timings[phase]).toBeGreaterThan(0);
    }
    expect(planOverdrafts(doc)).toEqual([]);
  });

  test('measures the noise scale at init and after the search', () => {
    expect(doc.noise!.atInit!.bSimple).toBeGreaterThan(0);
    expect(doc.noise!.bSimple).toBeGreaterThan(0);
    expect(doc.noise!.preconditioned).not.toBeNull(); // Adam
  });

  test('runs an LR range test with a suggestion inside the sweep', () => {
    const { points, suggestion } = doc.lrRange!;
    expect(points.length).toBeGreaterThanOrEqual(30);
    expect(suggestion).toBeGreaterThan(points[0].lr);
    expect(suggestion).toBeLessThan(points[points.length - 1].lr);
  });

  test('scores at least two candidates (the leanest search shape has two sizes), all measured sizes that fit', () => {
    expect(doc.candidates.length).toBeGreaterThanOrEqual(2);
    const okSizes = ok(doc).map((t) => t.batchSize);
    const lastRound = Math.max(...doc.candidates.map((c) => c.round ?? 0));
    for (const c of doc.candidates) {
      expect(okSizes).toContain(c.batchSize);
      if (!c.diverged) {
        expect(c.valLoss).toBeGreaterThan(0);
        expect(c.steps).toBeGreaterThan(1);
        // The last round's runs measure their noise with the whole run's time; an earlier
        // round's, only where 16 gradients fit in it (noiseBatchesFor): on a busy machine a
        // size that stopped early may have no record, and says so with null.
        if ((c.round ?? 0) === lastRound) expect(c.gradientVariance).toBeGreaterThan(0);
        else if (c.gradientVariance !== null) expect(c.gradientVariance).toBeGreaterThan(0);
      }
    }
  });

  test('recommends what the search decided, its learning rate, and says why', () => {
    const rec = doc.recommendation!;
    const pick = doc.search!.decision!.pick;
    expect(rec.batchSize).toBe(pick.batchSize);
    expect(rec.reasons.join(' ')).toMatch(/noise scale/);
    expect(rec.reasons.join(' ')).toMatch(/Decision: /);
    if (pick.default) {
      // Nothing beat the user's default beyond the noise: it stands, constant, at the compiled rate.
      expect(rec.schedule).toMatchObject({ kind: 'constant', peakLearningRate: 0.001 });
      expect(rec.learningRate).toBe(0.001);
      return;
    }
    const winner = doc.candidates.find((c) => c.batchSize === rec.batchSize)!;
    expect(winner.tied).toBe(true);
    // For the default 20 epochs: the schedule's peak comes from the winner's runs, carried to
    // the horizon (never above the best measured, never below an eighth of it) or held at the
    // range test's rate; the constant rate stands for the schedule (a quarter of the peak).
    expect(rec.horizon).toMatchObject({ epochs: 20, source: 'default', steps: 20 * Math.ceil(8000 / rec.batchSize) });
    expect(rec.schedule).toMatchObject({ kind: 'linear-decay', totalSteps: rec.horizon.steps, finalLearningRate: 0 });
    const tried = winner.runs!.map((r) => r.learningRate);
    expect(rec.schedule.peakLearningRate).toBeLessThanOrEqual(Math.max(...tried));
    expect(rec.schedule.peakLearningRate).toBeGreaterThanOrEqual(Math.min(Math.min(...tried) / 8, rec.horizonTrend?.rangeTestRate ?? Infinity));
    expect(rec.learningRate).toBeCloseTo(constantEquivalent(rec.schedule), 12);
    expect(rec.reasons.join(' ')).toMatch(/Horizon: 20 epochs/);
    expect(rec.reasons.join(' ')).toMatch(/LR range test/);
    // The alternative for the lowest validation loss is the search's best, unless that is the user's default.
    const best = doc.search!.decision!.best;
    if (best.default) expect(rec.alternatives.bestValLoss).toBeUndefined();
    else expect(rec.alternatives.bestValLoss).toMatchObject({ batchSize: best.batchSize, why: expect.stringContaining('lowest expected validation loss') });
  });

  test('reports progress for every trial and candidate', () => {
    expect(events.filter((e) => e.type === 'trial-end')).toHaveLength(doc.probe!.trials.length);
    // Every run of the search: each size's, and the user's default's (one a rung, and its race).
    const runs = doc.candidates.reduce((sum, c) => sum + c.runs!.length, 0) + doc.search!.default!.runs.length;
    expect(runs).toBeGreaterThanOrEqual(doc.candidates.length + 1);
    expect(events.filter((e) => e.type === 'candidate-end')).toHaveLength(runs);
    expect(events[0]).toEqual({ type: 'phase-start', phase: 'hardware' });
  });

  test('a budget just above a mid-sized trial stops on memory, and no ok trial is over it', async () => {
    const trials = ok(doc);
    // Halfway between what 16 and 32 need: 16 fits, 32 does not. Small sizes keep a
    // throughput plateau (which noise on a busy machine can fake) from stopping it first.
    const budget = Math.floor((peakAt(trials, 16) + peakAt(trials, 32)) / 2);
    const capped = await tune({ ...QUICK, backend: testBackend('wasm'), maxBatch: 512, maxMemory: budget, search: false });
    expect(capped.probe!.stopReason).toBe('memory');
    expect(capped.budget.memoryBytes).toBe(budget);
    for (const t of ok(capped)) expect(t.peakBytes!).toBeLessThanOrEqual(budget);
    expect(capped.probe!.maxFeasibleBatch).toBeGreaterThanOrEqual(16);
    expect(capped.probe!.maxFeasibleBatch).toBeLessThan(32);
    expect(capped.recommendation!.batchSize).toBeLessThanOrEqual(capped.probe!.maxFeasibleBatch!);
    // Skipping the search by choice is not an incomplete run.
    expect(capped).toMatchObject({ complete: true, phasesCut: [], candidates: [], noise: null, lrRange: null });
  });
});

describe('tune when cut short', () => {
  test('a time budget too small for the probe gives a partial document', async () => {
    const doc = await tune({ example: 'synthetic-regression', backend: 'cpu', timeBudget: 4, minTrialSeconds: 0.5 });
    expect(doc.complete).toBe(false);
    expect(doc.incompleteReason).toMatch(/time budget/);
    expect(doc.probe!.stopReason).toBe('time');
    expect(doc.phasesCut).toContain('probe');
    expect(doc.phasesCut).toContain('search');
    // Still the best recommendation available: the knee of what was measured.
    expect(doc.recommendation!.batchSize).toBe(doc.probe!.throughputKnee);
  });

  test('an aborted signal ends the run with what was measured', async () => {
    const controller = new AbortController();
    const doc = await tune({
      example: 'synthetic-regression',
      backend: 'cpu',
      minTrialSeconds: 0.2,
      signal: controller.signal,
      onProgress: (e) => {
        if (e.type === 'trial-end' && e.index === 1) controller.abort();
      },
    });
    expect(doc).toMatchObject({ complete: false, incompleteReason: 'interrupted' });
    expect(doc.probe!.trials).toHaveLength(2);
  });
});

describe('tune reads the data once, and leaves no file behind', () => {
  const files = tempDir('tune-once');
  let scratch = '';
  // The run folder goes in the temporary folder: a private one shows this run's and no other session's.
  const nodeOs = require('node:os') as typeof import('node:os');
  const nodeFs = require('node:fs') as typeof import('node:fs');
  let made: jest.SpyInstance;
  beforeEach(() => {
    scratch = fs.mkdtempSync(path.join(files.dir(), 'tmp-'));
    jest.spyOn(nodeOs, 'tmpdir').mockReturnValue(scratch);
    made = jest.spyOn(nodeFs, 'mkdtempSync');
  });
  afterEach(() => jest.restoreAllMocks());
  const runFolders = () => fs.readdirSync(scratch).filter((name) => name.startsWith('autobatch-run-'));
  /** The run folders this test's run made: one, and gone. */
  const expectOneMadeAndGone = () => {
    const folders = made.mock.results.map((r) => r.value as string).filter((dir) => dir.startsWith(path.join(scratch, 'autobatch-run-')));
    expect(folders).toHaveLength(1);
    expect(fs.existsSync(folders[0])).toBe(false);
    expect(runFolders()).toEqual([]);
  };
  const base = () => ({ ...QUICK, data: files.write('blobs.csv', blobsCsv(400)), label: 'kind', backend: 'cpu' as const, isolate: true, search: false, timeBudget: 10 });

  test('the trial process gets the prepared numbers; the start-up is timed part by part; the file goes when the run ends', async () => {
    const during: string[][] = [];
    const doc = await tune({
      ...base(),
      onProgress: (e) => {
        if (e.type === 'phase-start' && e.phase === 'probe') during.push(runFolders().flatMap((dir) => fs.readdirSync(path.join(scratch, dir))));
      },
    });
    expect(doc.complete).toBe(true);
    expect(during).toEqual([[expect.stringMatching(/^data-[0-9a-f]{16}\.bin$/)]]);
    for (const key of ['data', 'dataWrite', 'processStart', 'dataLoad', 'backendCheck', 'hardware', 'backend']) expect(doc.timings[key]).toBeGreaterThanOrEqual(0);
    expectOneMadeAndGone();
  });

  test('an interrupted run removes it too', async () => {
    const controller = new AbortController();
    const doc = await tune({
      ...base(),
      signal: controller.signal,
      onProgress: (e) => {
        if (e.type === 'trial-end') controller.abort();
      },
    });
    expect(doc).toMatchObject({ complete: false, incompleteReason: 'interrupted' });
    expectOneMadeAndGone();
  });

  test('so does a failed one: a model that cannot be built in the trial process', async () => {
    const model = files.write(
      'broken.cjs',
      `exports.createModel = () => { throw new Error('no layers today'); };
       exports.loadData = (tf) => ({ x: [[1, 2], [3, 4], [5, 6], [7, 8], [9, 10], [11, 12], [13, 14], [15, 16], [17, 18], [19, 20]], y: [[1], [2], [3], [4], [5], [6], [7], [8], [9], [10]] });`,
    );
    await expect(tune({ ...QUICK, model, backend: 'cpu', isolate: true, minBatch: 2, timeBudget: 10 })).rejects.toThrow(/createModel threw: no layers today/);
    expectOneMadeAndGone();
  });
});
