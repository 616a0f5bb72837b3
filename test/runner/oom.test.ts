import { isOutOfMemoryError } from '../../src/runner/oom';

describe('isOutOfMemoryError', () => {
  test.each([
    ['OOM when allocating tensor with shape[8192,4096] and type float', true],
    ['Resource exhausted: OOM when allocating', true],
    ['RuntimeError: memory access out of bounds', true],
    ['Cannot enlarge memory arrays to size 4294967296 bytes', true],
    ['WebAssembly.Memory.grow(): Maximum memory size exceeded', true],
    ['Array buffer allocation failed', true],
    ['Invalid typed array length: 4294967296', true],
    ['FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory', true],
    ['Error when checking input: expected dense_Dense1_input to have shape [null,784]', false],
    ["Kernel 'Conv2DBackpropFilter' not registered for backend 'wasm'", false],
    ['Cannot read properties of undefined', false],
  ])('%p → %p', (message, expected) => {
    expect(isOutOfMemoryError(new Error(message))).toBe(expected);
  });

  test('accepts thrown strings', () => {
    expect(isOutOfMemoryError('out of memory')).toBe(true);
  });

  test('a RangeError about lengths counts', () => {
    expect(isOutOfMemoryError(new RangeError('Invalid array length'))).toBe(true);
  });
});
