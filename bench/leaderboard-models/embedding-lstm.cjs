/**
 * The leaderboard's Embedding + LSTM workload, as a user's module file: createModel(tf),
 * loadData(tf) (the dev rows) and loadTest(tf) (the test rows, see common.cjs). Seeded
 * synthetic "reviews": 5,000 sequences of 20 tokens from a
 * vocabulary of 500; tokens 1–60 are positive words, 61–120 negative ones, the rest
 * neutral. The label is whether a sequence has more positive than negative words (ties:
 * the last such word decides), with 5 % of labels flipped, so the model has to count
 * over the whole sequence. Everything is drawn from a seeded generator: every process
 * that loads this module gets the same data and the same initial weights. 1,000
 * sequences are the test split, so the dev rows (4,000) give autobatch the 3,200
 * training rows the bench always had.
 *
 * The LSTM uses the sigmoid recurrent activation (tf.js defaults to hardSigmoid), the
 * activation Keras 2+ and PyTorch's nn.LSTM use, so the torch peers train the same network.
 */
'use strict';
const { createRandom, splitLoaders } = require('./common.cjs');

const SEQUENCES = 5000;
const LENGTH = 20;
const VOCAB = 500;

function createModel(tf) {
  const init = (seed) => tf.initializers.glorotUniform({ seed });
  const model = tf.sequential({
    layers: [
      tf.layers.embedding({ inputDim: VOCAB, outputDim: 16, inputLength: LENGTH, embeddingsInitializer: tf.initializers.randomUniform({ minval: -0.05, maxval: 0.05, seed: 11 }) }),
      tf.layers.lstm({ units: 32, recurrentActivation: 'sigmoid', kernelInitializer: init(12), recurrentInitializer: tf.initializers.orthogonal({ seed: 13 }) }),
      tf.layers.dense({ units: 2, activation: 'softmax', kernelInitializer: init(14) }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(0.001), loss: 'categoricalCrossentropy' });
  return model;
}

function allRows() {
  const random = createRandom(2024);
  const tokens = new Float32Array(SEQUENCES * LENGTH);
  const labels = new Float32Array(SEQUENCES * 2);
  for (let s = 0; s < SEQUENCES; s++) {
    // Each sequence leans positive or negative by a random amount, so counts vary.
    const lean = random();
    let score = 0;
    let last = 0;
    for (let t = 0; t < LENGTH; t++) {
      const u = random();
      let token;
      if (u < 0.15) token = 1 + Math.floor(random() * 60) + (random() < lean ? 0 : 60);
      else token = 121 + Math.floor(random() * (VOCAB - 121));
      if (token <= 60) (score++, (last = 1));
      else if (token <= 120) (score--, (last = -1));
      tokens[s * LENGTH + t] = token;
    }
    let positive = score > 0 || (score === 0 && last > 0);
    if (random() < 0.05) positive = !positive;
    labels[s * 2 + (positive ? 1 : 0)] = 1;
  }
  return { x: tokens, xShape: [LENGTH], y: labels, yWidth: 2, rows: SEQUENCES };
}

module.exports = { name: 'embedding-lstm', createModel, ...splitLoaders(allRows) };
