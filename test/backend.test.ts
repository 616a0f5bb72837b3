import { selectBackend } from '../src/backend';
import { loadTf } from '../src/tf';
import { createWorkload } from '../src/workloads/workload';
import { BatchCursor } from '../src/runner/batches';
import { trainingStep } from '../src/runner/in-process';
import { SETTINGS, tinyWorkload } from './helpers/tiny-workload';

const tf = loadTf();

/** One real training step of the tiny model, as `tune` checks each backend. */
const check = (conv: boolean) => async () => {
  const workload = await createWorkload(tf, tinyWorkload({ conv }), SETTINGS);
  const model = await workload.createModel();
  try {
    await trainingStep(model, new BatchCursor(tf, workload.train, 8))();
  } finally {
    model.dispose();
    workload.dispose();
  }
  return tf.getBackend();
};

describe('selectBackend', () => {
  test('auto falls back past a backend that lacks a training kernel, and says why', async () => {
    const skipped: string[] = [];
    // wasm has no Conv2DBackpropFilter; tfjs-node is absent on machines without internet.
    const selection = await selectBackend(tf, 'auto', check(true), (name, reason) => skipped.push(`${name}: ${reason}`));
    if (selection.name === 'tensorflow') return; // tfjs-node is installed here and trains convs: nothing to fall back from
    expect(selection.name).toBe('cpu');
    expect(selection.value).toBe('cpu');
    expect(selection.fallbackReason).toMatch(/wasm: a training step failed: .*Conv2DBackpropFilter/);
    expect(skipped.some((s) => s.startsWith('wasm:'))).toBe(true);
  });

  test('a dense model trains on wasm', async () => {
    const selection = await selectBackend(tf, 'wasm', check(false));
    expect(selection).toMatchObject({ name: 'wasm', fallbackReason: null, value: 'wasm' });
  });

  test('an explicit backend that cannot train the model is an error, not a silent fallback', async () => {
    await expect(selectBackend(tf, 'wasm', check(true))).rejects.toMatchObject({
      code: 'E_BACKEND',
      message: expect.stringContaining('Conv2DBackpropFilter'),
    });
  });
});
