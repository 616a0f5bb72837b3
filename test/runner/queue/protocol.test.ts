import * as fs from 'node:fs';
import * as path from 'node:path';
import { decodeOutcome, decodeSpec, encodeOutcome, encodeSpec, runJobId } from '../../../src/runner/queue/protocol';
import { givenFiles, localWorkload, toQueueWorkload } from '../../../src/runner/queue/workload-files';
import type { CandidateRun, RunSpec } from '../../../src/runner/run-spec';
import type { WorkloadSpec } from '../../../src/workloads/spec';
import { tempDir } from '../../helpers/files';

const files = tempDir('queue-protocol');
const spec: RunSpec = { batchSize: 8, learningRate: 0.01, steps: 40, seconds: Number.POSITIVE_INFINITY, schedule: 'linear-decay', seed: 3, precondition: false, maxBatch: 64 };
const tuning = { workloadFingerprint: 'w1', backend: 'cpu' as const, hardware: { hash: 'h1', text: '' } };

describe('run jobs', () => {
  test('a spec crosses as JSON and back unchanged, an infinite cap included', () => {
    const crossed = JSON.parse(JSON.stringify({ spec: encodeSpec(spec) }));
    expect(crossed.spec.seconds).toBeNull();
    expect(decodeSpec(crossed)).toEqual(spec);
  });

  test.each([
    [{ spec: { ...encodeSpec(spec), batchSize: '8' } }, /bad batchSize/],
    [{ spec: { ...encodeSpec(spec), seconds: -1 } }, /bad seconds/],
    [{ spec: { ...encodeSpec(spec), schedule: 'cosine' } }, /bad schedule/],
    [{ spec: { ...encodeSpec(spec), model: 'evil.js' } }, /unknown field "model"/], // a job names no code
    [{}, /no run spec/],
  ])('a job that is not a run spec is refused: %j', (data, message) => {
    expect(() => decodeSpec(data)).toThrow(message);
  });

  test('the job id is what the run is: the same spec, the same id (whatever the key order); another spec or workload, another', () => {
    const reordered = Object.fromEntries(Object.entries(spec).reverse()) as RunSpec;
    expect(runJobId(tuning, reordered)).toBe(runJobId(tuning, spec));
    expect(runJobId(tuning, { ...spec, learningRate: 0.02 })).not.toBe(runJobId(tuning, spec));
    expect(runJobId({ ...tuning, workloadFingerprint: 'w2' }, spec)).not.toBe(runJobId(tuning, spec));
    expect(runJobId(tuning, spec)).toMatch(/^[0-9a-f]{32}$/);
  });

  test("an outcome's validation losses (Float32Array) and NaN losses cross intact", () => {
    const run = { batchSize: 8, curve: [[0.1, Number.NaN]], valLosses: new Float32Array([1.5, 2.25]), valLoss: null } as unknown as CandidateRun;
    const back = decodeOutcome(encodeOutcome({ run }));
    expect(back.run!.valLosses?.constructor.name).toBe('Float32Array');
    expect(Array.from(back.run!.valLosses!)).toEqual([1.5, 2.25]);
    expect(back.run!.curve[0][1]).toBeNaN();
    expect(decodeOutcome(encodeOutcome({ failure: { status: 'oom', error: 'SIGKILL' } }))).toEqual({ failure: { status: 'oom', error: 'SIGKILL' } });
  });
});

describe('workloads on a queue', () => {
  test("files cross by content, no tuner's path, no prepared table; a worker trains its own file with that content, or refuses", () => {
    const model = files.write('model.cjs', 'exports.createModel = () => null;');
    const data = files.write('train.csv', 'a,b\n1,2\n');
    const workload = { example: 'mnist-mlp', model, data, label: 'b', standardize: true, validationSplit: 0.2, seed: 1, prepared: { file: '/tmp/x.bin' } } as WorkloadSpec;
    const queued = toQueueWorkload(workload);
    expect(JSON.stringify(queued)).not.toContain(files.dir());
    expect(queued).not.toHaveProperty('prepared');
    expect(queued.model).toMatchObject({ name: 'model.cjs' });

    // The worker's copies live elsewhere, under other names.
    const elsewhere = path.join(files.dir(), 'worker');
    fs.mkdirSync(elsewhere);
    fs.copyFileSync(model, path.join(elsewhere, 'm.cjs'));
    fs.copyFileSync(data, path.join(elsewhere, 'd.csv'));
    const given = givenFiles([path.join(elsewhere, 'm.cjs'), path.join(elsewhere, 'd.csv')]);
    expect(localWorkload(queued, given)).toEqual({ spec: { example: 'mnist-mlp', model: path.join(elsewhere, 'm.cjs'), data: path.join(elsewhere, 'd.csv'), label: 'b', standardize: true, validationSplit: 0.2, seed: 1 } });

    fs.writeFileSync(path.join(elsewhere, 'm.cjs'), 'exports.createModel = () => 1;');
    const changed = givenFiles([path.join(elsewhere, 'm.cjs'), path.join(elsewhere, 'd.csv')]);
    expect(localWorkload(queued, changed)).toEqual({ refused: expect.stringMatching(/trains model\.cjs .*given no file with that content \(--model FILE\)/) });
    expect(localWorkload({ example: 'synthetic-regression', standardize: true, validationSplit: 0.2, seed: 1 }, [])).toEqual({
      spec: { example: 'synthetic-regression', standardize: true, validationSplit: 0.2, seed: 1 },
    });
  });
});
