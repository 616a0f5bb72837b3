import { activateBackend, backendVersions, selectBackend, tensorflowPairingProblem } from '../../src/platform/backend';
import { loadTf } from '../../src/platform/tf';
import { createWorkload } from '../../src/workloads/workload';
import { trainingStep } from '../../src/runner/in-process';
import { SETTINGS, tinyWorkload } from '../helpers/tiny-workload';
import { testBackend } from '../helpers/backend';

const tf = loadTf();

/** One real training step of the tiny model, as `tune` checks each backend. */
const check = (layers: { conv?: boolean; conv3d?: boolean }) => async () => {
  const workload = await createWorkload(tf, tinyWorkload(layers), SETTINGS);
  const model = await workload.createModel();
  try {
    await trainingStep(model, workload.data.batches(8, 'sequential', 0))();
  } finally {
    model.dispose();
    workload.dispose();
  }
  return tf.getBackend();
};

describe('selectBackend', () => {
  test('auto falls back past a backend that refuses a training kernel, and says why', async () => {
    const skipped: string[] = [];
    // wasm's Conv3D gradients are wrong, so autobatch refuses them; tfjs-node is absent on machines without internet.
    const selection = await selectBackend(tf, 'auto', check({ conv3d: true }), (name, reason) => skipped.push(`${name}: ${reason}`));
    if (selection.name === 'tensorflow') {
      // tfjs-node is installed here and trains Conv3D: auto takes it first, with nothing to fall back from.
      expect(selection).toMatchObject({ value: 'tensorflow', fallbackReason: null });
      expect(skipped).toEqual([]);
    } else {
      expect(selection.name).toBe('cpu');
      expect(selection.value).toBe('cpu');
      expect(selection.fallbackReason).toMatch(/wasm: a training step failed: wasm's Conv3D gradients are wrong/);
      expect(skipped.some((s) => s.startsWith('wasm:'))).toBe(true);
    }
  });

  test('a dense model trains on wasm', async () => {
    const selection = await selectBackend(tf, 'wasm', check({}));
    expect(selection).toMatchObject({ name: 'wasm', fallbackReason: null, value: 'wasm' });
  });

  test('a convolutional model trains on wasm, with the training kernels activateBackend registers', async () => {
    const selection = await selectBackend(tf, 'wasm', check({ conv: true }));
    expect(selection).toMatchObject({ name: 'wasm', fallbackReason: null, value: 'wasm' });
  });

  test('an explicit backend that cannot train the model is an error, not a silent fallback', async () => {
    await expect(selectBackend(tf, 'wasm', check({ conv3d: true }))).rejects.toMatchObject({
      code: 'E_BACKEND',
      message: expect.stringContaining('Conv3D'),
    });
  });
});

describe('the versions a run records', () => {
  test('tfjs always; on tensorflow, TF_Version() of the C library tfjs-node loaded', async () => {
    const name = testBackend('wasm');
    expect(await activateBackend(tf, name)).toBeNull();
    const versions = backendVersions(tf, name);
    if (name === 'tensorflow') expect(versions).toEqual({ tfjsVersion: tf.version.tfjs, tensorflowVersion: expect.stringMatching(/^2\.\d+\.\d+/) });
    else expect(versions).toEqual({ tfjsVersion: tf.version.tfjs });
  });

  test.each([
    ['2.21.0', null],
    ['2.9.1', null],
    ['3.0.0', /needs TensorFlow 2's C library; its binding loaded TensorFlow 3\.0\.0/],
    [null, /does not report TF_Version/],
  ])("tfjs-node 4.x with TensorFlow %p's C library", (version, problem) => {
    const reason = tensorflowPairingProblem(version);
    if (problem === null) expect(reason).toBeNull();
    else expect(reason).toMatch(problem);
  });
});
