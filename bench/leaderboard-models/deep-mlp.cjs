/**
 * The leaderboard's deep-mlp (bench/workloads.ts's, as a module): six dense layers (five
 * of 256, ReLU, He-normal), momentum SGD (0.01, momentum 0.9), on a seeded 8-class
 * problem: 7,500 rows of 32 Gaussian features, the class the arg-max of a random linear
 * map plus noise. 1,500 rows are set aside as the test split (see common.cjs), so the
 * dev rows (6,000) give autobatch the 4,800 training rows the bench always had.
 */
'use strict';
const { splitLoaders } = require('./common.cjs');

const ROWS = 7500;
const FEATURES = 32;
const CLASSES = 8;

function createModel(tf) {
  const init = (seed) => tf.initializers.heNormal({ seed });
  const layers = [tf.layers.dense({ inputShape: [FEATURES], units: 256, activation: 'relu', kernelInitializer: init(1) })];
  for (let i = 2; i <= 5; i++) layers.push(tf.layers.dense({ units: 256, activation: 'relu', kernelInitializer: init(i) }));
  layers.push(tf.layers.dense({ units: CLASSES, activation: 'softmax', kernelInitializer: init(9) }));
  const model = tf.sequential({ layers });
  model.compile({ optimizer: tf.train.momentum(0.01, 0.9), loss: 'categoricalCrossentropy' });
  return model;
}

/** Every row, drawn from tf's seeded generators (the same numbers in every process). */
function allRows(tf) {
  return tf.tidy(() => {
    const x = tf.randomNormal([ROWS, FEATURES], 0, 1, 'float32', 21);
    const w = tf.randomNormal([FEATURES, CLASSES], 0, 1, 'float32', 22);
    const y = tf.oneHot(x.matMul(w).add(tf.randomNormal([ROWS, CLASSES], 0, 0.5, 'float32', 23)).argMax(1), CLASSES).toFloat();
    return { x: x.dataSync(), xShape: [FEATURES], y: y.dataSync(), yWidth: CLASSES, rows: ROWS };
  });
}

module.exports = { name: 'deep-mlp', createModel, ...splitLoaders(allRows) };
