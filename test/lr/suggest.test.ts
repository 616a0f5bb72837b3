import { assessLrRange, hasDiverged, smoothLosses, smoothCentered, suggestLearningRate, type LrPoint } from '../../src/lr/suggest';
import { scaleLearningRate } from '../../src/lr/scaling';
import { createRandom, normalFrom } from '../../src/util/random';

/** A textbook LR range curve: flat, a descent centred on `centre`, a minimum, then divergence. */
function curve(options: { centre?: number; spike?: boolean; noise?: number; n?: number } = {}): LrPoint[] {
  const { centre = 1e-2, spike = false, noise = 0, n = 100 } = options;
  const random = createRandom(11);
  return Array.from({ length: n }, (_, i) => {
    const lr = 1e-6 * 10 ** ((7 * i) / (n - 1)); // 1e-6 … 10
    const t = Math.log10(lr / centre);
    let loss = 2.3 - 2 / (1 + Math.exp(-3 * t)); // sigmoid descent around `centre`
    if (t > 1) loss += (t - 1) ** 2 * 5; // divergence past 10× centre
    if (spike && i < 4) loss += 5;
    return { lr, loss: loss * (1 + noise * normalFrom(random)) };
  });
}

const withinHalfDecade = (lr: number, target: number) => Math.abs(Math.log10(lr / target)) < 0.5;

describe('suggestLearningRate', () => {
  test.each([
    ['a clean curve', curve(), 1e-2],
    ['an early spike', curve({ spike: true }), 1e-2],
    ['5 % noise', curve({ noise: 0.05 }), 1e-2],
    ['a descent at 1e-4', curve({ centre: 1e-4 }), 1e-4],
  ])('%s: between the steepest descent and the minimum, within half a decade of the descent', (_name, points, target) => {
    const lr = suggestLearningRate(points)!;
    expect(withinHalfDecade(lr, target)).toBe(true);
    expect(lr).toBeGreaterThanOrEqual(target * 0.9);
  });

  test('never lands on the diverging side of the minimum', () => {
    const points = curve({ noise: 0.05 });
    const smoothed = smoothCentered(points.map((p) => p.loss));
    const argMin = smoothed.indexOf(Math.min(...smoothed));
    expect(suggestLearningRate(points)).toBeLessThanOrEqual(points[argMin].lr);
  });

  test('ignores a NaN tail', () => {
    const points = [...curve().slice(0, 90), { lr: 5, loss: NaN }, { lr: 6, loss: Infinity }];
    expect(withinHalfDecade(suggestLearningRate(points)!, 1e-2)).toBe(true);
  });

  test('a curve with no descent suggests nothing, and says so', () => {
    const rising = Array.from({ length: 50 }, (_, i) => ({ lr: 10 ** (-6 + i / 10), loss: 1 + i / 100 }));
    const flat = Array.from({ length: 50 }, (_, i) => ({ lr: 10 ** (-6 + i / 10), loss: 1 + 0.001 * Math.sin(i) }));
    for (const points of [rising, flat]) {
      expect(suggestLearningRate(points)).toBeNull();
      expect(assessLrRange(points, 100)).toEqual({ suggestion: null, insufficient: 'the LR range test\'s loss showed no descent between 1.0e-6 and 7.9e-2' });
    }
  });

  test.each([
    [1, 'the LR range test had 1 usable of 100 steps (at least 20 are needed)'],
    [19, 'the LR range test had 19 usable of 100 steps (at least 20 are needed)'],
  ])('a sweep cut to %d steps suggests nothing', (n, reason) => {
    expect(assessLrRange(curve().slice(0, n), 100)).toEqual({ suggestion: null, insufficient: reason });
  });

  test('a full sweep with a descent suggests a rate inside it', () => {
    const points = curve();
    const { suggestion, insufficient } = assessLrRange(points, 100);
    expect(insufficient).toBeNull();
    expect(suggestion!).toBeGreaterThan(points[0].lr);
    expect(suggestion!).toBeLessThan(points[points.length - 1].lr);
  });
});

describe('smoothing and divergence', () => {
  test('the bias-corrected EMA starts at the first loss', () => {
    expect(smoothLosses([2, 2, 2])).toEqual([2, 2, 2].map((v) => expect.closeTo(v, 10)));
  });
  test('divergence: 4× the best smoothed loss, or a non-finite loss', () => {
    expect(hasDiverged([1, 0.5, 2.1], 2.1)).toBe(true);
    expect(hasDiverged([1, 0.5, 1.9], 1.9)).toBe(false);
    expect(hasDiverged([1], NaN)).toBe(true);
  });
});

describe('scaleLearningRate', () => {
  test.each([
    ['SGD is linear far below the noise scale', 0.1, 32, 64, 1e6, 'sgd', 0.2],
    ['SGD saturates far above it', 0.1, 1e6, 2e6, 10, 'sgd', 0.1],
    ['SGD at B = B_noise from B0 = B_noise/4', 0.1, 250, 1000, 1000, 'sgd', 0.1 * (5 / 2)],
    ['Adam takes the square root', 0.001, 32, 128, 1e6, 'adam', 0.002],
    ['the reference size keeps its rate', 0.01, 64, 64, 123, 'momentum', 0.01],
  ] as const)('%s', (_name, lr0, b0, b, bNoise, optimizer, expected) => {
    expect(scaleLearningRate(lr0, b0, b, bNoise, optimizer)).toBeCloseTo(expected, 3);
  });
});
