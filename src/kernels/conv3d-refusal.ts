/**
 * wasm's `Conv3DBackpropInputV2` and `Conv3DBackpropFilterV2` in TensorFlow.js 4.22 give
 * wrong gradients (measured against cpu's: the input gradient at every stride, the
 * filter gradient at strides above 1): a Conv3D model would train, silently wrong.
 * Replacing them with kernels that throw turns that into a failed training step, so
 * `auto` moves on to the next backend with this reason, and the user's own `fit` stops.
 */
import type { KernelFunc } from '@tensorflow/tfjs';

/** Why wasm refuses Conv3D gradients; stable text, matched by tests. */
export const CONV3D_REFUSAL = "wasm's Conv3D gradients are wrong in TensorFlow.js 4.22, so autobatch refuses to train Conv3D on wasm (use the cpu or tensorflow backend)";

/** A fresh function per kernel: the registry keeps the replaced kernel on it. */
export function conv3dGradientRefusal(): KernelFunc {
  return () => {
    throw new Error(CONV3D_REFUSAL);
  };
}
