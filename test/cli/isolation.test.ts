import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BIN, startProbeUntilTrial } from '../helpers/cli';
import { tempDir } from '../helpers/files';
import { descendants, stillRunning } from '../helpers/processes';
import { testBackendFlag } from '../helpers/backend';

/** The trial and search processes' script, in the built package. */
const CHILD_SCRIPT = 'runner/child.js';

/** Trials that cannot take the tuner down, through the built command. */
const run = (args: string[]) => spawnSync(process.execPath, [BIN, 'probe', ...args], { encoding: 'utf8', timeout: 120_000 });
const FAST = ['--min-trial-time', '0.05', '--min-steps', '2', ...testBackendFlag('wasm')];
const files = tempDir('isolation');

/** A workload whose process dies (SIGKILL, or an error of `kind`) once a batch of `failAt` or more reaches the model. */
function dyingWorkload(failAt: number, kind: 'kill' | 'oom-error' | 'abort' | 'allocate'): string {
  const die = {
    kill: `process.kill(process.pid, 'SIGKILL');`,
    'oom-error': `throw new Error('OOM when allocating tensor with shape[' + x.shape[0] + ',4096]');`,
    abort: `process.abort();`,
    // A real allocation past any machine's memory: the backend's own error (TensorFlow's
    // "OOM when allocating tensor" on tensorflow, a RangeError on wasm and cpu).
    allocate: `tf.fill([x.shape[0], 2 ** 30], 0).dispose();`,
  }[kind];
  return `
    exports.createModel = (tf) => {
      class Fuse extends tf.layers.Layer {
        static className = 'Fuse';
        computeOutputShape(s) { return s; }
        call(inputs) {
          const x = Array.isArray(inputs) ? inputs[0] : inputs;
          if (x.shape[0] >= ${failAt}) { ${die} }
          return tf.relu(x);
        }
      }
      const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [8], units: 16 }), new Fuse(), tf.layers.dense({ units: 1 })] });
      model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
      return model;
    };
    exports.loadData = (tf) => {
      const x = tf.randomNormal([3000, 8], 0, 1, 'float32', 3);
      return { x, y: x.sum(1, true) };
    };`;
}

describe('process isolation', () => {
  test.each([
    ['killed by SIGKILL', 100, 'kill', 'oom'],
    ['an out-of-memory error', 40, 'oom-error', 'oom'],
    ['an abort', 24, 'abort', 'crashed'],
    ['an allocation the backend refuses', 32, 'allocate', 'oom'],
  ] as const)('a trial process %s from batch %i up: the tuner survives below it', (_name, failAt, kind, status) => {
    const model = files.write(`${kind}.cjs`, dyingWorkload(failAt, kind));
    // The probe starts at the largest power of two below the fatal size, so its first doubling
    // meets it: with one size measured before it, no throughput rule can stop the probe first
    // (a loaded machine's noisy samples/s once stopped it on throughput-plateau at batch 32).
    const minBatch = 2 ** Math.floor(Math.log2(failAt - 1));
    // A horizon of one epoch: the search fits in the budget, so the run is complete (exit 0)
    // below the fatal size; on a machine busy enough to starve it, the budget cuts the
    // search (exit 3, a document marked incomplete). Either way the tuner survived.
    const r = run(['--model', model, '--json', '--time-budget', '20', '--epochs', '1', '--min-batch', String(minBatch), ...FAST]);
    expect([0, 3]).toContain(r.status);
    const doc = JSON.parse(r.stdout);
    expect(doc.complete).toBe(r.status === 0);
    expect(doc.probe.stopReason).toBe('oom');
    expect(doc.probe.trials.some((t: { status: string; batchSize: number }) => t.status === status && t.batchSize >= failAt)).toBe(true);
    expect(doc.probe.maxFeasibleBatch).toBeLessThan(failAt);
    expect(doc.probe.safeMaxBatch).toBeLessThanOrEqual(0.8 * failAt);
    expect(doc.recommendation.batchSize).toBeLessThanOrEqual(doc.probe.safeMaxBatch);
    for (const c of doc.candidates) expect(c.batchSize).toBeLessThan(failAt);
    // The margin is said where it cut something: a size that trained above 80 % of the fatal one
    // (the probe's bisection found one, when its time allowed).
    const margin = /Safety margin/.test(doc.recommendation.reasons.join(' '));
    expect(margin).toBe(doc.probe.safeMaxBatch < doc.probe.maxFeasibleBatch);
    if (kind === 'allocate' && doc.backend.name === 'tensorflow') {
      const failed = doc.probe.trials.find((t: { status: string }) => t.status === 'oom');
      expect(failed.error).toMatch(/OOM when allocating tensor/);
    }
  });

  test('a time budget too short: partial JSON, exit 3', () => {
    const out = path.join(files.dir(), 'short.json');
    // MNIST, not the synthetic example: on a fast machine the synthetic example's whole search fits in 4 s.
    const r = run(['--example', 'mnist-mlp', '--time-budget', '4', '--min-trial-time', '0.5', '--out', out, ...testBackendFlag('wasm')]);
    expect(r.status).toBe(3);
    const doc = JSON.parse(fs.readFileSync(out, 'utf8'));
    expect(doc.complete).toBe(false);
    expect(doc.incompleteReason).toMatch(/time budget/);
    expect(doc.recommendation).not.toBeNull();
  });

  test('no batch size fits the memory budget: the result is written, exit 1', () => {
    const out = path.join(files.dir(), 'nothing.json');
    const r = run(['--example', 'synthetic-regression', '--max-memory', '1KiB', '--out', out, ...FAST]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('no batch size trained within the limits');
    const doc = JSON.parse(fs.readFileSync(out, 'utf8'));
    expect(doc.probe.trials[0]).toMatchObject({ batchSize: 8, status: 'over-budget' });
    expect(doc.recommendation).toBeNull();
  });

  test('the trial process killed at --min-batch already: one line that says so, exit 1', () => {
    const model = files.write('kill-at-once.cjs', dyingWorkload(1, 'kill'));
    const r = run(['--model', model, '--time-budget', '20', ...FAST]);
    expect(r.status).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines.pop()).toMatch(/^autobatch: batch 8 \(--min-batch\) ran out of memory in the trial process's first training step \(.*SIGKILL.*\): nothing fits/);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  test('no backend can train the model: one line, exit 1', () => {
    // wasm refuses Conv3D's gradients (they are wrong in TensorFlow.js 4.22).
    const conv = files.write('conv3d.cjs', `
      exports.createModel = (tf) => tf.sequential({ layers: [tf.layers.conv3d({ inputShape: [4, 4, 4, 1], filters: 2, kernelSize: 2 }), tf.layers.flatten(), tf.layers.dense({ units: 1 })] });
      exports.loss = 'meanSquaredError';
      exports.loadData = (tf) => ({ x: tf.randomNormal([64, 4, 4, 4, 1]), y: tf.randomNormal([64, 1]) });`);
    const r = run(['--model', conv, '--backend', 'wasm', '--no-isolate']);
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n').pop()).toMatch(/no backend can train this model \(wasm: .*Conv3D gradients are wrong/);
  });

  test('SIGINT during an isolated run: the trial process ends too', async () => {
    const out = path.join(files.dir(), 'interrupted.json');
    const { child, exited } = await startProbeUntilTrial(
      ['--example', 'synthetic-regression', ...testBackendFlag('cpu'), '--min-trial-time', '3', '--out', out],
      /batch 8:/,
    );
    const trialProcesses = stillRunning(descendants(child.pid!), CHILD_SCRIPT);
    expect(trialProcesses.length).toBeGreaterThan(0);
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(JSON.parse(fs.readFileSync(out, 'utf8')).complete).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(stillRunning(trialProcesses, CHILD_SCRIPT)).toEqual([]);
  });

  test('SIGINT during a search on a pool of two: every search process ends, the partial JSON is written', async () => {
    const out = path.join(files.dir(), 'interrupted-search.json');
    const { child, exited } = await startProbeUntilTrial(
      ['--example', 'synthetic-regression', ...testBackendFlag('wasm'), '--parallel', '2', '--time-budget', '40', '--min-trial-time', '0.2', '--out', out],
      /runs side by side/,
    );
    // Let both processes take a run.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const searchProcesses = stillRunning(descendants(child.pid!), CHILD_SCRIPT);
    expect(searchProcesses).toHaveLength(2);
    const interrupted = Date.now();
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(Date.now() - interrupted).toBeLessThan(10_000);
    const doc = JSON.parse(fs.readFileSync(out, 'utf8'));
    expect(doc).toMatchObject({ complete: false, incompleteReason: 'interrupted', search: { parallel: 2, inProcess: false } });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(stillRunning(searchProcesses, CHILD_SCRIPT)).toEqual([]);
  });

  test('the tuner killed with SIGKILL mid-search: its search processes end on their own within seconds', async () => {
    const { child, exited } = await startProbeUntilTrial(
      ['--example', 'synthetic-regression', ...testBackendFlag('wasm'), '--parallel', '2', '--time-budget', '40', '--min-trial-time', '0.2', '--json'],
      /runs side by side/,
    );
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const searchProcesses = stillRunning(descendants(child.pid!), CHILD_SCRIPT);
    expect(searchProcesses).toHaveLength(2);
    child.kill('SIGKILL');
    await exited;
    // Orphaned, each notices its IPC channel close and exits after its current step.
    const deadline = Date.now() + 10_000;
    while (stillRunning(searchProcesses, CHILD_SCRIPT).length && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
    expect(stillRunning(searchProcesses, CHILD_SCRIPT)).toEqual([]);
  });
});
