import type { CandidateRun } from '../../src/runner/run-spec';
import { edgeRates } from '../../src/search/refine';
import { EDGE_FACTOR } from '../../src/search/search';

const run = (batchSize: number, learningRate: number, losses: number[] | null): CandidateRun => ({
  batchSize, learningRate, steps: 10, samplesSeen: 10 * batchSize, trainSeconds: 1, diverged: losses === null, curve: [], firstLoss: 1,
  lossDropPerSec: null, lossVolatility: null, valLosses: losses && Float32Array.from(losses), valLoss: losses && losses.reduce((a, b) => a + b, 0) / losses.length,
  trainLoss: losses && 0.5, noise: null,
});

describe('edgeRates', () => {
  test.each([
    ['the highest tried: the next two above', 4, [1, 2, 4], [8, 16]],
    ['the lowest tried: the next two below', 1, [1, 2, 4], [0.5, 0.25]],
    ['inside: none', 2, [1, 2, 4], []],
    ['one rate tried: no edge to speak of', 2, [2], []],
  ])('%s', (_what, rate, tried, expected) => {
    expect(edgeRates(run(32, rate, [1]), tried, 2)).toEqual(expected);
  });
  test('a diverged run has no edge', () => expect(edgeRates(run(32, 4, null), [1, 4], 2)).toEqual([]));
  test('the search extends by half a decade a run: two runs reach a decade past the edge', () => {
    const [first, second] = edgeRates(run(32, 0.1, [1]), [0.1, 1, 10], EDGE_FACTOR);
    expect(first).toBeCloseTo(0.1 / Math.sqrt(10), 12);
    expect(second).toBeCloseTo(0.01, 12);
  });
});
