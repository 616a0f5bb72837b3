/**
 * The leaderboard's mnist-mlp: autobatch's built-in example (784-256-128-10, Adam 1e-3,
 * initializers seeded as the example's at tune seed 42) on the `mnist` package's digits,
 * 2,000 of them set aside as the test split (see common.cjs).
 */
'use strict';
const { digitLoaders } = require('./digits.cjs');

function createModel(tf) {
  const init = (seed) => tf.initializers.glorotUniform({ seed });
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [784], units: 256, activation: 'relu', kernelInitializer: init(43) }),
      tf.layers.dense({ units: 128, activation: 'relu', kernelInitializer: init(44) }),
      tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: init(45) }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(0.001), loss: 'categoricalCrossentropy' });
  return model;
}

module.exports = { name: 'mnist-mlp', createModel, ...digitLoaders([784]) };
