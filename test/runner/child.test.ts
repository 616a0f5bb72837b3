import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadTf } from '../../src/platform/tf';
import { IsolatedRunner } from '../../src/runner/isolated';
import type { RunSpec } from '../../src/runner/run-spec';
import { InputError } from '../../src/util/errors';
import { RunFolder, shareWorkloadData, type SharedWorkload } from '../../src/workloads/shared-data';
import { resolveWorkload, type WorkloadSpec } from '../../src/workloads/spec';
import { blobsCsv, tempDir } from '../helpers/files';

const tf = loadTf();
const files = tempDir('child');
const folder = new RunFolder();
let csv: string;
let source: WorkloadSpec;
let shared: SharedWorkload;

beforeAll(async () => {
  await tf.setBackend('cpu');
  csv = files.write('blobs.csv', blobsCsv(300));
  source = { example: 'mnist-mlp', data: csv, label: 'kind', standardize: true, validationSplit: 0.2, seed: 11 };
  shared = await shareWorkloadData(tf, await resolveWorkload(source), source, folder.path);
});

afterAll(() => folder.remove());

const runner = (workload: WorkloadSpec) => new IsolatedRunner({ workload, backend: 'cpu', minBatch: 4 });
const RUN: RunSpec = { batchSize: 16, learningRate: 0.01, steps: 10, seconds: 60, schedule: 'linear-decay', seed: 5, precondition: true, maxBatch: 32, measureNoise: false };

/** A run's losses after its steps, and its workload's fingerprint, from a fresh trial process. */
async function trainIn(r: IsolatedRunner) {
  try {
    const ready = await r.start();
    const pid = r.pid;
    const outcome = await r.runCandidate(RUN);
    const run = outcome.run!;
    return { ready, pid, fingerprint: await r.workloadFingerprint(), steps: run.steps, losses: run.curve.map(([, loss]) => loss), valLosses: Array.from(run.valLosses ?? []) };
  } finally {
    await r.close();
  }
}

describe('trial processes and the prepared data', () => {
  test('a process given the prepared table trains exactly as one that read the file: same losses after the same steps', async () => {
    const fromFile = await trainIn(runner(source));
    // The file is out of reach: the second process must take the prepared numbers.
    fs.renameSync(csv, `${csv}.away`);
    try {
      const prestarted = runner(source);
      prestarted.prestart();
      const pid = prestarted.pid;
      prestarted.useWorkload(shared.spec);
      const fromPrepared = await trainIn(prestarted);
      expect(fromPrepared.ready.info).toEqual(fromFile.ready.info);
      expect(fromPrepared.steps).toBe(10);
      expect(fromPrepared.losses).toEqual(fromFile.losses);
      expect(fromPrepared.valLosses).toEqual(fromFile.valLosses);
      expect(fromPrepared.fingerprint).toBe(fromFile.fingerprint);
      // The process started early was the one that trained, and says how long its start took.
      expect(pid).not.toBeNull();
      expect(fromPrepared.pid).toBe(pid);
      for (const key of ['processStart', 'dataLoad', 'backendCheck'] as const) expect(Number.isFinite(fromPrepared.ready.timings[key])).toBe(true);
    } finally {
      fs.renameSync(`${csv}.away`, csv);
    }
  }, 120_000);

  test('a prepared file changed after it was written: the process refuses it with one line, and the tuner gets an InputError', async () => {
    const changed = path.join(files.dir(), 'changed.bin');
    const bytes = fs.readFileSync(shared.spec.prepared!.file);
    bytes[bytes.length - 1] ^= 0xff;
    fs.writeFileSync(changed, bytes);
    const r = runner({ ...shared.spec, prepared: { file: changed, sha256: shared.spec.prepared!.sha256 } });
    let error: unknown;
    try {
      await r.start();
    } catch (err) {
      error = err;
    } finally {
      await r.close();
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(/^prepared data .*changed\.bin changed after the tuner wrote it \(its sha256 is [0-9a-f]{12}…, not the [0-9a-f]{12}… it was written with\); refused: run the tuner again$/);
  }, 60_000);
});
