/**
 * wasm's `BatchMatMul` and `_FusedMatMul` take XNNPACK's fast path only when neither
 * input is transposed; every backward pass of a Dense layer transposes one, and falls to
 * a scalar loop (290 ms against 16 ms for 512×1024×512). Transposing the input first
 * (a memory copy) and calling the original kernel untransposed is far cheaper.
 */
import type { KernelConfig, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';
import { callKernel, type KernelComposer, type KernelInputs } from './compose';

/** A composite body that calls `original` with both inputs untransposed. */
export function untransposedMatMul(original: KernelConfig) {
  return (k: KernelComposer, inputs: KernelInputs, attrs: NamedAttrMap): TensorInfo => {
    const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
    const swapLast = (x: TensorInfo) => {
      const perm = x.shape.map((_, i) => i);
      [perm[perm.length - 2], perm[perm.length - 1]] = [perm[perm.length - 1], perm[perm.length - 2]];
      return k.transpose(x, perm);
    };
    const a = transposeA ? swapLast(inputs.a) : inputs.a;
    const b = transposeB ? swapLast(inputs.b) : inputs.b;
    return callKernel(original, { ...inputs, a, b }, { ...attrs, transposeA: false, transposeB: false }, k.backend);
  };
}
