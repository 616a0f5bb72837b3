/**
 * The start-up check: every kernel of the pack registered on a backend runs on small
 * seeded inputs (strides, paddings and shapes that exercise its index arithmetic) and
 * must match the cpu backend's own kernel. A TensorFlow.js whose internals moved under
 * the pack fails here, before a single trial trains on wrong gradients.
 */
import type { KernelBackend, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';
import type { TF } from '../platform/tf';
import { callKernel, type KernelBackendName } from './compose';
import { TRAINING_KERNELS } from './pack';
import { builtInKernel, isPackKernel } from './register';

/** Largest |ours − cpu's| allowed, relative to the largest |cpu's|. */
export const GRADIENT_TOLERANCE = 1e-4;

export interface InputSpec {
  shape: number[];
  dtype?: 'float32' | 'int32';
  /** Fixed values; seeded values in [−0.5, 0.5) when absent. */
  values?: number[];
}

export interface CheckCase {
  kernelName: string;
  inputs: Record<string, InputSpec>;
  attrs: NamedAttrMap;
}

/** Small cases, two per kernel: enough to catch a wrong pad, stride or transpose. */
export const CHECK_CASES: readonly CheckCase[] = [
  { kernelName: 'Conv2DBackpropFilter', inputs: { x: { shape: [2, 5, 6, 3] }, dy: { shape: [2, 3, 3, 4] } }, attrs: { strides: 2, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 3, 4] } },
  { kernelName: 'Conv2DBackpropFilter', inputs: { x: { shape: [2, 5, 5, 2] }, dy: { shape: [2, 4, 2, 3] } }, attrs: { strides: [1, 2], pad: 'valid', dataFormat: 'NHWC', filterShape: [2, 3, 2, 3] } },
  { kernelName: 'Conv2DBackpropInput', inputs: { dy: { shape: [2, 3, 3, 4] }, filter: { shape: [3, 3, 3, 4] } }, attrs: { strides: 2, pad: 'same', dataFormat: 'NHWC', inputShape: [2, 5, 6, 3] } },
  { kernelName: 'Conv2DBackpropInput', inputs: { dy: { shape: [2, 4, 2, 3] }, filter: { shape: [2, 3, 2, 3] } }, attrs: { strides: [1, 2], pad: 'valid', dataFormat: 'NHWC', inputShape: [2, 5, 5, 2] } },
  { kernelName: 'DepthwiseConv2dNativeBackpropFilter', inputs: { x: { shape: [2, 5, 6, 3] }, dy: { shape: [2, 3, 3, 6] } }, attrs: { strides: 2, dilations: 1, pad: 'same', filterShape: [3, 3, 3, 2] } },
  { kernelName: 'DepthwiseConv2dNativeBackpropFilter', inputs: { x: { shape: [2, 5, 5, 2] }, dy: { shape: [2, 4, 3, 2] } }, attrs: { strides: 1, dilations: 1, pad: 'valid', filterShape: [2, 3, 2, 1] } },
  { kernelName: 'DepthwiseConv2dNativeBackpropInput', inputs: { dy: { shape: [2, 3, 3, 6] }, filter: { shape: [3, 3, 3, 2] } }, attrs: { strides: 2, dilations: 1, pad: 'same', inputShape: [2, 5, 6, 3] } },
  { kernelName: 'DepthwiseConv2dNativeBackpropInput', inputs: { dy: { shape: [2, 4, 3, 2] }, filter: { shape: [2, 3, 2, 1] } }, attrs: { strides: 1, dilations: 1, pad: 'valid', inputShape: [2, 5, 5, 2] } },
  { kernelName: 'UnsortedSegmentSum', inputs: { x: { shape: [6, 3] }, segmentIds: { shape: [6], dtype: 'int32', values: [0, 2, 2, 5, -1, 1] } }, attrs: { numSegments: 4 } },
  { kernelName: 'UnsortedSegmentSum', inputs: { x: { shape: [4, 2, 2] }, segmentIds: { shape: [4], dtype: 'int32', values: [1, 1, 0, 1] } }, attrs: { numSegments: 3 } },
  { kernelName: 'BatchMatMul', inputs: { a: { shape: [2, 4, 3] }, b: { shape: [2, 5, 4] } }, attrs: { transposeA: true, transposeB: true } },
  { kernelName: 'BatchMatMul', inputs: { a: { shape: [1, 3, 4] }, b: { shape: [1, 5, 4] } }, attrs: { transposeA: false, transposeB: true } },
  { kernelName: '_FusedMatMul', inputs: { a: { shape: [1, 4, 3] }, b: { shape: [1, 4, 5] } }, attrs: { transposeA: true, transposeB: false, activation: 'linear' } },
];

/**
 * Runs the check cases of every pack kernel registered on `backendName`.
 * @returns null when all match the cpu backend's kernels, else which did not and by how much.
 */
export function checkTrainingKernels(tf: TF, backendName: KernelBackendName): string | null {
  const backend = tf.engine().findBackend(backendName);
  const cpu = tf.engine().findBackend('cpu');
  if (!backend || !cpu) return `the ${backendName} backend is not initialized`;
  const failures: string[] = [];
  for (const entry of TRAINING_KERNELS) {
    if (entry.refusal || !isPackKernel(tf, entry.kernelName, backendName)) continue;
    const reference = builtInKernel(tf, entry.kernelName, 'cpu');
    const ours = tf.getKernel(entry.kernelName, backendName);
    if (!reference) continue; // nothing to compare with: cpu lacks it too
    for (const c of CHECK_CASES.filter((c) => c.kernelName === entry.kernelName)) {
      const expected = runKernelCase(cpu, reference.kernelFunc, c);
      let error: number;
      try {
        error = relativeError(runKernelCase(backend, ours.kernelFunc, c), expected);
      } catch (err) {
        failures.push(`${c.kernelName} failed (${err instanceof Error ? err.message : String(err)})`);
        break;
      }
      if (!(error <= GRADIENT_TOLERANCE)) {
        failures.push(`${c.kernelName} differs from cpu's by ${error.toExponential(1)} (relative)`);
        break;
      }
    }
  }
  return failures.length ? `its training kernels failed the start-up gradient check: ${failures.join('; ')}` : null;
}

type RawKernelFunc = Parameters<typeof callKernel>[0]['kernelFunc'];

/** Runs one kernel function on `backend` with the case's inputs; frees everything it wrote. */
export function runKernelCase(backend: KernelBackend, kernelFunc: RawKernelFunc, c: CheckCase): { shape: number[]; values: Float32Array } {
  const made: TensorInfo[] = [];
  try {
    const inputs: Record<string, TensorInfo> = {};
    let seed = 1;
    for (const [name, spec] of Object.entries(c.inputs)) {
      const dtype = spec.dtype ?? 'float32';
      const size = spec.shape.reduce((a, b) => a * b, 1);
      const values = dtype === 'int32' ? Int32Array.from(spec.values!) : spec.values ? Float32Array.from(spec.values) : seededValues(size, seed++);
      const info = { dataId: backend.write(values, spec.shape, dtype), shape: spec.shape, dtype };
      made.push(info);
      inputs[name] = info;
    }
    const out = callKernel({ kernelName: c.kernelName, backendName: '', kernelFunc }, inputs, c.attrs, backend);
    made.push(out);
    return { shape: out.shape, values: Float32Array.from(backend.readSync(out.dataId) as Float32Array) };
  } finally {
    for (const info of made) backend.disposeData(info.dataId);
  }
}

/** max |a − b| / max |b|, or Infinity when the shapes differ. */
export function relativeError(actual: { shape: number[]; values: Float32Array }, expected: { shape: number[]; values: Float32Array }): number {
  if (actual.shape.join() !== expected.shape.join()) return Infinity;
  let scale = 1e-12;
  let diff = 0;
  for (let i = 0; i < expected.values.length; i++) {
    scale = Math.max(scale, Math.abs(expected.values[i]));
    diff = Math.max(diff, Math.abs(actual.values[i] - expected.values[i]));
  }
  return diff / scale;
}

/** Deterministic values in [−0.5, 0.5): the check must not depend on Math.random. */
function seededValues(size: number, seed: number): Float32Array {
  const values = new Float32Array(size);
  let state = seed;
  for (let i = 0; i < size; i++) {
    state = (state * 1103515245 + 12345) % 2147483648;
    values[i] = state / 2147483648 - 0.5;
  }
  return values;
}
