import { MAX_WARMUP_STEPS, constantEquivalent, constantSchedule, learningRateAt, linearDecaySchedule } from '../../src/lr/schedule';

describe('linearDecaySchedule', () => {
  test.each([
    // total, warm-up (5 %, at most 1000)
    [1, 0],
    [19, 0],
    [20, 1],
    [1000, 50],
    [100_000, MAX_WARMUP_STEPS],
  ])('%d steps warm up for %d', (total, warmup) => {
    expect(linearDecaySchedule(0.1, total)).toEqual({ kind: 'linear-decay', peakLearningRate: 0.1, warmupSteps: warmup, totalSteps: total, finalLearningRate: 0 });
  });
});

describe('learningRateAt', () => {
  const s = { kind: 'linear-decay' as const, peakLearningRate: 1, warmupSteps: 4, totalSteps: 14, finalLearningRate: 0 };
  test.each([
    [0, 0.25, 'warm-up: the first step already moves'],
    [3, 1, 'the last warm-up step reaches the peak'],
    [4, 1, 'decay starts at the peak'],
    [9, 0.5, 'halfway through the decay'],
    [13, 0.1, 'the last step: small but not zero'],
    [14, 0, 'the end: the final rate'],
    [100, 0, 'past the end: stays final'],
  ])('step %d: %d (%s)', (step, rate) => {
    expect(learningRateAt(s, step)).toBeCloseTo(rate, 12);
  });

  test('without warm-up the first step is at the peak; a constant schedule never moves', () => {
    expect(learningRateAt({ ...s, warmupSteps: 0 }, 0)).toBe(1);
    const c = constantSchedule(0.3, 10);
    expect([0, 5, 9, 50].map((step) => learningRateAt(c, step))).toEqual([0.3, 0.3, 0.3, 0.3]);
  });

  test('decays to a non-zero final rate on a straight line', () => {
    const t = { ...s, warmupSteps: 0, totalSteps: 10, finalLearningRate: 0.5 };
    expect(learningRateAt(t, 5)).toBeCloseTo(0.75, 12);
    expect(learningRateAt(t, 10)).toBe(0.5);
  });
});

describe('constantEquivalent', () => {
  test.each([
    ['decay to zero: a quarter of the peak', linearDecaySchedule(0.2, 1000), 0.05],
    ['decay to a final rate: a quarter of the way from it to the peak', { kind: 'linear-decay' as const, peakLearningRate: 1, warmupSteps: 0, totalSteps: 10, finalLearningRate: 0.2 }, 0.4],
    ['a constant: itself', constantSchedule(0.3, 7), 0.3],
  ])('%s', (_name, schedule, expected) => {
    expect(constantEquivalent(schedule)).toBeCloseTo(expected, 12);
  });
});
