/**
 * The training kernels as a backend is activated: registered, then checked against the
 * cpu backend's own kernels, once per TensorFlow.js instance and backend.
 */
import type { TF } from '../platform/tf';
import type { KernelBackendName } from './compose';
import { checkTrainingKernels } from './gradient-check';
import { registerPack, restoreBuiltInKernels } from './register';

const checked = new WeakMap<TF, Map<KernelBackendName, string | null>>();

/** Registers the pack on `backendName` before the backend initializes; idempotent. */
export function registerKernelsFor(tf: TF, backendName: KernelBackendName): void {
  registerPack(tf, backendName);
}

/**
 * Checks the pack on the (initialized) backend. A wasm pack that fails is removed and
 * wasm is refused with the reason; on cpu the built-in kernels are put back, since
 * they are the reference and merely slower.
 * @returns null when the backend may train, else why not.
 */
export function verifyKernelsFor(tf: TF, backendName: KernelBackendName): string | null {
  let perBackend = checked.get(tf);
  if (!perBackend) checked.set(tf, (perBackend = new Map()));
  if (perBackend.has(backendName)) return perBackend.get(backendName)!;
  const failure = checkTrainingKernels(tf, backendName);
  if (failure) restoreBuiltInKernels(tf, backendName);
  const verdict = failure && backendName === 'wasm' ? failure : null;
  perBackend.set(backendName, verdict);
  return verdict;
}
