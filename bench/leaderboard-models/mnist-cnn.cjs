/**
 * The leaderboard's mnist-cnn: autobatch's built-in example, the classic Keras MNIST CNN
 * (conv 32 3×3, max-pool, conv 64 3×3, max-pool, dense 128, dense 10; Adam 1e-3;
 * initializers seeded as the example's at tune seed 42) on the `mnist` package's digits
 * as 28×28×1 images, 2,000 of them set aside as the test split (see common.cjs).
 */
'use strict';
const { digitLoaders } = require('./digits.cjs');

function createModel(tf) {
  const init = (seed) => tf.initializers.glorotUniform({ seed });
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 3, activation: 'relu', kernelInitializer: init(43) }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu', kernelInitializer: init(44) }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 128, activation: 'relu', kernelInitializer: init(45) }),
      tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: init(46) }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(0.001), loss: 'categoricalCrossentropy' });
  return model;
}

module.exports = { name: 'mnist-cnn', createModel, ...digitLoaders([28, 28, 1]) };
