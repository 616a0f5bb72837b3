import { classifyChildExit } from '../../src/runner/child-exit';
import { findSafeMaxBatch } from '../../src/probe/stopping';
import { trial } from '../helpers/trials';

describe('classifyChildExit', () => {
  test.each([
    ['SIGKILL (the OOM killer)', 'SIGKILL', null, '', 'oom', /killed by SIGKILL/],
    ['V8 heap exhaustion', 'SIGABRT', null, 'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory\n', 'oom', /heap out of memory/],
    ['a wasm heap that cannot grow', null, 1, 'RuntimeError: memory access out of bounds\n    at wasm://...', 'oom', /memory access out of bounds/],
    ['a segfault', 'SIGSEGV', null, '', 'crashed', /killed by SIGSEGV/],
    ['an exit with a message', null, 3, 'Error: something odd\n', 'crashed', /exited with code 3: Error: something odd/],
  ] as const)('%s → %s', (_name, signal, code, stderr, status, error) => {
    const result = classifyChildExit(signal, code, stderr);
    expect(result.status).toBe(status);
    expect(result.error).toMatch(error);
  });
});

describe('findSafeMaxBatch', () => {
  test.each([
    ['no failure: the largest ok size', [trial(8, 1, 1), trial(16, 1, 1), trial(32, 1, 1)], 32],
    ['over budget is no fatal failure', [trial(8, 1, 1), trial(16, 1, 1), trial(32, null, 9, 'over-budget')], 16],
    ['80 % below an out-of-memory', [trial(32, 1, 1), trial(48, 1, 1), trial(56, 1, 1), trial(60, 1, 1), trial(64, null, null, 'oom')], 48],
    ['a crash counts too', [trial(8, 1, 1), trial(16, 1, 1), trial(20, null, null, 'crashed')], 16],
    ['nothing within the margin: the smallest ok size', [trial(8, 1, 1), trial(9, null, null, 'oom')], 8],
    ['nothing ok', [trial(8, null, null, 'oom')], null],
  ])('%s', (_name, trials, expected) => {
    expect(findSafeMaxBatch(trials as ReturnType<typeof trial>[])).toBe(expected);
  });
});
