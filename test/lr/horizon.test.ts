import {
  MIN_HORIZON_FACTOR,
  bestRateOnCurve,
  epochSteps,
  extrapolateRate,
  horizonExponent,
  horizonPoints,
  type HorizonPoint,
} from '../../src/lr/horizon';

const curve = (rates: number[], losses: (number | null)[]) => rates.map((learningRate, i) => ({ learningRate, valLoss: losses[i] }));

describe('bestRateOnCurve', () => {
  test.each([
    ['symmetric around the middle: the middle', [1, 2, 4], [0.5, 0.4, 0.5], 2, null],
    ['lowest point at the low edge: the edge', [1, 2, 4], [0.3, 0.4, 0.5], 1, 'low'],
    ['lowest point at the high edge: the edge', [1, 2, 4], [0.5, 0.4, 0.3], 4, 'high'],
    ['higher rate diverged: the last finite point is not an edge', [1, 2, 4], [0.5, 0.4, null], 2, null],
    ['all diverged but the lowest', [1, 2, 4], [0.5, null, null], 1, 'low'],
    ['flat: no curvature, the lowest point', [1, 2, 4], [0.4, 0.4, 0.4], 1, 'low'],
  ] as const)('%s', (_name, rates, losses, expected, edge) => {
    const best = bestRateOnCurve(curve([...rates], [...losses]))!;
    expect(best.rate).toBeCloseTo(expected, 9);
    expect(best.edge).toBe(edge);
  });

  test('the vertex leans towards the lower neighbour when it is lower', () => {
    const best = bestRateOnCurve(curve([1, 2, 4], [0.45, 0.4, 0.6]))!;
    expect(best.rate).toBeGreaterThan(1);
    expect(best.rate).toBeLessThan(2);
  });

  test('every run diverged: null', () => {
    expect(bestRateOnCurve(curve([1, 2], [null, null]))).toBeNull();
  });
});

describe('horizonPoints', () => {
  test('one point per round that tried several rates, shortest first', () => {
    const runs = [
      ...curve([1, 2, 4], [0.6, 0.5, 0.6]).map((r) => ({ ...r, round: 0, steps: 30 })),
      { learningRate: 2, valLoss: 0.45, round: 1, steps: 30 },
      ...curve([1, 2, 4], [0.35, 0.4, 0.5]).map((r) => ({ ...r, round: 2, steps: 90 })),
    ];
    expect(horizonPoints(runs)).toEqual([
      { steps: 30, bestRate: 2, edge: null, rates: [1, 2, 4] },
      { steps: 90, bestRate: 1, edge: 'low', rates: [1, 2, 4] },
    ]);
  });

  test('a round of runs under 20 steps is no evidence', () => {
    const runs = curve([1, 2, 4], [0.6, 0.5, 0.6]).map((r) => ({ ...r, round: 0, steps: 19 }));
    expect(horizonPoints(runs)).toEqual([]);
  });
});

describe('horizonExponent', () => {
  const point = (steps: number, bestRate: number, edge: HorizonPoint['edge'] = null): HorizonPoint => ({ steps, bestRate, edge, rates: [] });
  test.each([
    ['halves over 9×: log 2 / log 9', [point(10, 2), point(90, 1)], Math.log(2) / Math.log(9)],
    ['falls as 1/H', [point(10, 9), point(90, 1)], 1],
    ['faster than 1/H: kept at 1', [point(10, 100), point(90, 1)], 1],
    ['rises: kept at 0', [point(10, 1), point(90, 2)], 0],
    ['one length only: not measured', [point(10, 1)], null],
    ['lengths too close: not measured', [point(10, 2), point(12, 1)], null],
    ['the longest runs best at the highest rate tried: their optimum is unknown', [point(10, 2), point(90, 4, 'high')], null],
    ['best at the lowest rate: still a trend (the optimum lies lower, so α is at least this)', [point(10, 2), point(90, 1, 'low')], Math.log(2) / Math.log(9)],
  ] as const)('%s', (_name, points, expected) => {
    const alpha = horizonExponent(points);
    if (expected === null) expect(alpha).toBeNull();
    else expect(alpha).toBeCloseTo(expected, 9);
  });
});

describe('extrapolateRate', () => {
  test.each([
    ['no exponent: the measured rate', 0.01, null, 1000, 0.01, false],
    ['α = 0.5, 100× longer: a tenth, limited to an eighth', 0.01, 0.5, 10_000, 0.00125, true],
    ['α = 0.25, 16× longer: half', 0.01, 0.25, 1600, 0.005, false],
    ['shorter than the search: never raised', 0.01, 0.5, 10, 0.01, true],
    ['no fall: unchanged', 0.01, 0, 1e6, 0.01, false],
  ] as const)('%s', (_name, rate, exponent, target, expected, clamped) => {
    const out = extrapolateRate({ steps: 100, rate }, exponent, target);
    expect(out.rate).toBeCloseTo(expected, 12);
    expect(out.clamped).toBe(clamped);
  });

  test('never below an eighth of the measured rate', () => {
    expect(extrapolateRate({ steps: 10, rate: 1 }, 1, 1e6).rate).toBe(MIN_HORIZON_FACTOR);
  });
});

test('epochSteps counts the last partial batch', () => {
  expect(epochSteps(20, 8000, 32)).toBe(5000);
  expect(epochSteps(20, 8001, 32)).toBe(20 * 251);
  expect(epochSteps(0.5, 100, 10)).toBe(5);
});
