import { chooseCandidates } from '../../src/search/candidates';
import { pairedDifference, pickRate, scoreCandidates, statisticalEfficiency } from '../../src/search/score';
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
/** 400 validation samples whose losses are base + per-sample spread (shared) + shift. */
function valSet(shift: number, noise = 0, phase = 0): Float32Array {
  return Float32Array.from({ length: 400 }, (_, i) => 1 + Math.sin(i) * 0.5 + shift + noise * Math.cos(7 * i + phase));
}

describe('scoreCandidates', () => {
  test.each([
    [
      'a clearly better loss wins, whatever its speed',
      [{ b: 16, loss: valSet(0), goodput: 100 }, { b: 256, loss: valSet(0.2), goodput: 1000 }],
      { winner: 0, best: 0, tied: [0] },
    ],
    [
      'a tie goes to the higher goodput',
      [{ b: 16, loss: valSet(0, 0.05), goodput: 100 }, { b: 256, loss: valSet(0.001, 0.05, 2), goodput: 1000 }],
      { winner: 1, best: 0, tied: [0, 1] },
    ],
    [
      'diverged candidates are out',
      [{ b: 16, loss: null, goodput: 100 }, { b: 256, loss: valSet(0.3), goodput: 10 }],
      { winner: 1, best: 1, tied: [1] },
    ],
  ] as const)('%s', (_name, runs, expected) => {
    const result = scoreCandidates(runs.map((r) => ({ batchSize: r.b, valLosses: r.loss, goodput: r.goodput })));
    expect(result).toMatchObject(expected);
  });

  test('scores are the relative excess over the best; null when diverged', () => {
    const result = scoreCandidates([
      { batchSize: 8, valLosses: losses([1, 1]), goodput: 1 },
      { batchSize: 16, valLosses: losses([1.5, 1.5]), goodput: 1 },
      { batchSize: 32, valLosses: null, goodput: 1 },
    ])!;
    expect(result.scores[0]).toBe(0);
    expect(result.scores[1]).toBeCloseTo(0.5);
    expect(result.scores[2]).toBeNull();
  });

  test('null when everything diverged', () => {
    expect(scoreCandidates([{ batchSize: 8, valLosses: null, goodput: 1 }])).toBeNull();
  });

  test('a NaN validation loss counts as diverged', () => {
    const result = scoreCandidates([
      { batchSize: 8, valLosses: losses([NaN, 1]), goodput: 100 },
      { batchSize: 16, valLosses: losses([2, 2]), goodput: 1 },
    ])!;
    expect(result.winner).toBe(1);
  });
});

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

test('a loss far above the best is no tie, however noisy the validation set', () => {
  // Heavy-tailed per-sample losses: a few huge values make the paired error large.
  const best = Float32Array.from({ length: 100 }, (_, i) => (i % 25 === 0 ? 5 : 0.05));
  const worse = Float32Array.from({ length: 100 }, (_, i) => (i % 25 === 1 ? 40 : 0.05));
  const result = scoreCandidates([
    { batchSize: 8, valLosses: best, goodput: 1 },
    { batchSize: 128, valLosses: worse, goodput: 100 },
  ])!;
  expect(result.tied).toEqual([0]);
  expect(result.winner).toBe(0);
});

describe('pickRate', () => {
  const run = (learningRate: number, valLosses: Float32Array | null) => ({ learningRate, valLosses });
  test.each([
    ['a clearly better rate wins', [run(0.01, valSet(0.3)), run(0.02, valSet(0)), run(0.04, valSet(0.2))], 0.02],
    ['tied rates: the lowest goes on (short runs favour high rates)', [run(0.01, valSet(0.001, 0.05)), run(0.02, valSet(0, 0.05, 2)), run(0.04, valSet(0.5))], 0.01],
    ['a lower rate more than 10 % worse is not tied', [run(0.01, valSet(0.4)), run(0.02, valSet(0))], 0.02],
    ['diverged rates are out', [run(0.01, null), run(0.02, valSet(0.1))], 0.02],
    ['all diverged: none', [run(0.01, null), run(0.02, null)], null],
  ] as const)('%s', (_name, runs, expected) => {
    expect(pickRate(runs)).toBe(expected);
  });
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
