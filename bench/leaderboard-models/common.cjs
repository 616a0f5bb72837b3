/**
 * Shared by the leaderboard's model modules (bench/leaderboard-models/*.cjs): a seeded
 * generator and the test split every module sets aside before any method sees a row.
 *
 * A leaderboard model module is an ordinary autobatch workload module whose `loadData(tf)`
 * gives only the dev rows (the rows every method chooses on; autobatch holds out its own
 * validation share of them), plus a second export, `loadTest(tf)`, with the test rows no
 * method sees while choosing. Plain CommonJS: autobatch's trial processes load it with
 * `require`, without ts-node.
 */
'use strict';

/** Share of the rows set aside for the test split. */
const TEST_SHARE = 0.2;
/** The seed of the test split (bench/leaderboard-split.ts's first outer split). */
const TEST_SEED = 101;

/** mulberry32, as src/util/random.ts: the same numbers in every process. */
function createRandom(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The dev and test rows of `n`, each in row order: a seeded shuffle, its first 20 % the
 * test rows (bench/leaderboard-split.ts's `splitRows`, the same draw).
 */
function splitRows(n, seed = TEST_SEED) {
  const order = Array.from({ length: n }, (_, i) => i);
  const random = createRandom(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const testCount = Math.round(n * TEST_SHARE);
  const byRow = (a, b) => a - b;
  return { dev: order.slice(testCount).sort(byRow), test: order.slice(0, testCount).sort(byRow) };
}

/** The rows `indices` of a row-major array whose rows are `width` values wide. */
function pickRows(values, width, indices) {
  const out = new Float32Array(indices.length * width);
  indices.forEach((row, i) => out.set(values.subarray(row * width, (row + 1) * width), i * width));
  return out;
}

/**
 * `{ loadData, loadTest }` for a module whose whole data set is `all(tf)`: row-major
 * features and targets as Float32Arrays with their row shapes. Only the dev rows reach
 * `loadData`; `loadTest` gives the rest.
 */
function splitLoaders(all) {
  const part = (tf, which) => {
    const { x, xShape, y, yWidth, rows } = all(tf);
    const indices = splitRows(rows)[which];
    const xWidth = xShape.reduce((a, b) => a * b, 1);
    return {
      x: tf.tensor(pickRows(x, xWidth, indices), [indices.length, ...xShape]),
      y: tf.tensor2d(pickRows(y, yWidth, indices), [indices.length, yWidth]),
    };
  };
  return { loadData: (tf) => part(tf, 'dev'), loadTest: (tf) => part(tf, 'test') };
}

module.exports = { TEST_SHARE, TEST_SEED, createRandom, splitRows, splitLoaders };
