import type { Candidate, ProbeResult, WorkloadInfo } from '../src/document';
import { recommend, type RecommendInputs } from '../src/recommend';
import type { SearchOutcome } from '../src/search/search';
import { MiB, trial } from './helpers/trials';

const workload: WorkloadInfo = {
  name: 't', source: 'example', parameters: 10, trainSamples: 10_000, valSamples: 1000,
  loss: 'meanSquaredError', optimizer: { name: 'sgd', learningRate: 0.01 },
};
const probe: ProbeResult = {
  trials: [trial(8, 100, 10), trial(16, 190, 11), trial(32, 300, 13), trial(64, 320, 17), trial(128, null, 900, 'over-budget')],
  stopReason: 'memory',
  maxFeasibleBatch: 64,
  throughputKnee: 32,
  safeMaxBatch: 64,
};
const candidate = (batchSize: number, valLoss: number | null, tied = false): Candidate => ({
  batchSize, learningRate: batchSize / 1000, valLoss, trainLoss: valLoss, gradientVariance: 1, noiseToSignal: 1,
  diverged: valLoss === null, steps: 10, samplesSeen: 10 * batchSize, score: 0, tied, lossDropPerSec: 1,
  generalizationGap: 0, peakBytes: null, samplesPerSec: null, lossVolatility: 0, curve: [], round: 0,
  runs: [{ round: 0, learningRate: batchSize / 1000, steps: 10, valLoss, diverged: valLoss === null }],
});
const base: RecommendInputs = {
  probe, workload, memoryBudgetBytes: 100 * MiB, noiseAtInit: { bSimple: 50, gradSq: 1, traceSigma: 50, standardError: 1 },
  lrRange: { batchSize: 32, suggestion: 0.05 }, search: null, phasesCut: [], workers: 1,
};

describe('recommend', () => {
  test('without a search: the throughput knee, the LR range suggestion scaled to it', () => {
    const rec = recommend(base)!;
    expect(rec.batchSize).toBe(32);
    expect(rec.learningRate).toBeCloseTo(0.05); // the sweep ran at the knee
    expect(rec.expected).toEqual({ samplesPerSec: 300, peakBytes: 13 * MiB });
    expect(rec.reasons.some((r) => /--no-search/.test(r))).toBe(true);
  });

  test('with a search: the winner and its own learning rate', () => {
    const search: SearchOutcome = {
      candidates: [candidate(8, 0.5, true), candidate(16, 0.4, true), candidate(64, 0.6)],
      score: { scores: [0.25, 0, 0.5], tied: [0, 1], winner: 1, best: 1 },
      noise: { bSimple: 80, gradSq: 1, traceSigma: 80, standardError: null },
      preconditioned: null,
      bNoise: 80,
    };
    const rec = recommend({ ...base, search })!;
    expect(rec.batchSize).toBe(16);
    expect(rec.learningRate).toBe(0.016);
    expect(rec.alternatives.bestValLoss).toMatchObject({ batchSize: 16 });
    // Alternatives the search trained keep the rate they trained best at.
    expect(rec.alternatives.fastest).toMatchObject({ batchSize: 64, learningRate: 0.064 });
    expect(rec.alternatives.lowestMemory).toMatchObject({ batchSize: 8, learningRate: 0.008 });
    expect(rec.statisticalEfficiency).toBeCloseTo((80 + 8) / (80 + 16));
    expect(rec.reasons.join(' ')).toMatch(/Search: 3 batch sizes \(8, 16, 64\)/);
    // The winner saw 10 steps × 16 samples of the workload's training set.
    expect(rec.reasons.join(' ')).toContain(`runs of ${Number(((10 * 16) / workload.trainSamples).toPrecision(3))} epochs`);
  });

  test('is always a size whose trial was ok, so within the memory limit', () => {
    for (const phasesCut of [[], ['search']] as const) {
      const rec = recommend({ ...base, phasesCut: [...phasesCut] })!;
      const t = probe.trials.find((x) => x.batchSize === rec.batchSize)!;
      expect(t.status).toBe('ok');
      expect(t.peakBytes!).toBeLessThanOrEqual(base.memoryBudgetBytes);
      for (const alt of Object.values(rec.alternatives)) {
        expect(probe.trials.find((x) => x.batchSize === alt.batchSize)!.status).toBe('ok');
      }
    }
  });

  test('null when no trial was ok', () => {
    expect(recommend({ ...base, probe: { ...probe, trials: [trial(8, null, null, 'oom')], throughputKnee: null, maxFeasibleBatch: null } })).toBeNull();
  });

  test('workers: per-worker and global batch, a warning past the noise scale', () => {
    const rec = recommend({ ...base, workers: 4 })!;
    expect(rec.workers).toMatchObject({ workers: 4, perWorkerBatchSize: 32, globalBatchSize: 128 });
    expect(rec.workers!.learningRate).toBeCloseTo(0.05 * (1 + 50 / 32) / (1 + 50 / 128));
    expect(rec.workers!.warning).toMatch(/past the noise scale/);
    expect(recommend({ ...base, workers: 1 })!.workers).toBeUndefined();
  });
});
