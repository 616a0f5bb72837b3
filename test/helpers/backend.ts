import { BACKEND_NAMES, type BackendName } from '../../src/document';
import { activateBackend } from '../../src/platform/backend';
import type { TF } from '../../src/platform/tf';

/** Set by CI's second suite: `AUTOBATCH_TEST_BACKEND=tensorflow npx jest …` (see .ci/run). */
export const TEST_BACKEND_VARIABLE = 'AUTOBATCH_TEST_BACKEND';

/**
 * The backend a test whose result depends on the backend trains on: the one
 * AUTOBATCH_TEST_BACKEND names, else `fallback`, the one the test was written for.
 * Tests that exist to test one backend (wasm's kernels, cpu as the reference) name it
 * directly instead.
 * @throws when the variable names no backend, so a typo cannot run the wrong suite.
 */
export function testBackend(fallback: BackendName): BackendName {
  const named = process.env[TEST_BACKEND_VARIABLE];
  if (named === undefined || named === '') return fallback;
  if (!(BACKEND_NAMES as readonly string[]).includes(named)) throw new Error(`${TEST_BACKEND_VARIABLE}=${named} is not one of ${BACKEND_NAMES.join(', ')}`);
  return named as BackendName;
}

/** `--backend NAME` for the test backend, for tests that run the built command. */
export function testBackendFlag(fallback: BackendName): string[] {
  return ['--backend', testBackend(fallback)];
}

/**
 * Makes the test backend active in this process. The fallback is set as the test always
 * set it (`tf.setBackend`); another backend goes through `activateBackend`, as the
 * tuner's processes take it (its package loaded, on wasm and cpu the training kernels).
 * @throws when that backend cannot be used here (tfjs-node not built: run `npx autobatch setup tensorflow`).
 */
export async function useTestBackend(tf: TF, fallback: BackendName): Promise<BackendName> {
  const name = testBackend(fallback);
  if (name === fallback && name !== 'tensorflow') {
    await tf.setBackend(name);
    return name;
  }
  const reason = await activateBackend(tf, name);
  if (reason !== null) throw new Error(`${TEST_BACKEND_VARIABLE}=${name}, but that backend cannot be used: ${reason}`);
  return name;
}
