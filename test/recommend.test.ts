import type { Candidate, ProbeResult, SearchDecision, WorkloadInfo } from '../src/document';
import { recommend, tuningShare, type RecommendInputs } from '../src/recommend';
import { constantEquivalent } from '../src/lr/schedule';
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
/** A decision's record of a configuration of one run. */
const config = (c: Candidate, extra: Partial<SearchDecision['configs'][number]> = {}) => ({
  batchSize: c.batchSize, learningRate: c.learningRate, schedule: 'linear-decay' as const, expectedLoss: c.valLoss, standardError: 0.01, spread: 0.01, learned: true,
  replicates: [{ seed: 42, loss: c.valLoss }], ...extra,
});
const ref = (c: { batchSize: number; learningRate: number; schedule: 'linear-decay' | 'constant'; default?: boolean }) => ({ batchSize: c.batchSize, learningRate: c.learningRate, schedule: c.schedule, ...(c.default ? { default: true } : {}) });
/** The user's default as the decision records it: batch 32, the compiled rate (0.01), constant. */
const DEFAULT = { batchSize: 32, learningRate: 0.01, schedule: 'constant' as const, default: true };

/**
 * A search's outcome from its candidates: the decision picked `pick` (an index, or the
 * default) among them by `rule`; no noise unless given, nothing cut.
 */
const searched = (candidates: Candidate[], pick: number | 'default', bNoise: number | null = null, measuredAtHorizon = false, rule: SearchDecision['rule'] = 'lowest-bound'): SearchOutcome => {
  const configs = [...candidates.filter((c) => !c.diverged).map((c) => config(c)), { ...DEFAULT, expectedLoss: 0.55, standardError: 0.01, spread: 0.01, learned: true, replicates: [{ seed: 42, loss: 0.55 }] }];
  configs.sort((a, b) => a.expectedLoss! - b.expectedLoss!);
  const picked = pick === 'default' ? DEFAULT : ref(config(candidates[pick]));
  const best = configs.find((c) => !c.default)!;
  const decision: SearchDecision = {
    rung: 0, fraction: measuredAtHorizon ? 1 : 0.1, rule, why: `picked by ${rule}`,
    pick: picked, best: ref(best), tied: candidates.filter((c) => c.tied).map((c) => ref(config(c))), runnerUp: null,
    versusDefault: { ...ref(best), difference: 0.05, standardError: 0.02, threshold: 2 },
    noise: { sigma: 0.01, from: 'replicates', degreesOfFreedom: 4 },
    race: { stop: 'settled', over: 'data orders', maxReplicates: 3, waves: 1, runs: 2 },
    configs,
  };
  return {
    candidates, rungs: [], measuredAtHorizon, decision, pick: pick === 'default' ? DEFAULT : { ...picked, schedule: 'linear-decay' }, baseline: { ...DEFAULT, runs: [] },
    noise: bNoise === null ? null : { bSimple: bNoise, gradSq: 1, traceSigma: bNoise, standardError: null },
    preconditioned: null, bNoise, cut: false, steps: 0, failures: 0, evaluatedRows: [],
  };
};
const base: RecommendInputs = {
  probe, workload, memoryBudgetBytes: 100 * MiB, noiseAtInit: { bSimple: 50, gradSq: 1, traceSigma: 50, standardError: 1 },
  lrRange: { batchSize: 32, suggestion: 0.05 }, search: null, phasesCut: [], workers: 1,
  horizon: { epochs: 20, source: 'default' },
};

describe('recommend', () => {
  test('without a search: the throughput knee, the LR range suggestion scaled to it as the peak, for the default 20 epochs', () => {
    const rec = recommend(base)!;
    expect(rec.batchSize).toBe(32);
    // 20 epochs of 10,000 samples at batch 32: 313 steps each (the last one partial).
    expect(rec.horizon).toEqual({ epochs: 20, steps: 20 * 313, seconds: (20 * 313 * 32) / 300, source: 'default' });
    expect(rec.schedule).toEqual({ kind: 'linear-decay', peakLearningRate: 0.05, warmupSteps: Math.floor(0.05 * 6260), totalSteps: 6260, finalLearningRate: 0 });
    // The constant rate is the schedule's mean over the second half of its decay: a quarter of the peak.
    expect(rec.learningRate).toBeCloseTo(0.0125, 12);
    expect(rec.horizonTrend).toBeNull();
    expect(rec.expected).toEqual({ samplesPerSec: 300, peakBytes: 13 * MiB });
    expect(rec.reasons.some((r) => /--no-search/.test(r))).toBe(true);
    expect(rec.reasons.join(' ')).toMatch(/20 epochs \(the default: --epochs or --train-time/);
  });

  test('a training time becomes steps at the measured throughput', () => {
    const rec = recommend({ ...base, horizon: { seconds: 60, source: 'given' } })!;
    expect(rec.horizon).toEqual({ epochs: (563 * 32) / 10_000, steps: 563, seconds: 60, source: 'given' });
    expect(rec.schedule.totalSteps).toBe(563);
  });

  test('nothing measured: the optimizer default stays a constant rate', () => {
    const rec = recommend({ ...base, lrRange: null })!;
    expect(rec.learningRate).toBe(0.01);
    expect(rec.schedule.peakLearningRate).toBe(0.01);
    expect(rec.reasons.join(' ')).toMatch(/the optimizer's default: nothing was measured/);
  });

  test('a range test cut short suggests nothing: the compiled rate, and the reason says why', () => {
    const insufficient = 'the LR range test had 1 usable of 100 steps (at least 20 are needed)';
    const rec = recommend({ ...base, lrRange: { batchSize: 32, suggestion: null, insufficient } })!;
    expect(rec.learningRate).toBe(workload.optimizer.learningRate);
    expect(rec.schedule.peakLearningRate).toBe(workload.optimizer.learningRate);
    expect(rec.reasons.join(' ')).toContain(`${insufficient}, so it suggested nothing`);
    expect(rec.reasons.join(' ')).not.toMatch(/suggested \d/);
  });

  test('with a trend: the peak measured at two run lengths is carried to the horizon', () => {
    // Batch 16 did best at 0.02 after 20 steps and at 0.01 after 180: α = log 2 / log 9.
    const runs = [
      ...[0.01, 0.02, 0.04].map((lr, i) => ({ round: 0, learningRate: lr, steps: 20, valLoss: [0.6, 0.5, 0.6][i], diverged: false })),
      ...[0.005, 0.01, 0.02].map((lr, i) => ({ round: 2, learningRate: lr, steps: 180, valLoss: [0.45, 0.4, 0.45][i], diverged: false })),
    ];
    const winner = { ...candidate(16, 0.4), learningRate: 0.01, runs, round: 2 };
    const search = searched([winner], 0);
    const rec = recommend({ ...base, search, horizon: { epochs: 2, source: 'given' } })!;
    const alpha = Math.log(2) / Math.log(9);
    const steps = 2 * 625;
    expect(rec.horizonTrend).toMatchObject({ batchSize: 16, fromSteps: 180, clamped: false });
    // The loss model's posterior mean: the two lengths' parabolas say α = log 2 / log 9, the prior (0.3) barely moves it.
    expect(rec.horizonTrend!.exponent).toBeCloseTo(alpha, 2);
    expect(rec.horizonTrend!.exponentFrom).toBe('runs');
    expect(rec.horizonTrend!.measuredRate).toBeCloseTo(0.01, 9);
    expect(rec.schedule.peakLearningRate).toBeCloseTo(0.01 * (steps / 180) ** -rec.horizonTrend!.exponent!, 9);
    expect(rec.schedule.totalSteps).toBe(steps);
    expect(rec.horizonTrend!.limitedByRangeTest).toBe(false);
    expect(rec.reasons.join(' ')).toMatch(/falls as steps\^-0\.31\d/);

    // A range test whose rate (scaled to batch 16) is below the carried peak holds it down, for a horizon this long.
    const low = recommend({ ...base, lrRange: { batchSize: 32, suggestion: 0.001 }, search, horizon: { epochs: 2, source: 'given' } })!;
    // B_noise 50 ± 1, weighed by its precision (see credibleNoiseScale).
    const b = 50 / (1 + (1 / 50) ** 2);
    const rangeAt16 = (0.001 * (1 + b / 32)) / (1 + b / 16);
    expect(low.horizonTrend).toMatchObject({ limitedByRangeTest: true });
    expect(low.horizonTrend!.rangeTestRate).toBeCloseTo(rangeAt16, 12);
    expect(low.schedule.peakLearningRate).toBeCloseTo(rangeAt16, 12);
    expect(low.reasons.join(' ')).toMatch(/held at the LR range test's rate/);
    // A horizon under 3× the search's longest run keeps the carried peak.
    const short = recommend({ ...base, lrRange: { batchSize: 32, suggestion: 0.001 }, search, horizon: { epochs: 0.2, source: 'given' } })!;
    expect(short.horizonTrend!.limitedByRangeTest).toBe(false);
  });

  test('with a search: the winner and its own learning rate', () => {
    const search = searched([candidate(8, 0.5, true), candidate(16, 0.4, true), candidate(64, 0.6)], 1, 80);
    const rec = recommend({ ...base, search })!;
    expect(rec.batchSize).toBe(16);
    // One run length only: the peak is the search's rate, not extrapolated.
    expect(rec.schedule.peakLearningRate).toBe(0.016);
    expect(rec.learningRate).toBeCloseTo(constantEquivalent(rec.schedule), 12);
    expect(rec.alternatives.bestValLoss).toMatchObject({ batchSize: 16 });
    // Alternatives the search trained keep the peak they trained best at.
    expect(rec.alternatives.fastest).toMatchObject({ batchSize: 64, peakLearningRate: 0.064 });
    expect(rec.alternatives.lowestMemory).toMatchObject({ batchSize: 8, peakLearningRate: 0.008 });
    expect(rec.alternatives.fastest!.learningRate).toBeCloseTo(0.016, 9);
    expect(rec.statisticalEfficiency).toBeCloseTo((80 + 8) / (80 + 16));
    expect(rec.reasons.join(' ')).toMatch(/Search: 3 batch sizes \(8, 16, 64\)/);
    expect(rec.reasons.join(' ')).toMatch(/no run of several peaks measured how it moves/);
  });

  test('without a trend, a long horizon still holds the peak at the LR range test\'s rate when the search\'s was above it', () => {
    const search = searched([candidate(8, 0.5, true), candidate(16, 0.4, true), candidate(64, 0.6)], 1, 80);
    // The range test's 0.004 at 32, scaled to 16, is below the search's 0.016; 20 epochs at 16 is far more than 3 × its 10-step runs.
    const rec = recommend({ ...base, search, lrRange: { batchSize: 32, suggestion: 0.004 } })!;
    expect(rec.batchSize).toBe(16);
    expect(rec.horizonTrend).toBeNull();
    expect(rec.schedule.peakLearningRate).toBeLessThan(0.016);
    expect(rec.reasons.join(' ')).toMatch(/comes from runs of at most 10 steps, which did not measure how it moves .* the peak is held at the LR range test's rate/);
    // A horizon as short as the search's runs keeps the search's rate.
    const short = recommend({ ...base, search, lrRange: { batchSize: 32, suggestion: 0.004 }, horizon: { epochs: (20 * 16) / 10_000, source: 'given' } })!;
    expect(short.schedule.peakLearningRate).toBe(0.016);
  });

  test('measured at the horizon: the winner and the rate it trained best at over the whole run; no extrapolation rule applies', () => {
    // The same evidence as above (the range test's rate below the search's; a trend from two
    // rounds of several peaks), but the last round trained the user's whole horizon.
    const runs = [
      ...[0.01, 0.02, 0.04].map((lr, i) => ({ round: 0, learningRate: lr, steps: 20, valLoss: [0.6, 0.5, 0.6][i], diverged: false })),
      ...[0.008, 0.016, 0.032].map((lr, i) => ({ round: 1, learningRate: lr, steps: 20 * 625, valLoss: [0.45, 0.4, 0.45][i], diverged: false })),
    ];
    const winner = { ...candidate(16, 0.4), learningRate: 0.016, runs, round: 1 };
    const other = { ...candidate(64, 0.6), round: 1 };
    const lrRange = { batchSize: 32, suggestion: 0.001 };
    const measured = recommend({ ...base, lrRange, search: searched([winner, other], 0, 80, true) })!;
    expect(measured.batchSize).toBe(16);
    expect(measured.schedule.peakLearningRate).toBe(0.016);
    expect(measured.schedule.totalSteps).toBe(20 * 625);
    expect(measured.horizonTrend).toBeNull();
    expect(measured.measured).toEqual({ atHorizon: true, extrapolation: 1 });
    expect(measured.reasons.join(' ')).toMatch(/Measured at your horizon: batch 16 and its peak 0\.016 were chosen on runs of the whole 12,500 steps/);
    expect(measured.reasons.join(' ')).not.toMatch(/held at the LR range test's rate|falls as steps/);
    // A size that did not reach the last round is not measured at the horizon: batch 64 stopped at round 0
    // (10 steps), so its peak for the horizon is held at the range test's rate, not its measured 0.064,
    // which it keeps where it trained in the last round.
    const fastest = (round: number) => recommend({ ...base, lrRange, search: searched([winner, { ...other, round }], 0, 80, true) })!.alternatives.fastest!;
    expect(fastest(1)).toMatchObject({ batchSize: 64, peakLearningRate: 0.064 });
    expect(fastest(0).batchSize).toBe(64);
    expect(fastest(0).peakLearningRate).toBeLessThan(0.064);
    // The same search, not at the horizon: the rules apply, and the reasons say how far it was carried.
    const carried = recommend({ ...base, lrRange, search: searched([winner, other], 0, 80, false), horizon: { epochs: 60, source: 'given' } })!;
    expect(carried.schedule.peakLearningRate).toBeLessThan(0.016);
    expect(carried.measured!.atHorizon).toBe(false);
    expect(carried.measured!.extrapolation).toBeCloseTo(3, 9);
    expect(carried.reasons.join(' ')).toMatch(/Extrapolated ×3: the search's longest run at batch 16 was 12,500 steps of the horizon's 37,500/);
  });

    test('a noise scale with a huge standard error weighs next to nothing, and the reasons say so', () => {
    const noisy = { bSimple: 5560, gradSq: 1, traceSigma: 5560, standardError: 8e11 };
    // The range test at batch 8, the recommendation at the knee (32): the rate is scaled.
    const inputs = { ...base, lrRange: { batchSize: 8, suggestion: 0.05 } };
    const rec = recommend({ ...inputs, noiseAtInit: noisy })!;
    expect(rec.reasons.join(' ')).toContain('discounts it to 0 in the decisions');
    // No search: the rate is the range test's scaled with a noise scale of about 0 — as if unscaled.
    const plain = recommend({ ...inputs, noiseAtInit: { ...noisy, bSimple: 0 } })!;
    expect(rec.schedule.peakLearningRate).toBeCloseTo(plain.schedule.peakLearningRate, 9);
    // The same estimate, certain, would scale the rate.
    const certain = recommend({ ...inputs, noiseAtInit: { ...noisy, standardError: null } })!;
    expect(certain.schedule.peakLearningRate).not.toBeCloseTo(plain.schedule.peakLearningRate, 6);
  });

  test('a noise scale whose |G|² came out negative is "not measurable", and no decision uses its capped 1e12', () => {
    const lost = { bSimple: 1e12, gradSq: -5.6e-4, traceSigma: 560, standardError: 1.32e12 };
    const inputs = { ...base, lrRange: { batchSize: 8, suggestion: 0.05 } };
    const rec = recommend({ ...inputs, noiseAtInit: lost })!;
    const reasons = rec.reasons.join(' ');
    expect(reasons).toContain('Gradient noise scale B_simple: not measurable (the gradient lost in the noise) at the initial weights');
    expect(reasons).not.toMatch(/1,000,000,000,000|1\.00e\+12/);
    // Scaled as with no noise scale at all.
    const plain = recommend({ ...inputs, noiseAtInit: { ...lost, bSimple: 0 } })!;
    expect(rec.schedule.peakLearningRate).toBeCloseTo(plain.schedule.peakLearningRate, 9);
    expect(rec.statisticalEfficiency).toBeCloseTo(plain.statisticalEfficiency!, 9);
  });

    test('a search of fewer sizes than it needs says what was not compared', () => {
    const search = (sizes: number[]) => searched(sizes.map((b) => candidate(b, 0.5, true)), 0);
    expect(recommend({ ...base, search: search([8]) })!.reasons.join(' ')).toContain('Search: only batch 8, the one size the probe measured (the batch size was not searched)');
    expect(recommend({ ...base, search: search([8, 16]) })!.reasons.join(' ')).toContain('Search: 2 batch sizes (8, 16), fewer than the 3 a search of sizes needs');
  });

  test("the default stands: batch 32 at the compiled rate, constant for the whole horizon, and the reasons say why", () => {
    const search = searched([candidate(8, 0.5), candidate(16, 0.4, true), candidate(64, 0.41, true)], 'default', 80, true, 'default-within-noise');
    const rec = recommend({ ...base, search, horizon: { epochs: 20, source: 'given' } })!;
    expect(rec.batchSize).toBe(32);
    expect(rec.learningRate).toBe(0.01);
    expect(rec.schedule).toEqual({ kind: 'constant', peakLearningRate: 0.01, warmupSteps: 0, totalSteps: 20 * 313, finalLearningRate: 0.01 });
    expect(rec.measured).toEqual({ atHorizon: true, extrapolation: 1 });
    expect(rec.reasons.join(' ')).toMatch(/Decision: picked by default-within-noise/);
    expect(rec.reasons.join(' ')).toMatch(/Schedule: a constant 0\.01 for all 6,260 steps, as your model was compiled/);
    // The search's best stays an alternative, at its own peak.
    expect(rec.alternatives.bestValLoss).toMatchObject({ batchSize: 16, peakLearningRate: 0.016 });
  });

  test('a search cut before it decided anything: the default stands, not an unmeasured guess', () => {
    const rec = recommend({ ...base, phasesCut: ['search'] })!;
    expect(rec).toMatchObject({ batchSize: 32, learningRate: 0.01, schedule: { kind: 'constant', peakLearningRate: 0.01 } });
    expect(rec.reasons.join(' ')).toMatch(/No decision: time ran out before the search, so your default stands/);
    // --no-search is a choice: the knee, at the range test's rate.
    expect(recommend(base)!.schedule.kind).toBe('linear-decay');
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
    // Scaled to the global batch, then to the horizon as the recommended rate is (the schedule's mean over its peak).
    expect(rec.workers!.learningRate).toBeCloseTo(((0.05 * (1 + 50 / 32)) / (1 + 50 / 128)) * (rec.learningRate / 0.05));
    expect(rec.workers!.warning).toMatch(/past the noise scale/);
    expect(recommend({ ...base, workers: 1 })!.workers).toBeUndefined();
  });
});

test('tuningShare: the tuner\'s time as a share of the horizon\'s estimated training time', () => {
  expect(tuningShare(15, 720)).toBe("autobatch took 15 s, 2.08 % of the 12 min your training run is estimated to take at the recommended batch (the probe's throughput)");
  expect(tuningShare(15, 0.75)).toMatch(/^autobatch took 15 s, 20× the 0\.75 s your training run/);
  expect(tuningShare(15, null)).toBeNull();
});
