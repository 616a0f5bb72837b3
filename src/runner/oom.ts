import { describeError } from '../util/errors';

/**
 * Error texts that mean "out of memory", from the places TensorFlow.js can run out:
 * TensorFlow's allocator (tfjs-node), the wasm heap, V8, and typed-array allocation.
 */
export const OUT_OF_MEMORY_PATTERNS: readonly RegExp[] = [
  /OOM when allocating/i,
  /Resource ?exhausted/i,
  /out of memory/i,
  /memory access out of bounds/i, // wasm, after a failed heap growth
  /Cannot enlarge memory/i, // emscripten heap growth
  /could not allocate memory/i,
  /WebAssembly\.Memory.*grow/i,
  /Array buffer allocation failed/i, // V8
  /Invalid typed array length/i,
  /Invalid array buffer length/i,
  /Invalid array length/i,
  /Reached heap limit/i,
  /Allocation failed/i,
  /failed to allocate/i,
];

/** True when `err` reads as running out of memory; any other error is a real failure. */
export function isOutOfMemoryError(err: unknown): boolean {
  const text = err instanceof RangeError ? `${err.name}: ${err.message}` : describeError(err);
  return OUT_OF_MEMORY_PATTERNS.some((pattern) => pattern.test(text));
}
