import { median, select } from '../../../src/workloads/table/median';
import { createRandom } from '../../../src/util/random';

/** The median by sorting, as the preparation computed it before selection. */
function sortedMedian(values: readonly number[]): number {
  const sorted = Float64Array.from(values).sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

describe('median', () => {
  test.each([
    [[3, 1, 2], 2],
    [[4, 1, 2, 3], 2.5],
    [[7], 7],
    [[1, 1, 1, 1], 1],
    // -0 sorts before 0: the middle is whichever the sorted order puts there.
    [[0, -0, 0], 0],
    [[-0, 0, -0], -0],
    [[-0, -0], -0],
    [[-0, 0], 0],
    [[-1, -0, 0, 0, 2], 0],
    [[-1, -0, -0, 0, 2], -0],
    // NaN sorts last.
    [[NaN, 1, 2], 2],
    [[NaN, NaN, 1], NaN],
    [[-Infinity, 5, Infinity], 5],
  ])('of %p is %p', (values, expected) => {
    expect(Object.is(median(Float64Array.from(values)), expected)).toBe(true);
  });

  test('is exactly the sorted middle on random, sorted, reversed and repetitive columns', () => {
    const random = createRandom(7);
    const makers: (() => number)[] = [() => random(), () => Math.floor(random() * 5) - 2, () => (random() < 0.5 ? -0 : 0), () => Math.round(random() * 1000) / 10];
    for (let t = 0; t < 2000; t++) {
      const values = Array.from({ length: 1 + Math.floor(random() * 300) }, makers[t % makers.length]);
      if (t % 5 === 1) values.sort((a, b) => a - b);
      if (t % 5 === 2) values.sort((a, b) => b - a);
      expect(Object.is(median(Float64Array.from(values)), sortedMedian(values))).toBe(true);
    }
  });

  test('leaves its argument as it was', () => {
    const values = Float64Array.from([5, 3, 9, 1]);
    median(values);
    expect(Array.from(values)).toEqual([5, 3, 9, 1]);
  });
});

test('select puts the k-th smallest at k, nothing larger before it and nothing smaller after', () => {
  const random = createRandom(11);
  for (let t = 0; t < 300; t++) {
    const a = Float64Array.from({ length: 1 + Math.floor(random() * 500) }, () => Math.floor(random() * 40));
    const k = Math.floor(random() * a.length);
    const expected = Float64Array.from(a).sort()[k];
    expect(select(a, k)).toBe(expected);
    expect(a.subarray(0, k).every((v) => v <= expected)).toBe(true);
    expect(a.subarray(k + 1).every((v) => v >= expected)).toBe(true);
  }
});
