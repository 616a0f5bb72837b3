import { pooledGains, showsLearning, type LearnedEntry } from '../../src/search/learned';
import { createRandom, normalFrom } from '../../src/util/random';

/**
 * Simulated regression folds whose truth is known: 5 folds of 15 rows, each row's loss at
 * the initial weights heavy-tailed (a squared error whose target scale varies a few-fold from
 * row to row), a trained run's a share `gain` lower with noise of its own. The learned test
 * reads them as the search's decision does (cars93: 15-row folds, a real gain of about a
 * quarter, judged "nothing learned" when only the first fold counted).
 */
const FOLDS = 5;
const ROWS = 15;

function simulate(seed: number, gain: number) {
  const random = createRandom(seed);
  const initial = new Map<string, Float32Array>();
  const entries: LearnedEntry[] = [];
  for (let f = 0; f < FOLDS; f++) {
    const start = Float32Array.from({ length: ROWS }, () => {
      const scale = Math.exp(0.5 * normalFrom(random));
      return (scale * normalFrom(random)) ** 2;
    });
    initial.set(`fold${f}`, start);
    const trained = Float32Array.from(start, (v) => Math.max(0, v * (1 - gain) + 0.3 * v * normalFrom(random)));
    entries.push({ config: 'c', replicate: { seed: 1, fold: { index: f, count: FOLDS } }, run: { valLosses: trained, diverged: false } });
  }
  return { initial, entries };
}

/** Share of `trials` simulated tables the test calls learned, on all folds or the first. */
function detectionRate(gain: number, firstFoldOnly: boolean, trials = 300): number {
  let hits = 0;
  for (let s = 0; s < trials; s++) {
    const { initial, entries } = simulate(1000 + s, gain);
    if (showsLearning(pooledGains(firstFoldOnly ? entries.slice(0, 1) : entries, initial))) hits++;
  }
  return hits / trials;
}

describe('the learned test pools every replicate', () => {
  test('a real gain on 15-row folds: found pooled over five folds, mostly missed on the first fold alone', () => {
    const pooled = detectionRate(0.35, false);
    const first = detectionRate(0.35, true);
    expect(pooled).toBeGreaterThan(0.85);
    expect(first).toBeLessThan(0.6);
  });

  test('no gain: pooling does not make learning out of noise', () => {
    expect(detectionRate(0, false)).toBeLessThan(0.05);
  });

  test('runs on the same rows are averaged sample by sample, not counted as more rows', () => {
    const start = Float32Array.from({ length: 4 }, (_, i) => 1 + i);
    const a = Float32Array.from(start, (v) => v - 0.5);
    const b = Float32Array.from(start, (v) => v - 0.1);
    const entry = (seed: number, valLosses: Float32Array): LearnedEntry => ({ config: 'c', replicate: { seed }, run: { valLosses, diverged: false } });
    const gains = pooledGains([entry(1, a), entry(2, b)], new Map([['split', start]]))!;
    expect(gains).toHaveLength(4);
    for (const g of gains) expect(g).toBeCloseTo(0.3, 5);
  });

  test('diverged runs and runs without losses are left out; with none left, nothing learned', () => {
    const start = Float32Array.from([2, 2, 2]);
    const initial = new Map([['split', start]]);
    const diverged: LearnedEntry = { config: 'c', replicate: { seed: 1 }, run: { valLosses: Float32Array.from([0, 0, 0]), diverged: true } };
    const missing: LearnedEntry = { config: 'c', replicate: { seed: 2 }, run: null };
    expect(pooledGains([diverged, missing], initial)).toBeNull();
    expect(showsLearning(pooledGains([diverged, missing], initial))).toBe(false);
    const good: LearnedEntry = { config: 'c', replicate: { seed: 3 }, run: { valLosses: Float32Array.from([1, 1.1, 0.9]), diverged: false } };
    expect(Array.from(pooledGains([diverged, good], initial)!)).toEqual([1, expect.closeTo(0.9, 5), expect.closeTo(1.1, 5)]);
  });
});
