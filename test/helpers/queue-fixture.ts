import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import type { HardwareInfo } from '../../src/document';
import { snapshotHardware } from '../../src/platform/hardware';
import { loadTf } from '../../src/platform/tf';
import { RunQueue } from '../../src/runner/queue/client';
import { hardwareFingerprint } from '../../src/runner/queue/fingerprint';
import type { TuningRecord } from '../../src/runner/queue/protocol';
import { parseQueueUrl } from '../../src/runner/queue/url';
import { runQueueWorker } from '../../src/runner/queue/worker';
import { givenFiles, toQueueWorkload } from '../../src/runner/queue/workload-files';
import type { RunSpec } from '../../src/runner/run-spec';
import { resolveWorkload, type WorkloadSpec } from '../../src/workloads/spec';
import { createWorkload, type Workload } from '../../src/workloads/workload';
import { tempDir } from './files';
import { startRedis, type TestRedis } from './redis';

/** A seeded 6-16-1 MLP on 320 seeded rows: a run of a few dozen steps takes well under a second. */
export const TINY_MODULE = `
  exports.createModel = (tf) => {
    const init = (seed) => tf.initializers.glorotUniform({ seed });
    return tf.sequential({ layers: [
      tf.layers.dense({ inputShape: [6], units: 16, activation: 'relu', kernelInitializer: init(1) }),
      tf.layers.dense({ units: 1, kernelInitializer: init(2) }),
    ] });
  };
  exports.loss = 'meanSquaredError';
  exports.loadData = (tf) => {
    const make = (n, offset) => {
      const x = Array.from({ length: n }, (_, i) => [0, 1, 2, 3, 4, 5].map((j) => Math.sin(3 * (i + offset) + j)));
      return { x: tf.tensor2d(x), y: tf.tensor2d(x.map((r) => [r[0] * r[1] + r[2]])) };
    };
    return { train: make(256, 0), validation: make(64, 1000) };
  };`;

/**
 * A real Redis of the test's own, the tiny module workload on cpu, and this machine's
 * hardware; queues, workers in this process and workers in processes of their own (to
 * kill). Every process it starts is stopped by the end of the file.
 */
export function queueFixture() {
  const tf = loadTf();
  const files = tempDir('queue');
  const state = {} as { redis: TestRedis; spec: WorkloadSpec; workload: Workload; hardware: HardwareInfo; modelFile: string };
  const spawned: ChildProcess[] = [];
  let tunings = 0;

  beforeAll(async () => {
    await tf.setBackend('cpu');
    state.redis = await startRedis();
    state.modelFile = files.write('tiny.cjs', TINY_MODULE);
    state.spec = { example: 'mnist-mlp', model: state.modelFile, standardize: true, validationSplit: 0.2, seed: 42 };
    state.workload = await createWorkload(tf, await resolveWorkload(state.spec), state.spec);
    state.hardware = await snapshotHardware();
  }, 60_000);

  afterAll(async () => {
    for (const proc of spawned) if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
    state.workload?.dispose();
    await state.redis?.stop();
  });

  const tuning = (): TuningRecord => ({
    format: 1,
    name: `test-${process.pid}-${++tunings}`,
    workload: toQueueWorkload(state.spec),
    workloadFingerprint: state.workload.fingerprint(),
    backend: 'cpu',
    minBatch: 4,
    hardware: hardwareFingerprint(state.hardware),
    toolVersion: 'test',
  });

  return {
    tf,
    files,
    get redis() {
      return state.redis;
    },
    get spec() {
      return state.spec;
    },
    get workload() {
      return state.workload;
    },
    get hardware() {
      return state.hardware;
    },
    get modelFile() {
      return state.modelFile;
    },
    openQueue: (waitSeconds: number, messages: string[] = []) =>
      RunQueue.open({ url: parseQueueUrl(state.redis.url), tuning: tuning(), waitSeconds, onMessage: (m) => messages.push(m), pollMs: 100 }),

    /** A worker in this process; `stop` ends it and waits. */
    startWorker(name: string, overrides: { hardware?: HardwareInfo; files?: string[] } = {}) {
      const controller = new AbortController();
      const log: string[] = [];
      const done = runQueueWorker({
        url: parseQueueUrl(state.redis.url),
        name,
        hardware: overrides.hardware ?? state.hardware,
        files: givenFiles(overrides.files ?? [state.modelFile]),
        lockSeconds: 2,
        pollMs: 200,
        log: (line) => log.push(line),
        signal: controller.signal,
      });
      return { log, stop: async () => (controller.abort(), await done) };
    },

    /** A worker in a process of its own (test/helpers/queue-worker.ts), to kill. */
    spawnWorker(name: string) {
      const script = path.join(__dirname, 'queue-worker.ts');
      const proc = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', script, state.redis.url, name, '2', state.modelFile], { stdio: ['ignore', 'ignore', 'pipe'] });
      spawned.push(proc);
      const log: string[] = [];
      proc.stderr!.on('data', (chunk: Buffer) => log.push(...chunk.toString().split('\n').filter(Boolean)));
      return { proc, log };
    },
  };
}

export const tinyRun = (batchSize: number, learningRate: number, steps = 12): RunSpec => ({
  batchSize, learningRate, steps, seconds: 120, schedule: 'linear-decay', seed: 7, precondition: true, maxBatch: 16, measureNoise: true, noiseBatches: 16,
});

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Resolves once `check` holds (polled), or fails after `ms`: a wait for an event, never a measured time. */
export async function until(check: () => boolean, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}
