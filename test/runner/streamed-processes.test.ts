import * as path from 'node:path';
import { activateBackend } from '../../src/platform/backend';
import { snapshotHardware } from '../../src/platform/hardware';
import { loadTf } from '../../src/platform/tf';
import { RunPool } from '../../src/runner/pool';
import { RunQueue } from '../../src/runner/queue/client';
import { hardwareFingerprint } from '../../src/runner/queue/fingerprint';
import { parseQueueUrl } from '../../src/runner/queue/url';
import { runQueueWorker } from '../../src/runner/queue/worker';
import { givenFiles, toQueueWorkload } from '../../src/runner/queue/workload-files';
import type { RunSpec } from '../../src/runner/run-spec';
import { trainCandidate } from '../../src/search/train-candidate';
import { RunFolder, shareOrLoadEach } from '../../src/workloads/shared-data';
import { resolveWorkload, type WorkloadSpec } from '../../src/workloads/spec';
import { createWorkload, type Workload } from '../../src/workloads/workload';
import { testBackend } from '../helpers/backend';
import { tempDir } from '../helpers/files';
import { writeShapeImages } from '../helpers/images';
import { redisServer, startRedis } from '../helpers/redis';
import { describeNeeding } from '../helpers/requirements';

/**
 * A folder of images read by the search's other processes: each opens the folder itself
 * (no prepared file), and trains a run to the same result as this process does.
 */
const tf = loadTf();
const files = tempDir('streamed');
const backend = testBackend('wasm');
const folder = new RunFolder();
const run: RunSpec = { batchSize: 8, learningRate: 0.01, seconds: 60, steps: 6, seed: 3, precondition: false, maxBatch: 16, measureNoise: false };
let spec: WorkloadSpec;
let workload: Workload;
let local: Awaited<ReturnType<typeof trainCandidate>>;

beforeAll(async () => {
  const dir = path.join(files.dir(), 'shapes');
  await writeShapeImages(dir, { perClass: 10, corrupt: 1 });
  const given: WorkloadSpec = { example: 'mnist-mlp', data: dir, imageSize: { width: 16, height: 16 }, standardize: true, validationSplit: 0.25, seed: 5 };
  const shared = await shareOrLoadEach(tf, await resolveWorkload(given), given, folder);
  spec = shared!.spec;
  expect(await activateBackend(tf, backend)).toBeNull();
  workload = await createWorkload(tf, shared!.definition, spec);
  local = await trainCandidate(tf, workload, run);
}, 60_000);

afterAll(() => {
  workload?.dispose();
  folder.remove();
});

test("the tuner's survey goes in the spec: the folder's checked files, no prepared data file", () => {
  expect(spec.prepared).toBeUndefined();
  expect(spec.imagePreparation).toMatchObject({ files: { train: 22, validation: 8 }, channels: 3 });
  expect(spec.imagePreparation!.files.skipped).toHaveLength(3);
});

test('a pool process opens the folder itself and trains the same run to the same losses', async () => {
  const pool = new RunPool({ workload: spec, backend, minBatch: 4, size: 1 });
  try {
    await pool.start();
    const outcome = await pool.workers()[0].run(run);
    expect(outcome.failure).toBeUndefined();
    expect(outcome.run!.steps).toBe(6);
    expect(outcome.run!.valLoss).toBeCloseTo(local.valLoss!, 5);
    expect(outcome.run!.trainLoss).toBeCloseTo(local.trainLoss!, 5);
  } finally {
    await pool.close();
  }
}, 120_000);

describeNeeding(redisServer())('on a job queue', () => {
  test("a queue's worker given the folder (--data DIR) finds it by its listing and trains the same run", async () => {
    const redis = await startRedis();
    const hardware = await snapshotHardware();
    const controller = new AbortController();
    const log: string[] = [];
    const worker = runQueueWorker({
      url: parseQueueUrl(redis.url), name: 'images', hardware, files: givenFiles([spec.data!]), lockSeconds: 5, pollMs: 200, log: (l) => log.push(l), signal: controller.signal,
    });
    const queue = await RunQueue.open({
      url: parseQueueUrl(redis.url),
      tuning: { format: 1, name: `images-${process.pid}`, workload: toQueueWorkload(spec), workloadFingerprint: workload.fingerprint(), backend, minBatch: 4, hardware: hardwareFingerprint(hardware), toolVersion: 'test' },
      waitSeconds: 60,
      onMessage: () => {},
      pollMs: 100,
    });
    try {
      expect(await queue.waitForWorkers()).toBe(1);
      const outcome = await queue.workers(1)[0].run(run);
      expect(outcome.run!.valLoss).toBeCloseTo(local.valLoss!, 5);
      expect(outcome.worker).toBe('images');
      expect(log.join('\n')).toMatch(/hardware and workload match/);
    } finally {
      await queue.close();
      controller.abort();
      await worker;
      await redis.stop();
    }
  }, 120_000);
});
