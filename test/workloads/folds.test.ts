import { loadTf } from '../../src/platform/tf';
import { foldCount, foldData, foldRange } from '../../src/workloads/folds';

const tf = loadTf();

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('folds of the user rows', () => {
  it.each([
    [151, 38, 5],
    [80, 20, 5],
    [90, 10, 5],
    [50, 50, 2],
    [30, 70, 1],
    [1000, 0, 1],
  ])('%i training and %i validation rows make %i folds', (train, val, folds) => {
    expect(foldCount(train, val)).toBe(folds);
  });

  it('slices as long as the validation share, the last taking the rest, covering every row once', () => {
    const total = 189;
    const ranges = Array.from({ length: 5 }, (_, index) => foldRange(total, 38, { index, count: 5 }));
    expect(ranges).toEqual([[0, 38], [38, 76], [76, 114], [114, 152], [152, 189]]);
  });

  it('a 10 % share: 5 of its 10 slices, each as long as the share', () => {
    expect(Array.from({ length: 5 }, (_, index) => foldRange(100, 10, { index, count: 5 }))).toEqual([[0, 10], [10, 20], [20, 30], [30, 40], [40, 50]]);
  });

  it("fold 0 is the workload's own split; every fold trains on the rest; no tensor is left behind", () => {
    // Rows numbered in the combined order: validation 0..3, training 4..13.
    const data = {
      validation: { x: tf.tensor2d([0, 1, 2, 3], [4, 1]), y: tf.tensor1d([0, 1, 2, 3]) },
      train: { x: tf.tensor2d([4, 5, 6, 7, 8, 9, 10, 11, 12, 13], [10, 1]), y: tf.tensor1d([4, 5, 6, 7, 8, 9, 10, 11, 12, 13]) },
    };
    const before = tf.memory().numTensors;
    const count = foldCount(10, 4);
    expect(count).toBe(4);
    const seen: number[] = [];
    for (let index = 0; index < count; index++) {
      const fold = foldData(tf, data, { index, count });
      const held = Array.from(fold.validation.y.dataSync());
      const rest = Array.from(fold.train.y.dataSync());
      expect([...held, ...rest].sort((a, b) => a - b)).toEqual(Array.from({ length: 14 }, (_, i) => i));
      expect(Array.from(fold.validation.x.dataSync())).toEqual(held);
      if (index === 0) {
        expect(held).toEqual([0, 1, 2, 3]);
        expect(rest).toEqual([4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
      }
      seen.push(...held);
      tf.dispose([fold.train.x, fold.train.y, fold.validation.x, fold.validation.y]);
    }
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 14 }, (_, i) => i));
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([data.validation.x, data.validation.y, data.train.x, data.train.y]);
  });
});
