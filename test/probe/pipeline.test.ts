import type { Trial } from '../../src/document';
import { countedBytes, predictPeakBytes } from '../../src/probe/memory-model';
import { pipelineReasons } from '../../src/probe/pipeline';
import { INPUT_BOUND_SHARE, decideNextTrial, inputShare, isInputBound } from '../../src/probe/stopping';
import { leakedPerStep } from '../../src/runner/in-process';
import { MiB, trial } from '../helpers/trials';

/** A streamed trial: samples/s, and the share of each step spent waiting for the batch. */
const streamed = (batchSize: number, samplesPerSec: number, waiting: number, extra: Partial<Trial> = {}): Trial => {
  const t = trial(batchSize, samplesPerSec, 10);
  return { ...t, inputMs: waiting * t.stepMs!, ...extra };
};
const limits = { minBatch: 8, maxBatch: Infinity, datasetSize: 100_000, memoryBudgetBytes: 1e12 };

describe('input-bound: the pipeline, not the model, caps samples/s', () => {
  test.each([
    // [trials, bound, why]
    [[streamed(8, 800, 0.3), streamed(16, 830, 0.5)], true, 'both waited, doubling gained 4 %'],
    [[streamed(8, 800, 0.3), streamed(16, 1500, 0.3)], false, 'doubling still paid (+88 %)'],
    [[streamed(8, 800, 0.1), streamed(16, 820, 0.5)], false, 'the smaller size hardly waited'],
    [[streamed(8, 800, 0.3), streamed(16, 820, 0.2)], false, 'the larger size waited under a quarter'],
    [[trial(8, 800, 1), trial(16, 810, 1)], false, 'data in memory: no wait recorded'],
    [[streamed(16, 830, 0.5)], false, 'one size says nothing of doubling'],
    [[streamed(8, 800, 0.3), streamed(16, 0, 0, { status: 'oom', stepMs: null, samplesPerSec: null }), streamed(16, 830, 0.5)], true, 'failed trials are passed over'],
  ])('%#: %s', (trials, bound, _why) => {
    expect(isInputBound(trials as Trial[])).toBe(bound);
  });

  test('the probe stops on it before the plateau rule, and not before the memory limit', () => {
    const trials = [streamed(8, 800, 0.3), streamed(16, 830, 0.5)];
    expect(decideNextTrial(trials, limits)).toEqual({ action: 'stop', reason: 'input-bound' });
    expect(decideNextTrial([trial(8, 800, 1), trial(16, 830, 1), trial(32, 835, 1)], limits)).toEqual({ action: 'stop', reason: 'throughput-plateau' });
    const tight = { ...limits, memoryBudgetBytes: 15 * MiB };
    expect(decideNextTrial([streamed(8, 800, 0.3, { peakBytes: 5 * MiB }), streamed(16, 830, 0.5, { peakBytes: 10 * MiB })], tight)).toMatchObject({ reason: 'memory' });
  });

  test('inputShare is the wait over the step; null without a recorded wait', () => {
    expect(inputShare(streamed(8, 800, INPUT_BOUND_SHARE))).toBeCloseTo(INPUT_BOUND_SHARE);
    expect(inputShare(trial(8, 800, 1))).toBeNull();
  });
});

describe('memory that counts the pipeline', () => {
  test('a trial counts its tensors and its pipeline; the memory model predicts on both', () => {
    expect(countedBytes(trial(8, 100, 10))).toBe(10 * MiB);
    expect(countedBytes({ peakBytes: 10 * MiB, pipelineBytes: 4 * MiB })).toBe(14 * MiB);
    // Tensors grow 1 MiB a sample, the pipeline's decoded batches 0.5 MiB a sample.
    const trials = [8, 16].map((b) => ({ ...trial(b, 100, 2 + b), pipelineBytes: b * 0.5 * MiB }));
    expect(predictPeakBytes(trials, 32)).toBeCloseTo((2 + 32 + 16) * MiB);
  });

  test('tensors left behind per step: a steady buffer is not a leak, a growth every step is', () => {
    expect(leakedPerStep(0, 10)).toBe(0);
    expect(leakedPerStep(6, 10)).toBe(0); // a prefetched batch or a filling buffer
    expect(leakedPerStep(80, 10)).toBe(8);
    expect(leakedPerStep(12, 0)).toBe(0);
  });
});

describe('the reasons say what the probe saw of the pipeline', () => {
  test('input-bound, with both rates', () => {
    const [line] = pipelineReasons([streamed(8, 800, 0.3), streamed(16, 830, 0.5)], 'input-bound');
    // 830 samples/s with half of each step waiting: the model alone, 1,660.
    expect(line).toMatch(/^Input-bound: at batch 16 each step waited 50 % of its time .* delivered 830 samples\/s where the model alone trains 1,660 samples\/s/);
  });

  test('the pipeline memory counted, and a leak with its count per batch', () => {
    const reasons = pipelineReasons([streamed(8, 800, 0, { pipelineBytes: 3 * MiB, leakedTensors: 16 })], 'throughput-plateau');
    expect(reasons).toHaveLength(2);
    expect(reasons[0]).toMatch(/^Memory counted: tensors plus the data pipeline's resident memory .* 10\.0 MiB of tensors and 3\.00 MiB of pipeline/);
    expect(reasons[1]).toMatch(/^Leak: 16 tensors were left behind per step at batch 8 \(about 2\.00 a sample\).*tf\.tidy/);
  });

  test('nothing for data held in memory', () => {
    expect(pipelineReasons([trial(8, 800, 1), trial(16, 900, 2)], 'throughput-plateau')).toEqual([]);
  });
});
