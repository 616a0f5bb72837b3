/**
 * The leaderboard's synthetic-regression: autobatch's built-in example (a 16-64-64-1 MLP,
 * plain SGD at 0.01, initializers seeded as the example's at tune seed 42) on the same
 * kind of seeded data: Gaussian inputs, a target linear plus 0.5·sin(2·v·x) plus noise
 * (σ 0.1). 12,800 rows, 2,560 set aside as the test split (see common.cjs), so the dev
 * rows (10,240) give autobatch the example's 8,192 training and 2,048 validation rows.
 */
'use strict';
const { createRandom, splitLoaders } = require('./common.cjs');

const ROWS = 12800;
const FEATURES = 16;
const NOISE_STD = 0.1;

function createModel(tf) {
  const init = (seed) => tf.initializers.glorotUniform({ seed });
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [FEATURES], units: 64, activation: 'relu', kernelInitializer: init(43) }),
      tf.layers.dense({ units: 64, activation: 'relu', kernelInitializer: init(44) }),
      tf.layers.dense({ units: 1, kernelInitializer: init(45) }),
    ],
  });
  model.compile({ optimizer: tf.train.sgd(0.01), loss: 'meanSquaredError' });
  return model;
}

/** A standard normal draw (Box–Muller). */
function normal(random) {
  const u = 1 - random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

function allRows() {
  const random = createRandom(42);
  const w = Array.from({ length: FEATURES }, () => normal(random) / Math.sqrt(FEATURES));
  const v = Array.from({ length: FEATURES }, () => normal(random) / Math.sqrt(FEATURES));
  const x = new Float32Array(ROWS * FEATURES);
  const y = new Float32Array(ROWS);
  for (let i = 0; i < ROWS; i++) {
    let linear = 0;
    let inner = 0;
    for (let j = 0; j < FEATURES; j++) {
      const value = normal(random);
      x[i * FEATURES + j] = value;
      linear += w[j] * value;
      inner += v[j] * value;
    }
    y[i] = linear + 0.5 * Math.sin(2 * inner) + NOISE_STD * normal(random);
  }
  return { x, xShape: [FEATURES], y, yWidth: 1, rows: ROWS };
}

module.exports = { name: 'synthetic-regression', createModel, ...splitLoaders(allRows) };
