import type * as tfTypes from '@tensorflow/tfjs';
import type { ProbeResult } from '../../src/document';
import type { SearchPlan } from '../../src/search/plan';
import { equalTime, FIT_MARGIN, fitRounds, noiseBatchesFor, POOL_OVERRUN, searchBatchSizes, SLOT_OVERRUN } from '../../src/search/search';
import { COARSE_RATES } from '../../src/search/rungs';
import { evaluationSample, trainCandidate } from '../../src/search/train-candidate';
import { EVALUATION, evaluationRows, evaluationSeconds, searchCannotStart } from '../../src/search/evaluation-cost';
import { loadTf } from '../../src/platform/tf';
import { createWorkload, type WorkloadDefinition } from '../../src/workloads/workload';
import { SETTINGS, tinyWorkload } from '../helpers/tiny-workload';
import { paperProbe, trial } from '../helpers/trials';
import { useTestBackend } from '../helpers/backend';

const tf = loadTf();

beforeAll(async () => {
  await useTestBackend(tf, 'cpu');
});

describe('equalTime', () => {
  test.each([
    ['the slot over the measured step time', 3, 10, { steps: 300, seconds: 3 * SLOT_OVERRUN }],
    ['at least two steps', 0.001, 50, { steps: 2, seconds: 0.001 * SLOT_OVERRUN }],
    ['wall time alone without a step time', 3, null, { seconds: 3 }],
    ['wall time alone for a nonsense step time', 3, 0, { seconds: 3 }],
  ] as const)('%s', (_name, seconds, stepMs, expected) => {
    expect(equalTime(seconds, stepMs)).toEqual(expected);
  });
  test('on a pool the cap stretches further, the step count stays', () => {
    expect(equalTime(3, 10, SLOT_OVERRUN * POOL_OVERRUN)).toEqual({ steps: 300, seconds: 3 * SLOT_OVERRUN * POOL_OVERRUN });
  });
});

describe('fitRounds', () => {
  const left = [
    { runs: 5, seconds: 3 },
    { runs: 2, seconds: 9 },
  ]; // 33 s of training in 7 runs
  // The time the rounds may be planned into: all but FIT_MARGIN of what is left.
  const given = (seconds: number) => seconds / (1 - FIT_MARGIN);
  test.each([
    ['time enough: unchanged', 60, 0, 1],
    ['half the time: half as long', given(16.5), 0, 0.5],
    ['measured evaluation comes off first', given(23.5), 1, 0.5],
    ['no time: a tenth, never less', -5, 1, 0.1],
  ] as const)('%s', (_name, secondsLeft, overhead, expected) => {
    expect(fitRounds(left, secondsLeft, () => overhead)).toBeCloseTo(expected, 9);
  });
  test('exactly the time the rounds need is not enough: the margin is kept', () => {
    expect(fitRounds(left, 33, () => 0)).toBeCloseTo(1 - FIT_MARGIN, 9);
  });
  test('a run that evaluates more rows when longer: the scale solves for both', () => {
    // Overhead as long as the training itself: the rounds fit at half their length.
    expect(fitRounds(left, given(33), (t) => t)).toBeCloseTo(0.5, 9);
    // Overhead that stops growing at 1 s (all rows evaluated): 33·s + 7 = 23.5 → s = 0.5.
    expect(fitRounds(left, given(23.5), (t) => Math.min(1, t))).toBeCloseTo(0.5, 9);
  });
    test('on two processes a round takes its waves: 3 × 3 s + 1 × 9 s', () => {
    expect(fitRounds(left, given(9), () => 0, 2)).toBeCloseTo(0.5, 9);
    expect(fitRounds(left, given(18 + 4), () => 1, 2)).toBeCloseTo(1, 9);
  });
});

describe('trainCandidate with a step count', () => {
  /** One run on `definition`'s workload (a tiny model's defaults), the workload released after. */
  const runOnce = async (definition: unknown, options: { steps: number; seconds?: number }) => {
    const workload = await createWorkload(tf, definition as never, SETTINGS);
    try {
      return await trainCandidate(tf, workload, { batchSize: 8, learningRate: 0.01, seconds: 60, seed: 1, precondition: false, maxBatch: 8, measureNoise: false, ...options });
    } finally {
      workload.dispose();
    }
  };

  const run = async (seed: number) => {
    const workload = await createWorkload(tf, tinyWorkload(), SETTINGS);
    try {
      return await trainCandidate(tf, workload, {
        batchSize: 8,
        learningRate: 0.01,
        steps: 7,
        seconds: 60,
        seed,
        precondition: false,
        maxBatch: 8,
        measureNoise: false,
      });
    } finally {
      workload.dispose();
    }
  };

  test('trains exactly that many steps, and the same seed gives the same result', async () => {
    const first = await run(3);
    const second = await run(3);
    expect(first.steps).toBe(7);
    expect(first.samplesSeen).toBe(56);
    expect(first.valLoss).not.toBeNull();
    expect(second.valLoss).toBe(first.valLoss);
    expect(Array.from(second.valLosses!)).toEqual(Array.from(first.valLosses!));
  });

  test('measured on fewer validation rows: the same losses a full evaluation gives those rows', async () => {
    const workload = await createWorkload(tf, tinyWorkload(), SETTINGS);
    const options = { batchSize: 8, learningRate: 0.01, steps: 7, seconds: 60, seed: 3, precondition: false, maxBatch: 8, measureNoise: false };
    try {
      const all = await trainCandidate(tf, workload, options);
      const some = await trainCandidate(tf, workload, { ...options, evaluationRows: 5 });
      const rows = evaluationSample(16, 5, 3);
      expect(all.valLosses).toHaveLength(16);
      expect(some.valLosses).toHaveLength(5);
      expect(Array.from(some.valLosses!)).toEqual(rows.map((r) => all.valLosses![r]));
      expect(some.evaluationSeconds).toBeGreaterThan(0);
    } finally {
      workload.dispose();
    }
  });

  test('a model whose output is more than one value a sample (an autoencoder\'s image) is measured per sample', async () => {
    const definition = {
      ...tinyWorkload(),
      name: 'tiny-image',
      loss: 'meanSquaredError',
      buildModel: (t: typeof tf) =>
        t.sequential({ layers: [t.layers.dense({ inputShape: [4], units: 4, kernelInitializer: t.initializers.glorotUniform({ seed: 1 }) }), t.layers.reshape({ targetShape: [2, 2] })] }),
      loadData: (t: typeof tf) => {
        const x = t.randomNormal([80, 4], 0, 1, 'float32', 3);
        return { train: { x: x.slice(0, 64), y: x.slice(0, 64).reshape([64, 2, 2]) }, validation: { x: x.slice(64), y: x.slice(64).reshape([16, 2, 2]) } };
      },
    };
    const run = await runOnce(definition, { steps: 5 });
    expect(run.valLosses).toHaveLength(16);
    expect(run.valLoss).toBeGreaterThan(0);
  });

  test("the wall-time cap counts from the end of the first step: a slow first step (kernels built) does not cut the run", async () => {
    // A layer whose first forward pass takes 1.5 s, as building kernels does in a fresh process: longer than
    // the cap, which leaves the 20 steps room on any backend (tfjs-node's are ~20 ms here, cpu's ~2 ms).
    class SlowFirst extends tf.layers.Layer {
      static className = 'SlowFirst';
      private calls = 0;
      override computeOutputShape(shape: number[]) {
        return shape;
      }
      override call(inputs: tfTypes.Tensor | tfTypes.Tensor[]) {
        if (this.calls++ === 0) {
          const end = Date.now() + 1500;
          while (Date.now() < end);
        }
        return Array.isArray(inputs) ? inputs[0] : inputs;
      }
    }
    const base = tinyWorkload();
    const definition = {
      ...base,
      buildModel: (t: typeof tf) => {
        const model = base.buildModel(t) as tfTypes.Sequential;
        return t.sequential({ layers: [t.layers.inputLayer({ inputShape: [4] }), new SlowFirst({}), ...model.layers] });
      },
    };
    const run = await runOnce(definition, { steps: 20, seconds: 1 });
    expect(run.steps).toBe(20);
    expect(run.trainSeconds).toBeGreaterThan(1.5);
  });

  test('the wall-time cap still ends a run whose steps would take too long', async () => {
    const workload = await createWorkload(tf, tinyWorkload(), SETTINGS);
    try {
      const result = await trainCandidate(tf, workload, {
        batchSize: 8,
        learningRate: 0.01,
        steps: 1e9,
        seconds: 0.2,
        seed: 1,
        precondition: false,
        maxBatch: 8,
        measureNoise: false,
      });
      expect(result.steps).toBeLessThan(1e9);
      expect(result.trainSeconds).toBeGreaterThanOrEqual(0.2);
      expect(result.trainSeconds).toBeLessThan(5);
    } finally {
      workload.dispose();
    }
  });
});

describe('searchBatchSizes: rungs in the horizon, decided with their noise', () => {
  // Every probed step takes 100 ms on paper.
  const probe = paperProbe();
  // 64 training rows, a horizon of 6 epochs: rungs of 2 and 6 epochs.
  const epochs = (value: number) => ({ unit: 'epochs' as const, value, fraction: value / 6 });
  const rungPlan = (race: SearchPlan['race']): SearchPlan => ({
    count: 3,
    sizes: [4, 8, 16],
    rounds: [
      { batchSizes: 3, trainSeconds: 0.1, lrFactors: COARSE_RATES, length: epochs(2) },
      { batchSizes: 2, trainSeconds: 0.3, lrFactors: COARSE_RATES, length: epochs(6) },
    ],
    race,
  });
  const search = async (definition: WorkloadDefinition, plan: SearchPlan, extra: { deadline?: number } = {}) => {
    const workload = await createWorkload(tf, definition, SETTINGS);
    const before = tf.memory().numTensors;
    try {
      const outcome = await searchBatchSizes(tf, workload, {
        probe, noiseAtInit: null, referenceLr: 0.02, referenceBatch: 8, optimizer: { name: 'adam', learningRate: 0.01 },
        plan, maxBatch: 16, seed: 5, precondition: false, ...extra,
      });
      // Every run, the race and the initial weights' evaluation included, leaves no tensor behind.
      expect(tf.memory().numTensors).toBe(before);
      return { outcome, trainSamples: workload.info.trainSamples };
    } finally {
      workload.dispose();
    }
  };

  test('every size at rates a decade either side of its centre, the default at every rung; the race measures the closest again', async () => {
    const { outcome, trainSamples } = await search(tinyWorkload(), rungPlan({ replicates: 3, contenders: 2, folds: null }));
    const { candidates, rungs, measuredAtHorizon, decision, pick } = outcome;
    // The same epochs at every size: ⌈N/b⌉ steps an epoch (a diverged run stops early).
    for (const c of candidates) {
      const first = c.runs!.filter((run) => run.round === 0);
      // No noise scale: Adam's square-root rule with B_noise = 0 leaves the centre at 0.02 for every size.
      expect(first.map((r) => r.learningRate)).toEqual([0.002, 0.02, 0.2].map((v) => expect.closeTo(v, 12)));
      for (const r of first.filter((run) => !run.diverged)) expect(r.steps).toBe(2 * Math.ceil(trainSamples / c.batchSize));
      for (const r of c.runs!.filter((run) => run.round === 1 && !run.diverged)) expect(r.steps).toBe(6 * Math.ceil(trainSamples / c.batchSize));
    }
    expect(measuredAtHorizon).toBe(true);
    expect(rungs.map((r) => [r.unit, r.length, r.fraction])).toEqual([['epochs', 2, 2 / 6], ['epochs', 6, 1]]);
    expect(decision).not.toBeNull();
    // The default: batch 32 where it fits (here the safe maximum, 16), the compiled rate, constant; measured like the rest.
    const byDefault = decision!.configs.find((c) => c.default)!;
    expect(byDefault).toMatchObject({ batchSize: 16, learningRate: 0.01, schedule: 'constant' });
    // The pick was measured on at least two data orders (seeds 5 and 6), on the same rows: σ from replicates.
    const picked = decision!.configs.find((c) => c.batchSize === pick!.batchSize && c.learningRate === pick!.learningRate && c.schedule === pick!.schedule)!;
    expect(picked.replicates.length).toBeGreaterThanOrEqual(2);
    expect(picked.replicates.map((r) => r.seed)).toEqual(picked.replicates.map((_, i) => 5 + i));
    // Past the 3 data orders it planned for, the race goes on while the time allows and the pick is not settled, up to 3 × 3.
    expect(picked.replicates.length).toBeLessThanOrEqual(9);
    expect(decision!.race.over).toBe('data orders');
    expect(decision!.race.runs).toBeGreaterThan(0);
    // The configurations come best first, and the best is the lowest expected loss among those that learned.
    const losses = decision!.configs.filter((c) => c.expectedLoss !== null).map((c) => c.expectedLoss!);
    expect(losses).toEqual([...losses].sort((x, y) => x - y));
    expect(['lowest-bound', 'faster-within-noise', 'default-within-noise']).toContain(decision!.rule);
  });

  test('small data, a held-out share: the top rung races over folds of the rows, fold 0 the split every phase used', async () => {
    // The tiny workload's 64 training rows alone: 13 held out (20 %), 5 folds.
    const base = tinyWorkload();
    const heldOut: WorkloadDefinition = {
      ...base,
      async loadData(t) {
        const split = await base.loadData!(t);
        t.dispose([split.validation!.x, split.validation!.y]);
        return { train: split.train };
      },
    };
    const { outcome } = await search(heldOut, rungPlan({ replicates: 5, contenders: 2, folds: 5 }));
    const { decision, candidates } = outcome;
    expect(decision!.folds).toEqual({ count: 5, rows: [13, 13, 13, 13, 12] });
    expect(decision!.race.over).toBe('folds');
    const picked = decision!.configs.find((c) => c.batchSize === outcome.pick!.batchSize && c.learningRate === outcome.pick!.learningRate && c.schedule === outcome.pick!.schedule)!;
    expect(picked.replicates[0].fold).toBe(0);
    // Fold 0 to 4 in the search's data order, then the folds again in the next data orders.
    expect(picked.replicates.map((r) => [r.fold, r.seed])).toEqual(picked.replicates.map((_, i) => [i % 5, 5 + Math.floor(i / 5)]));
    // Lower rungs train on the workload's split: no fold.
    expect(candidates.flatMap((c) => c.runs!.filter((r) => r.round === 0)).every((r) => r.fold === undefined)).toBe(true);
  });

  test('past its deadline, no run starts: the search says it was cut, and decides nothing', async () => {
    const { outcome } = await search(tinyWorkload(), rungPlan({ replicates: 3, contenders: 2, folds: null }), { deadline: Date.now() - 5000 });
    expect(outcome.cut).toBe(true);
    expect(outcome.candidates).toEqual([]);
    expect(outcome.decision).toBeNull();
    expect(outcome.pick).toBeNull();
  });
});

describe('noiseBatchesFor', () => {
  test.each([
    ['fast gradients: the usual 64', 10, 1, 64],
    ['as many as fit in half the run', 3, 50, 25],
    ['fewer than 16 fit: none', 1, 50, 0],
    ['the last round: as many as fit in the whole run', 1, 50, 16],
    ['no measured gradient time: the usual 64', 1, null, 64],
  ] as const)('%s', (name, trainSeconds, gradientMs, expected) => {
    expect(noiseBatchesFor(trainSeconds, gradientMs, name.startsWith('the last round') ? 1 : undefined)).toBe(expected);
  });
});

describe('evaluationSample', () => {
  test('the same seed, the same rows; distinct, ascending, and a longer round measures the shorter one\'s rows too', () => {
    const few = evaluationSample(1000, 50, 7);
    const more = evaluationSample(1000, 200, 7);
    expect(evaluationSample(1000, 50, 7)).toEqual(few);
    expect(new Set(few).size).toBe(50);
    expect([...few].sort((a, b) => a - b)).toEqual(few);
    expect(few.every((r) => more.includes(r))).toBe(true);
    expect(evaluationSample(1000, 50, 8)).not.toEqual(few);
    // A sample, not the first rows: a validation set in its file's order may be sorted.
    expect(Math.max(...few)).toBeGreaterThan(500);
  });
});

describe('evaluationRows', () => {
  // 1 µs a row: a 1 s run may spend a quarter of its time on 125,000 rows and as many training rows.
  test.each([
    ['as many as fit in a quarter of the run', 1, 1e-6, 1_000_000, 125_000],
    ['all of them where fewer', 1, 1e-6, 2_000, 2_000],
    ['never fewer than the floor', 0.001, 1e-6, 1_000_000, EVALUATION.leastRows],
    ['the floor is at most all of them', 0.001, 1e-6, 100, 100],
    ['no measured cost: all of them', 1, null, 1_000_000, 1_000_000],
  ] as const)('%s', (_name, trainSeconds, rowSeconds, valRows, expected) => {
    expect(evaluationRows(trainSeconds, rowSeconds, valRows)).toBe(expected);
  });
  test('its cost counts the training rows too, as many as there are', () => {
    expect(evaluationSeconds(1000, 5000, 1e-3)).toBeCloseTo(2, 9);
    expect(evaluationSeconds(1000, 200, 1e-3)).toBeCloseTo(1.2, 9);
    expect(evaluationSeconds(1000, 200, null)).toBe(0);
  });
});

describe('searchCannotStart', () => {
  const plan: SearchPlan = { count: 3, rounds: [{ batchSizes: 3, trainSeconds: 2, lrFactors: [1] }] };
  test('a slow model: one run\'s evaluation alone is more than the time left, and it says so', () => {
    // 8 samples/s at batch 8 (1 s a step): 410 rows and as many training rows take 102.5 s.
    const slow = [trial(8, 8, 1)];
    expect(searchCannotStart(plan, slow, { valSamples: 410, trainSamples: 1638 }, 8, 40)).toBe(
      "the search was not started: one run's evaluation (410 validation rows and as many training rows) takes about 1m43s at this speed, with its 2.0s of training more than the 40.0s left",
    );
  });
  test('a fast one starts, and so does any plan where the costs are unknown', () => {
    expect(searchCannotStart(plan, [trial(8, 8000, 1)], { valSamples: 410, trainSamples: 1638 }, 8, 40)).toBeNull();
    expect(searchCannotStart(plan, [trial(8, null, null, 'oom')], { valSamples: 410, trainSamples: 1638 }, 8, 40)).toBeNull();
    expect(searchCannotStart({ count: 0, rounds: [] }, [trial(8, 8, 1)], { valSamples: 410, trainSamples: 1638 }, 8, 40)).toBeNull();
  });
});
