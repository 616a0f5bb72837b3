import type { AutobatchDocument, Trial } from '../src/document';
import type { ProgressEvent } from '../src/progress';
import { tune } from '../src/tune';

/** Quick trials: enough steps to measure, little time. */
const QUICK = { minTrialSeconds: 0.1, minSteps: 2, warmupSteps: 1 } as const;
const ok = (doc: AutobatchDocument) => doc.probe!.trials.filter((t) => t.status === 'ok');
const peakAt = (trials: Trial[], batchSize: number) => trials.find((t) => t.batchSize === batchSize)!.peakBytes!;

describe('tune on the built-in MNIST example', () => {
  let first: AutobatchDocument;
  const events: ProgressEvent[] = [];

  beforeAll(async () => {
    first = await tune({ ...QUICK, backend: 'wasm', maxBatch: 512, onProgress: (e) => events.push(e) });
  });

  test('returns a complete document with the probe, the limits and a recommendation', () => {
    expect(first).toMatchObject({ schemaVersion: 1, complete: true, backend: { name: 'wasm' } });
    expect(first.workload).toMatchObject({ name: 'mnist-mlp', trainSamples: 8000, valSamples: 2000, parameters: 235146 });
    const sizes = first.probe!.trials.map((t) => t.batchSize);
    expect(sizes.slice(0, 3)).toEqual([8, 16, 32]);
    expect(first.probe!.maxFeasibleBatch).toBe(Math.max(...ok(first).map((t) => t.batchSize)));
    expect(first.recommendation!.batchSize).toBe(first.probe!.throughputKnee);
    expect(first.recommendation!.learningRate).toBe(0.001);
    expect(first.recommendation!.reasons.length).toBeGreaterThan(0);
    expect(first.timings.probe).toBeGreaterThan(0);
  });

  test('reports progress for every trial', () => {
    const ends = events.filter((e) => e.type === 'trial-end');
    expect(ends).toHaveLength(first.probe!.trials.length);
    expect(events[0]).toEqual({ type: 'phase-start', phase: 'hardware' });
  });

  test('a budget just above a mid-sized trial stops on memory, and no ok trial is over it', async () => {
    const trials = ok(first);
    if (!trials.some((t) => t.batchSize === 512)) throw new Error('the first run did not reach 512: cannot place the budget');
    // Halfway between what 256 and 512 need: 256 fits, 512 does not.
    const budget = Math.floor((peakAt(trials, 256) + peakAt(trials, 512)) / 2);
    const doc = await tune({ ...QUICK, backend: 'wasm', maxBatch: 512, maxMemory: budget });
    expect(doc.probe!.stopReason).toBe('memory');
    expect(doc.budget.memoryBytes).toBe(budget);
    for (const t of ok(doc)) expect(t.peakBytes!).toBeLessThanOrEqual(budget);
    expect(doc.probe!.maxFeasibleBatch).toBeGreaterThanOrEqual(256);
    expect(doc.probe!.maxFeasibleBatch).toBeLessThan(512);
    expect(doc.recommendation!.batchSize).toBeLessThanOrEqual(doc.probe!.maxFeasibleBatch!);
  });
});

describe('tune when cut short', () => {
  test('a time budget too small for the probe gives a partial document', async () => {
    const doc = await tune({ example: 'synthetic-regression', backend: 'cpu', timeBudget: 3, minTrialSeconds: 0.5 });
    expect(doc.complete).toBe(false);
    expect(doc.incompleteReason).toMatch(/time budget/);
    expect(doc.probe!.stopReason).toBe('time');
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
