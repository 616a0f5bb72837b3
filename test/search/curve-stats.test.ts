import { isDiverging } from '../../src/search/train-candidate';
import { lossDropPerSecond, lossVolatility } from '../../src/search/curve-stats';

test('lossDropPerSecond uses the mean of the last tenth', () => {
  const losses = [2, ...new Array(18).fill(1.5), 1, 1];
  expect(lossDropPerSecond(losses, 2)).toBeCloseTo((2 - 1) / 2);
  expect(lossDropPerSecond([1], 1)).toBeNull();
});

test('lossVolatility: a smooth curve is stabler than a jagged one', () => {
  const smooth = Array.from({ length: 40 }, (_, i) => 2 * Math.exp(-i / 20));
  const jagged = smooth.map((v, i) => v * (i % 2 ? 1.2 : 0.8));
  expect(lossVolatility(smooth)!).toBeLessThan(0.01);
  expect(lossVolatility(jagged)!).toBeGreaterThan(0.3);
  expect(lossVolatility([1, 2])).toBeNull();
});

describe('isDiverging', () => {
  const steady = Array.from({ length: 40 }, (_, i) => 1 - i / 100);
  test.each([
    ['a falling loss', steady, false],
    ['one unlucky batch at three times the start', [...steady.slice(0, 30), 3, ...steady.slice(31)], false],
    ['a loss that stays far above the start', [...steady.slice(0, 20), ...new Array(20).fill(5)], true],
    ['a NaN', [...steady.slice(0, 5), NaN], true],
    ['too early to tell, however high', [1, 1, 9, 9], false],
  ])('%s: %p', (_name, losses, expected) => {
    expect(isDiverging(losses as number[])).toBe(expected);
  });
});
