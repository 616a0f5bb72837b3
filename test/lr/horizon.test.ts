import { bestRateOnCurve, epochSteps, horizonPoints } from '../../src/lr/horizon';

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

test('horizonPoints: a rate run on several data orders counts once, at its mean', () => {
  const runs = [
    { round: 0, steps: 100, learningRate: 0.01, valLoss: 0.5 },
    { round: 0, steps: 100, learningRate: 0.1, valLoss: 0.3 },
    { round: 0, steps: 100, learningRate: 0.1, valLoss: 0.32 },
    { round: 0, steps: 100, learningRate: 1, valLoss: 0.6 },
  ];
  const [point] = horizonPoints(runs);
  expect(Number.isFinite(point.bestRate)).toBe(true);
  expect(point.bestRate).toBeGreaterThan(0.01);
  expect(point.bestRate).toBeLessThan(1);
  expect(point.rates).toEqual([0.01, 0.1, 1]);
});

test('epochSteps counts the last partial batch', () => {
  expect(epochSteps(20, 8000, 32)).toBe(5000);
  expect(epochSteps(20, 8001, 32)).toBe(20 * 251);
  expect(epochSteps(0.5, 100, 10)).toBe(5);
});
