import { backendLine, searchLine } from '../../src/report/search-line';

const info = { parallel: 2, inProcess: false, reason: '', wallSeconds: 40.6, steps: 6191, stepsPerSecond: 152.4, failedRuns: 0 };

test.each([
  ['a pool of two', info, 'on 2 processes side by side, 6,191 training steps in 40.6s (152 steps/s)'],
  ['one search process', { ...info, parallel: 1 }, 'in one search process, one run at a time, 6,191 training steps in 40.6s (152 steps/s)'],
  ["the tuner's process", { ...info, parallel: 1, inProcess: true }, "in the tuner's process, one run at a time, 6,191 training steps in 40.6s (152 steps/s)"],
  ['a run lost', { ...info, failedRuns: 1 }, 'on 2 processes side by side, 6,191 training steps in 40.6s (152 steps/s); 1 run lost to a dead process'],
  ['no wall time', { ...info, wallSeconds: null, stepsPerSecond: null }, 'on 2 processes side by side'],
])('searchLine: %s', (_name, search, expected) => {
  expect(searchLine(search)).toBe(expected);
});

test.each([
  ['every row', [2000, 2000], 2000, 'on 2 processes side by side, 6,191 training steps in 40.6s (152 steps/s)'],
  ['a sample, growing', [5770, 17310, 65663], 65663, 'on 2 processes side by side, 6,191 training steps in 40.6s (152 steps/s); runs measured on 5,770–65,663 of the 65,663 validation rows (a seeded sample, more in longer rounds)'],
  ['one sample size', [512], 65663, 'on 2 processes side by side, 6,191 training steps in 40.6s (152 steps/s); runs measured on 512 of the 65,663 validation rows (a seeded sample, more in longer rounds)'],
])('searchLine, validation rows: %s', (_name, evaluatedRows, valSamples, expected) => {
  expect(searchLine({ ...info, evaluatedRows }, valSamples)).toBe(expected);
});

test.each([
  ['measured at the horizon', true, [2.22, 6.67, 20], [1 / 9, 1 / 3, 1], '; rungs of 2.22, 6.67, 20 epochs, the last your whole horizon'],
  ['stopped short of it', false, [0.247, 0.741], [1 / 81, 1 / 27], '; rungs of 0.247, 0.741 epochs, the last 3.7 % of your horizon'],
])('searchLine, rungs: %s', (_name, measuredAtHorizon, lengths, fractions, expected) => {
  const rungs = lengths.map((length, i) => ({ unit: 'epochs' as const, length, fraction: fractions[i], sizes: 3, runs: 9, seeds: 1 }));
  expect(searchLine({ ...info, rungs, measuredAtHorizon })).toBe(`on 2 processes side by side, 6,191 training steps in 40.6s (152 steps/s)${expected}`);
});

test.each([
  ['tensorflow, both versions', { name: 'tensorflow', fallbackReason: null, tfjsVersion: '4.22.0', tensorflowVersion: '2.21.0' }, 'tensorflow (TensorFlow.js 4.22.0, TensorFlow 2.21.0)'],
  ['wasm after a fallback', { name: 'wasm', fallbackReason: 'tensorflow: not installed', tfjsVersion: '4.22.0' }, 'wasm (TensorFlow.js 4.22.0; fell back: tensorflow: not installed)'],
  ['a document without versions', { name: 'cpu', fallbackReason: null }, 'cpu'],
] as const)('backendLine: %s', (_name, backend, expected) => {
  expect(backendLine(backend as Parameters<typeof backendLine>[0])).toBe(expected);
});
