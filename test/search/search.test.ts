import { chooseCandidates } from '../../src/search/candidates';
import { pairedDifference, statisticalEfficiency } from '../../src/search/score';
import { chooseEntrants } from '../../src/search/search';

describe('chooseCandidates', () => {
  const pool = [8, 16, 32, 64, 128, 256, 512, 1024, 2048];
  test.each([
    ['around the knee when the noise scale is unknown', 256, null, [64, 128, 256, 512, 1024]],
    ['around both the knee and B_simple', 512, 20, [16, 32, 256, 512, 1024]],
    ['B_simple beyond the pool pulls towards the top', 64, 1e6, [32, 64, 128, 1024, 2048]],
    ['knee at the bottom', 8, null, [8, 16, 32, 64, 128]],
  ] as const)('%s', (_name, knee, bSimple, expected) => {
    expect(chooseCandidates(pool, knee, bSimple)).toEqual(expected);
  });
  test('never more than the pool', () => {
    expect(chooseCandidates([8, 16], 16, 8)).toEqual([8, 16]);
  });
});

const losses = (values: number[]) => Float32Array.from(values);

test('pairedDifference', () => {
  const { mean, standardError } = pairedDifference(losses([2, 3, 4]), losses([1, 1, 1]));
  expect(mean).toBeCloseTo(2);
  expect(standardError).toBeCloseTo(Math.sqrt(1 / 3));
});

test.each([
  [32, 32, 100, 1],
  [1000, 10, 10, 20 / 1010],
  [64, 32, 1e9, 1],
])('statisticalEfficiency(B=%i, B0=%i, B_noise=%p)', (b, b0, bNoise, expected) => {
  expect(statisticalEfficiency(b, b0, bNoise)).toBeCloseTo(expected, 6);
});

describe('chooseEntrants', () => {
  const ranked = (...sizes: number[]) => sizes.map((batchSize) => ({ batchSize }));
  test.each([
    ['the best and the best larger size', ranked(64, 32, 16, 128, 256), 2, [64, 128]],
    ['the best is the largest: the next best', ranked(256, 32, 128), 2, [256, 32]],
    ['the best larger is already second', ranked(32, 64, 16), 2, [32, 64]],
    ['three go on: the best, the best larger, then by rank', ranked(64, 32, 16, 128), 3, [64, 128, 32]],
    ['everyone goes on: the ranking stays', ranked(64, 32, 128), 3, [64, 32, 128]],
    ['one goes on: the best', ranked(64, 128), 1, [64]],
  ] as const)('%s', (_name, entrants, n, expected) => {
    expect(chooseEntrants(entrants, n).map((e) => e.batchSize)).toEqual(expected);
  });
});
