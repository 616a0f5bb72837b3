import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadTf } from '../../src/platform/tf';
import { InputError } from '../../src/util/errors';
import { sha256OfFile } from '../../src/workloads/file-hash';
import { RunFolder, removeOrphans, shareWorkloadData } from '../../src/workloads/shared-data';
import { resolveWorkload, withoutPreparedData, type WorkloadSpec } from '../../src/workloads/spec';
import { createWorkload } from '../../src/workloads/workload';
import { blobsCsv, tempDir } from '../helpers/files';

const tf = loadTf();
const files = tempDir('shared');
const SETTINGS = { seed: 3, validationSplit: 0.25 };
const spec = (over: Partial<WorkloadSpec>): WorkloadSpec => ({ example: 'mnist-mlp', standardize: true, ...SETTINGS, ...over });

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** The workload's numbers and initial weights, as one hash. */
async function fingerprintOf(s: WorkloadSpec): Promise<string> {
  const workload = await createWorkload(tf, await resolveWorkload(s), s);
  try {
    return workload.fingerprint();
  } finally {
    workload.dispose();
  }
}

describe('data loaded once and shared', () => {
  test("a data file's spec carries the prepared numbers and the file's hash; a process given it never reads the file", async () => {
    const csv = files.write('blobs.csv', blobsCsv(120));
    const source = spec({ data: csv, label: 'kind' });
    const fromSource = await fingerprintOf(source);
    const folder = new RunFolder();
    try {
      const definition = await resolveWorkload(source);
      const shared = await shareWorkloadData(tf, definition, source, folder.path);
      expect(shared.spec).toMatchObject({ data: csv, label: 'kind', dataSha256: sha256OfFile(csv), prepared: { sha256: expect.stringMatching(/^[0-9a-f]{64}$/) } });
      expect(path.dirname(shared.spec.prepared!.file)).toBe(folder.path);
      // The file is gone: the workload comes from the prepared numbers, preparation included.
      fs.renameSync(csv, `${csv}.away`);
      const rebuilt = await resolveWorkload(shared.spec);
      expect(rebuilt.preparation).toEqual(definition.preparation);
      expect(rebuilt.name).toBe('blobs.csv');
      expect(await fingerprintOf(shared.spec)).toBe(fromSource);
      // This process's own definition (the numbers it just wrote) is the same workload too.
      const own = await createWorkload(tf, shared.definition, source);
      expect(own.fingerprint()).toBe(fromSource);
      own.dispose();
    } finally {
      folder.remove();
      if (fs.existsSync(`${csv}.away`)) fs.renameSync(`${csv}.away`, csv);
    }
  });

  test('a process that reads the data file itself (no prepared file) refuses a file changed since, with one line', async () => {
    const csv = files.write('changing.csv', blobsCsv(60));
    const remote = spec({ data: csv, label: 'kind', dataSha256: sha256OfFile(csv) });
    await expect(resolveWorkload(remote)).resolves.toBeDefined();
    fs.appendFileSync(csv, '0.5,0.5,class_1\n');
    let error: unknown;
    try {
      await resolveWorkload(remote);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(/changing\.csv: the file changed since the tuner read it \(sha256 [0-9a-f]{12}…, not [0-9a-f]{12}…\); refused: run the tuner again$/);
    expect((error as Error).message).not.toContain('\n');
  });

  test("a module's loadData runs once: processes given the prepared spec do not call it", async () => {
    const counter = path.join(files.dir(), 'loads.txt');
    const module = files.write(
      'counted.cjs',
      `const fs = require('node:fs');
       exports.createModel = (tf) => tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 1, kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) })] });
       exports.loss = 'meanSquaredError';
       exports.loadData = (tf) => {
         fs.appendFileSync(${JSON.stringify(counter)}, 'x');
         const x = Array.from({ length: 40 }, (_, i) => [Math.sin(i), Math.cos(i)]);
         return { x, y: x.map((r) => [r[0] - r[1]]) };
       };`,
    );
    const source = spec({ model: module });
    const folder = new RunFolder();
    try {
      const shared = await shareWorkloadData(tf, await resolveWorkload(source), source, folder.path);
      expect(shared.spec.dataSha256).toBeUndefined();
      const a = await fingerprintOf(shared.spec);
      const b = await fingerprintOf(shared.spec);
      expect(a).toBe(b);
      expect(fs.readFileSync(counter, 'utf8')).toBe('x');
      // Without the prepared file (a worker elsewhere) the module loads its own data, the same.
      expect(await fingerprintOf(withoutPreparedData(shared.spec))).toBe(a);
      expect(fs.readFileSync(counter, 'utf8')).toBe('xx');
    } finally {
      folder.remove();
    }
  });

  test("a run folder left by a tuner killed with SIGKILL is removed by the next; a running tuner's is kept", () => {
    const parent = fs.mkdtempSync(path.join(files.dir(), 'tmp-'));
    // A pid that ran and ended: this test's own short-lived child.
    const gone = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' }).stdout.trim();
    for (const name of [`autobatch-run-${gone}-abc123`, `autobatch-run-${process.pid}-def456`, 'autobatch-other']) {
      fs.mkdirSync(path.join(parent, name));
      fs.writeFileSync(path.join(parent, name, 'data.bin'), 'x');
    }
    removeOrphans(parent);
    expect(fs.readdirSync(parent).sort()).toEqual(['autobatch-other', `autobatch-run-${process.pid}-def456`]);
  });

  test('the run folder goes with the process, even when it ends by process.exit (a second Ctrl-C)', () => {
    const script = `
      const { RunFolder } = require(${JSON.stringify(path.resolve(__dirname, '../../src/workloads/shared-data.ts'))});
      const folder = new RunFolder();
      require('node:fs').writeFileSync(require('node:path').join(folder.path, 'data.bin'), 'x');
      console.log(folder.path);
      process.exit(130);`;
    const r = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script], { encoding: 'utf8', cwd: path.resolve(__dirname, '../..') });
    expect(r.status).toBe(130);
    const made = r.stdout.trim();
    expect(made).toMatch(/autobatch-run-\d+-/);
    expect(fs.existsSync(made)).toBe(false);
  });
});
