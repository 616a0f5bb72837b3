import type { BackendName } from '../document';
import { AutobatchError, BackendError, describeError } from '../util/errors';
import { registerKernelsFor, verifyKernelsFor } from '../kernels/prepare-kernels';
import type { TF } from './tf';

/** What `backend` may be: `auto` tries tensorflow (tfjs-node), then wasm, then cpu. */
export const BACKEND_CHOICES = ['auto', 'tensorflow', 'wasm', 'cpu'] as const;
export type BackendChoice = 'auto' | BackendName;

/** The order `auto` tries backends in: fastest kernels first. */
export const BACKEND_ORDER: readonly BackendName[] = ['tensorflow', 'wasm', 'cpu'];

/**
 * Makes `name` the active backend, loading its package first. On wasm and cpu it
 * registers the training kernels TensorFlow.js lacks or runs slowly (`src/kernels/`)
 * and checks them against cpu's own; every process that trains (the tuner and its
 * trial processes) comes through here, so all train with the same kernels.
 * @returns null on success, else why the backend cannot be used.
 */
export async function activateBackend(tf: TF, name: BackendName): Promise<string | null> {
  try {
    if (name === 'tensorflow') {
      // TensorFlow logs INFO lines (CPU features, thread pools) on stderr while it loads;
      // they would interleave with the progress lines. Warnings and errors still show.
      process.env.TF_CPP_MIN_LOG_LEVEL ??= '1';
      require('@tensorflow/tfjs-node');
    }
    if (name === 'wasm') require('@tensorflow/tfjs-backend-wasm');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'MODULE_NOT_FOUND' && name === 'tensorflow') {
      return '@tensorflow/tfjs-node is not installed (its install downloads libtensorflow, which needs internet access)';
    }
    return `its package failed to load: ${firstLine(describeError(err))}`;
  }
  if (!tf.findBackendFactory(name)) {
    // tfjs-node registers its backend with the tfjs-core it resolves; a second copy of
    // tfjs-core (a version mismatch) leaves our instance without it.
    return `the backend did not register with autobatch's @tensorflow/tfjs ${tf.version.tfjs} (version mismatch?)`;
  }
  // Before the backend initializes: the engine then runs the setup of the kernels we wrap.
  if (name !== 'tensorflow') registerKernelsFor(tf, name);
  try {
    const ok = await tf.setBackend(name);
    if (!ok) return 'it failed to initialize';
    await tf.ready();
  } catch (err) {
    return `it failed to initialize: ${firstLine(describeError(err))}`;
  }
  if (name !== 'tensorflow') return verifyKernelsFor(tf, name);
  const versions = backendVersions(tf, name);
  return tensorflowPairingProblem(versions.tensorflowVersion ?? null);
}

/** The versions `backend` of the document records: tfjs always, TensorFlow's C library on tensorflow. */
export interface BackendVersions {
  tfjsVersion: string;
  tensorflowVersion?: string;
}

/**
 * The versions of the active backend's libraries: `tf.version.tfjs`, and on tensorflow
 * the `TF_Version()` tfjs-node's binding exposes as `binding.TF_Version`.
 */
export function backendVersions(tf: TF, name: BackendName): BackendVersions {
  const tfjsVersion = tf.version.tfjs;
  if (name !== 'tensorflow') return { tfjsVersion };
  const binding = (tf.findBackend('tensorflow') as { binding?: { TF_Version?: unknown } } | undefined)?.binding;
  return typeof binding?.TF_Version === 'string' ? { tfjsVersion, tensorflowVersion: binding.TF_Version } : { tfjsVersion };
}

/**
 * Why tfjs-node's binding cannot be trusted with the TensorFlow C library it loaded, or
 * null. tfjs-node 4.x calls TensorFlow 2's C API (it ships 2.9.1; `autobatch setup
 * tensorflow` builds against 2.21.0): another major version, or none reported, is refused.
 */
export function tensorflowPairingProblem(tensorflowVersion: string | null): string | null {
  if (tensorflowVersion === null) return "its binding does not report TF_Version(): not tfjs-node's binding?";
  if (!/^2\./.test(tensorflowVersion)) return `tfjs-node 4.x needs TensorFlow 2's C library; its binding loaded TensorFlow ${tensorflowVersion}`;
  return null;
}

export interface BackendSelection<T> {
  name: BackendName;
  /** Why earlier backends were skipped, one clause each; null when the first worked. */
  fallbackReason: string | null;
  /** What `check` returned on the chosen backend. */
  value: T;
  /** The backends skipped before it, and why. */
  skipped: { backend: BackendName; reason: string }[];
}

/**
 * Picks the first backend, in `BACKEND_ORDER` for `auto`, on which `check` succeeds.
 * `check` should run one real training step, so a backend that lacks a kernel the
 * model needs (wasm's Conv3D gradients are refused) is skipped with the reason kept.
 * @throws BackendError when no backend passes.
 */
export async function selectBackend<T>(
  tf: TF,
  choice: BackendChoice,
  check: (name: BackendName) => Promise<T>,
  onSkip: (name: BackendName, reason: string) => void = () => {},
): Promise<BackendSelection<T>> {
  const candidates = choice === 'auto' ? BACKEND_ORDER : [choice];
  const skipped: { backend: BackendName; reason: string }[] = [];
  for (const name of candidates) {
    let reason = await activateBackend(tf, name);
    if (reason === null) {
      try {
        const value = await check(name);
        return { name, fallbackReason: skipped.length ? skipped.map((s) => `${s.backend}: ${s.reason}`).join('; ') : null, value, skipped };
      } catch (err) {
        // The user's input is at fault on every backend: no use trying the next.
        if (err instanceof AutobatchError && err.code === 'E_INPUT') throw err;
        reason = `a training step failed: ${firstLine(describeError(err))}`;
      }
    }
    skipped.push({ backend: name, reason });
    onSkip(name, reason);
  }
  throw new BackendError(`no backend can train this model (${skipped.map((s) => `${s.backend}: ${s.reason}`).join('; ')})`);
}

function firstLine(text: string): string {
  return text.split('\n')[0].trim();
}
