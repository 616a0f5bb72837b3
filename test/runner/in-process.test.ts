import type * as tfTypes from '@tensorflow/tfjs';
import * as os from 'node:os';
import { InProcessRunner, cpuShare } from '../../src/runner/in-process';
import type { TrialSpec } from '../../src/runner/runner';
import { loadTf } from '../../src/platform/tf';
import { createWorkload, type WorkloadDefinition } from '../../src/workloads/workload';
import { SETTINGS, tinyWorkload } from '../helpers/tiny-workload';
import { useTestBackend } from '../helpers/backend';

const tf = loadTf();
const spec: TrialSpec = { batchSize: 16, warmupSteps: 2, minSteps: 3, minSeconds: 0, memoryBudgetBytes: 1e12, deadline: Infinity };

beforeAll(async () => {
  await useTestBackend(tf, 'cpu');
});

describe('InProcessRunner', () => {
  test('measures an ok trial with real training steps', async () => {
    const workload = await createWorkload(tf, tinyWorkload(), SETTINGS);
    const trial = await new InProcessRunner(tf, workload).runTrial(spec);
    workload.dispose();
    expect(trial.status).toBe('ok');
    expect(trial.steps).toBeGreaterThanOrEqual(3);
    expect(trial.stepMs!).toBeGreaterThan(0);
    expect(trial.samplesPerSec).toBeCloseTo((16 * 1000) / trial.stepMs!);
    expect(trial.peakBytes!).toBeGreaterThan(0);
    expect(trial.rssBytes!).toBeGreaterThan(0);
  });

  test('a trial long enough to tell records the cores its process kept busy', async () => {
    const workload = await createWorkload(tf, tinyWorkload(), SETTINGS);
    const trial = await new InProcessRunner(tf, workload).runTrial({ ...spec, minSeconds: 0.3 });
    workload.dispose();
    // One thread trains on cpu: at most the machine's cores, and some share of one.
    expect(trial.cpuPerWall).toBeGreaterThan(0);
    expect(trial.cpuPerWall).toBeLessThanOrEqual(os.availableParallelism() + 0.5);
  });

  test('cpuShare: CPU per wall time, null for an interval under the clock\'s grain', () => {
    expect(cpuShare({ user: 150_000, system: 50_000 }, 100)).toBe(2);
    expect(cpuShare({ user: 95_000, system: 0 }, 100)).toBe(0.95);
    expect(cpuShare({ user: 10_000, system: 0 }, 20)).toBeNull();
  });

  test('a trial leaks no tensors', async () => {
    const workload = await createWorkload(tf, tinyWorkload(), SETTINGS);
    const runner = new InProcessRunner(tf, workload);
    await runner.runTrial(spec); // first use may create lasting backend state
    const before = tf.memory().numTensors;
    await runner.runTrial({ ...spec, batchSize: 32 });
    await runner.runTrial({ ...spec, memoryBudgetBytes: 1 }); // ends early, over budget
    expect(tf.memory().numTensors).toEqual(before);
    workload.dispose();
  });

  test('peak memory grows with the batch', async () => {
    const workload = await createWorkload(tf, tinyWorkload(), SETTINGS);
    const runner = new InProcessRunner(tf, workload);
    const small = await runner.runTrial({ ...spec, batchSize: 4 });
    const large = await runner.runTrial({ ...spec, batchSize: 64 });
    workload.dispose();
    expect(large.peakBytes!).toBeGreaterThan(small.peakBytes!);
  });

  test('a trial over the memory budget ends after the profiled step, untimed', async () => {
    const workload = await createWorkload(tf, tinyWorkload(), SETTINGS);
    const trial = await new InProcessRunner(tf, workload).runTrial({ ...spec, memoryBudgetBytes: 1000 });
    workload.dispose();
    expect(trial.status).toBe('over-budget');
    expect(trial.peakBytes!).toBeGreaterThan(1000);
    expect(trial.steps).toBe(0);
  });

  test('every model starts from the same initial weights', async () => {
    const workload = await createWorkload(tf, tinyWorkload(), SETTINGS);
    const a = await workload.createModel();
    const b = await workload.createModel();
    const same = a.getWeights().every((w, i) => tf.tidy(() => w.equal(b.getWeights()[i]).all().dataSync()[0] === 1));
    expect(same).toBe(true);
    a.dispose(); b.dispose(); workload.dispose();
  });

  // Lightning-style: a model that fails at batch >= failAt, with an error of the given text.
  const failing = (failAt: number, message: string): WorkloadDefinition => {
    const base = tinyWorkload();
    return {
      ...base,
      async buildModel(tfjs) {
        const model = await base.buildModel(tfjs);
        const train = model.trainOnBatch.bind(model);
        model.trainOnBatch = async (x: tfTypes.Tensor | tfTypes.Tensor[], y: tfTypes.Tensor | tfTypes.Tensor[]) => {
          if ((x as { shape: number[] }).shape[0] >= failAt) throw new Error(message);
          return train(x, y);
        };
        return model;
      },
    };
  };

  test('an out-of-memory error becomes an oom trial, and leaks nothing', async () => {
    const workload = await createWorkload(tf, failing(32, 'OOM when allocating tensor with shape[32,1024]'), SETTINGS);
    const runner = new InProcessRunner(tf, workload);
    expect((await runner.runTrial(spec)).status).toBe('ok');
    const before = tf.memory().numTensors;
    const trial = await runner.runTrial({ ...spec, batchSize: 32 });
    expect(tf.memory().numTensors).toEqual(before);
    workload.dispose();
    expect(trial.status).toBe('oom');
    expect(trial.error).toMatch(/OOM when allocating/);
  });

  test('any other error is a training failure, not a limit', async () => {
    const workload = await createWorkload(tf, failing(1, 'shapes do not match'), SETTINGS);
    await expect(new InProcessRunner(tf, workload).runTrial(spec)).rejects.toMatchObject({
      code: 'E_TRAINING',
      message: expect.stringContaining('shapes do not match'),
    });
    workload.dispose();
  });
});
