/**
 * Jest's node environment with the typed-array constructors of Node's own realm.
 * tfjs-node's native binding creates tensor data (dataSync, weight data) in that realm,
 * and a Jest test runs in a vm context with constructors of its own, so tfjs-core's
 * `data instanceof Float32Array` fails there ("Unsupported TypedArray subtype:
 * Float32Array") though it holds in any real program. Test files that train on the
 * tensorflow backend in their own process and serialize weights use it:
 * `@jest-environment ./test/helpers/shared-typed-arrays-environment.js`.
 */
const { TestEnvironment } = require('jest-environment-node');

const TYPED_ARRAYS = ['Float32Array', 'Float64Array', 'Int8Array', 'Int16Array', 'Int32Array', 'Uint8Array', 'Uint8ClampedArray', 'Uint16Array', 'Uint32Array', 'ArrayBuffer'];

class SharedTypedArraysEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of TYPED_ARRAYS) this.global[name] = globalThis[name];
  }
}

module.exports = SharedTypedArraysEnvironment;
