import { combineNoise, estimateNoiseFromGroups, ratio, type GradientGroup } from '../../src/noise/estimator';
import { createRandom, normalFrom } from '../../src/util/random';

/**
 * Synthetic gradients with a known mean G and isotropic per-sample variance s², so a
 * batch of b has per-coordinate variance s²/b: tr(Σ) = n·s², |G|² = Σ G².
 */
function groupsOf(k: number, groupCount: number, b: number, G: number[], s: number, seed = 1): GradientGroup[] {
  const random = createRandom(seed);
  const groups: GradientGroup[] = [];
  for (let g = 0; g < groupCount; g++) {
    const sum = new Float64Array(G.length);
    const sumSq = new Float64Array(G.length);
    for (let i = 0; i < k / groupCount; i++) {
      for (let j = 0; j < G.length; j++) {
        const v = G[j] + (s / Math.sqrt(b)) * normalFrom(random);
        sum[j] += v;
        sumSq[j] += v * v;
      }
    }
    groups.push({ sum, sumSq, batches: k / groupCount });
  }
  return groups;
}

describe('estimateNoiseFromGroups', () => {
  const G = Array.from({ length: 200 }, (_, j) => (j % 2 ? 0.1 : -0.1)); // |G|² = 2
  const s = 1; // tr(Σ) = 200 ⇒ B_simple = 100

  test('recovers |G|², tr(Σ) and B_simple of synthetic gradients within 10 %', () => {
    const est = estimateNoiseFromGroups(groupsOf(256, 8, 32, G, s), 32);
    expect(est.gradSq).toBeGreaterThan(2 * 0.9);
    expect(est.gradSq).toBeLessThan(2 * 1.1);
    expect(est.traceSigma).toBeGreaterThan(200 * 0.9);
    expect(est.traceSigma).toBeLessThan(200 * 1.1);
    expect(Math.abs(est.bSimple - 100) / 100).toBeLessThan(0.1);
  });

  test('the jackknife standard error covers the error of the estimate', () => {
    const est = estimateNoiseFromGroups(groupsOf(256, 8, 32, G, s, 3), 32);
    expect(est.standardError).not.toBeNull();
    expect(est.standardError!).toBeGreaterThan(0);
    expect(Math.abs(est.bSimple - 100)).toBeLessThan(4 * est.standardError!);
  });

  test('the estimate does not depend on the small batch size', () => {
    const a = estimateNoiseFromGroups(groupsOf(256, 8, 8, G, s, 5), 8);
    const b = estimateNoiseFromGroups(groupsOf(256, 8, 128, G, s, 5), 128);
    expect(Math.abs(a.bSimple - b.bSimple) / 100).toBeLessThan(0.2);
  });

  test('a preconditioner that scales every coordinate alike leaves B_simple unchanged', () => {
    const groups = groupsOf(128, 8, 32, G, s, 9);
    const plain = estimateNoiseFromGroups(groups, 32);
    const scaled = estimateNoiseFromGroups(groups, 32, new Float64Array(G.length).fill(3));
    expect(scaled.bSimple).toBeCloseTo(plain.bSimple, 6);
    expect(scaled.gradSq).toBeCloseTo(plain.gradSq * 9, 6);
  });

  test('pure noise (G = 0) reads as a huge noise scale, never negative', () => {
    const est = estimateNoiseFromGroups(groupsOf(64, 8, 16, new Array(50).fill(0), 1), 16);
    expect(est.bSimple).toBeGreaterThan(1000);
  });
});

test('combineNoise averages numerator and denominator separately', () => {
  // The mean of ratios would be (10 + 1) / 2 = 5.5; the ratio of means is 11 / 2.
  const combined = combineNoise([{ gradSq: 1, traceSigma: 10 }, { gradSq: 3, traceSigma: 12 }]);
  expect(combined.bSimple).toBeCloseTo(11 / 2);
});

test('ratio clamps a non-positive |G|²', () => {
  expect(ratio({ gradSq: -1, traceSigma: 5 })).toBeGreaterThan(1e6);
  expect(ratio({ gradSq: 1, traceSigma: -5 })).toBe(0);
});
