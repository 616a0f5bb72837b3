/**
 * Registering the training kernels. They rely on TensorFlow.js internals (kernel
 * attribute names, the backends' kernel lists, registering over a built-in kernel), so
 * they are registered only on the versions they were verified with, and the backend's
 * own kernel is kept on ours so that it can be called (the matmul wrapper) or put back
 * (a failed gradient check).
 */
import type { KernelConfig, KernelFunc } from '@tensorflow/tfjs';
import type { TF } from '../platform/tf';
import type { KernelBackendName } from './compose';
import { TRAINING_KERNELS } from './pack';

/** The tfjs-core versions the pack was verified with: attribute names are not API. */
export const VERIFIED_TFJS_CORE = /^4\.22\./;

/** Marks our kernel functions, across copies of this module. */
const OURS = Symbol.for('autobatch.trainingKernel');
/** The backend's own kernel, kept on ours. */
const ORIGINAL = Symbol.for('autobatch.originalKernel');

type PackFunc = KernelFunc & { [OURS]?: true; [ORIGINAL]?: KernelConfig };

/** What `registerTrainingKernels` did. */
export interface TrainingKernels {
  /** The kernels now autobatch's, per backend (already registered ones included). */
  registered: Record<KernelBackendName, string[]>;
  /** Why a backend got no kernels: a TensorFlow.js outside the verified range, wasm not loaded. */
  skipped: Partial<Record<KernelBackendName, string>>;
}

/** Why this TensorFlow.js cannot take the pack, or null. */
export function unsupportedVersion(tf: TF): string | null {
  const core = tf.version['tfjs-core'];
  return VERIFIED_TFJS_CORE.test(core) ? null : `the training kernels are verified with @tensorflow/tfjs-core 4.22.x, not ${core}`;
}

/**
 * Registers the pack on one backend; idempotent. wasm's kernels must be loaded first
 * (`require('@tensorflow/tfjs-backend-wasm')`), or wasm would replace ours when it loads.
 * @returns the kernel names registered, or why none were.
 */
export function registerPack(tf: TF, backendName: KernelBackendName): string[] | string {
  const version = unsupportedVersion(tf);
  if (version) return version;
  if (!tf.getKernel('Conv2D', backendName)) return `the ${backendName} backend's kernels are not loaded (import its package first)`;
  const names: string[] = [];
  for (const entry of TRAINING_KERNELS) {
    if (!entry.backends.includes(backendName)) continue;
    names.push(entry.kernelName);
    const current = tf.getKernel(entry.kernelName, backendName);
    if ((current?.kernelFunc as PackFunc | undefined)?.[OURS]) continue;
    const kernelFunc = entry.build(tf, backendName, current) as PackFunc;
    kernelFunc[OURS] = true;
    if (current) {
      kernelFunc[ORIGINAL] = current;
      // registerKernel over a registered kernel works but warns; unregistering first is the quiet way.
      tf.unregisterKernel(entry.kernelName, backendName);
    }
    // The original's setup binds its wasm function; keeping it lets the original be called or put back.
    tf.registerKernel({ kernelName: entry.kernelName, backendName, kernelFunc, setupFunc: current?.setupFunc, disposeFunc: current?.disposeFunc });
  }
  return names;
}

/** Puts the backend's own kernels back (dropping ours where it has none). */
export function restoreBuiltInKernels(tf: TF, backendName: KernelBackendName): void {
  for (const entry of TRAINING_KERNELS) {
    const current = tf.getKernel(entry.kernelName, backendName);
    const func = current?.kernelFunc as PackFunc | undefined;
    if (!func?.[OURS]) continue;
    tf.unregisterKernel(entry.kernelName, backendName);
    if (func[ORIGINAL]) tf.registerKernel(func[ORIGINAL]);
  }
}

/** The backend's own kernel for `kernelName`, whether or not ours replaced it. */
export function builtInKernel(tf: TF, kernelName: string, backendName: KernelBackendName): KernelConfig | undefined {
  const current = tf.getKernel(kernelName, backendName);
  const func = current?.kernelFunc as PackFunc | undefined;
  if (!func?.[OURS]) return current;
  return func[ORIGINAL];
}

/** Whether the kernel registered now for `kernelName` is the pack's. */
export function isPackKernel(tf: TF, kernelName: string, backendName: KernelBackendName): boolean {
  return Boolean((tf.getKernel(kernelName, backendName)?.kernelFunc as PackFunc | undefined)?.[OURS]);
}

/**
 * Registers the kernels TensorFlow.js lacks for training on wasm (convolution filter
 * gradients, depthwise gradients, `UnsortedSegmentSum` for embeddings), a fast path for
 * transposed matmuls on wasm, faster convolution and embedding gradients on cpu, and a
 * refusal of wasm's wrong Conv3D gradients. Call it once, after importing
 * `@tensorflow/tfjs-backend-wasm` and before training; calling it again does nothing.
 * autobatch measures with these kernels, so training with them gets the speed it
 * measured.
 * @param tf the `@tensorflow/tfjs` your model is built with.
 */
export function registerTrainingKernels(tf: TF): TrainingKernels {
  const result: TrainingKernels = { registered: { wasm: [], cpu: [] }, skipped: {} };
  for (const backendName of ['wasm', 'cpu'] as const) {
    const outcome = registerPack(tf, backendName);
    if (typeof outcome === 'string') result.skipped[backendName] = outcome;
    else result.registered[backendName] = outcome;
  }
  return result;
}
