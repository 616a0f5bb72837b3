import type { AutobatchDocument, Trial } from '../src/document';
import type { ProgressEvent } from '../src/progress';
import { tune } from '../src/tune';
import { constantEquivalent } from '../src/lr/schedule';

/** Quick trials: enough steps to measure, little time. */
const QUICK = { minTrialSeconds: 0.1, minSteps: 2, warmupSteps: 1 } as const;
const ok = (doc: AutobatchDocument) => doc.probe!.trials.filter((t) => t.status === 'ok');
const peakAt = (trials: Trial[], batchSize: number) => trials.find((t) => t.batchSize === batchSize)!.peakBytes!;

describe('tune on the built-in MNIST example, search included', () => {
  let doc: AutobatchDocument;
  const events: ProgressEvent[] = [];

  beforeAll(async () => {
    doc = await tune({ ...QUICK, backend: 'wasm', maxBatch: 512, timeBudget: 50, onProgress: (e) => events.push(e) });
  }, 120_000);

  test('returns a complete document', () => {
    expect(doc).toMatchObject({ schemaVersion: 2, complete: true, phasesCut: [], backend: { name: 'wasm' } });
    expect(doc.workload).toMatchObject({ name: 'mnist-mlp', trainSamples: 8000, valSamples: 2000, parameters: 235146 });
    expect(doc.probe!.trials.map((t) => t.batchSize).slice(0, 3)).toEqual([8, 16, 32]);
    expect(doc.probe!.maxFeasibleBatch).toBe(Math.max(...ok(doc).map((t) => t.batchSize)));
  });

  test('records what each phase was given and what it used; none ran far past its share', () => {
    const planned = doc.budget.planned!;
    expect(Object.keys(planned).sort()).toEqual(['lr-range', 'noise', 'probe', 'search']);
    for (const [phase, seconds] of Object.entries(planned)) {
      expect(seconds).toBeGreaterThan(0);
      expect(doc.timings[phase]).toBeLessThanOrEqual(seconds + 3);
    }
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

  test('scores at least three candidates, all measured sizes that fit', () => {
    expect(doc.candidates.length).toBeGreaterThanOrEqual(3);
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

  test('recommends a candidate, its learning rate, and says why', () => {
    const rec = doc.recommendation!;
    const winner = doc.candidates.find((c) => c.batchSize === rec.batchSize)!;
    expect(winner).toBeDefined();
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
    expect(rec.reasons.join(' ')).toMatch(/noise scale/);
    expect(rec.reasons.join(' ')).toMatch(/LR range test/);
    expect(rec.alternatives.bestValLoss).toBeDefined();
  });

  test('reports progress for every trial and candidate', () => {
    expect(events.filter((e) => e.type === 'trial-end')).toHaveLength(doc.probe!.trials.length);
    const runs = doc.candidates.reduce((sum, c) => sum + c.runs!.length, 0);
    expect(runs).toBeGreaterThanOrEqual(doc.candidates.length);
    expect(events.filter((e) => e.type === 'candidate-end')).toHaveLength(runs);
    expect(events[0]).toEqual({ type: 'phase-start', phase: 'hardware' });
  });

  test('a budget just above a mid-sized trial stops on memory, and no ok trial is over it', async () => {
    const trials = ok(doc);
    // Halfway between what 16 and 32 need: 16 fits, 32 does not. Small sizes keep a
    // throughput plateau (which noise on a busy machine can fake) from stopping it first.
    const budget = Math.floor((peakAt(trials, 16) + peakAt(trials, 32)) / 2);
    const capped = await tune({ ...QUICK, backend: 'wasm', maxBatch: 512, maxMemory: budget, search: false });
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
