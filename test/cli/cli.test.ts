import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Ajv from 'ajv';
import type { Options } from 'yargs';
import { OUTPUT_FLAGS, TUNE_FLAGS } from '../../src/cli/args';
import { BIN, startProbeUntilTrial } from '../helpers/cli';
import { testBackend, testBackendFlag } from '../helpers/backend';

/** The built command, run as a user runs it. */
const run = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 120_000 });
/** Small, fast settings for a real run of the synthetic example. */
const QUICK = ['--example', 'synthetic-regression', ...testBackendFlag('wasm'), '--min-trial-time', '0.1', '--min-steps', '2', '--max-batch', '1024', '--time-budget', '20'];

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'autobatch-cli-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('autobatch CLI', () => {
  test('--help lists every probe flag of the yargs table, with its default', () => {
    const r = run(['probe', '--help']);
    expect(r.status).toBe(0);
    // yargs wraps long lines: compare with the whitespace collapsed.
    const help = r.stdout.replace(/\s+/g, ' ');
    const specs: [string, Options][] = [...Object.values(TUNE_FLAGS).map((s): [string, Options] => [s.flag, s.yargs]), ...Object.entries(OUTPUT_FLAGS)];
    expect(specs.length).toBe(Object.keys(TUNE_FLAGS).length + Object.keys(OUTPUT_FLAGS).length);
    for (const [flag, spec] of specs) {
      expect(help).toMatch(new RegExp(`(^| )--${flag} `));
      const shown = spec.defaultDescription ?? (spec.default === undefined ? undefined : String(spec.default));
      if (shown !== undefined) expect({ flag, help: help.includes(`[default: ${shown}]`) }).toEqual({ flag, help: true });
    }
  });

  test.each([
    [['probe', '--min-batch', 'abc'], '--min-batch "abc" is not a whole number'],
    [['probe', '--max-memory', 'lots'], '--max-memory "lots" is not a size'],
    [['probe', '--time-budget', '0'], '--time-budget "0" must be a positive number'],
    [['probe', '--min-batch', '64', '--max-batch', '32'], '--max-batch 32 is below minBatch 64'],
    [['probe', '--bogus'], 'Unknown argument: bogus'],
    [['probe', '--out', '/no/such/dir/r.json'], '--out /no/such/dir/r.json: folder /no/such/dir does not exist'],
    [[], 'Name a command'],
    [['setup', 'webgl'], 'Invalid values'],
    [['setup', 'tensorflow', '--from-wheel', '/no/such.whl'], '--from-wheel /no/such.whl: no such file'],
  ])('%p: one line on stderr, exit 2', (args, message) => {
    const r = run(args);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toBe('');
  });

  test('--json prints only the JSON document on stdout, the same one --out writes', () => {
    const out = path.join(dir, 'result.json');
    const r = run(['probe', ...QUICK, '--json', '--out', out]);
    // Complete (exit 0) in about 5 s on an idle machine; one starved enough to overrun the
    // 20 s budget cuts the search (exit 3), and the document says so. Either way stdout is the document.
    expect([0, 3]).toContain(r.status);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ schemaVersion: 2, complete: r.status === 0, backend: { name: testBackend('wasm') }, tool: { name: 'autobatch' } });
    if (!doc.complete) expect(doc.incompleteReason).toMatch(/time budget/);
    // The leanest search shape has two sizes; a cut search has at least the one it measured first.
    expect(doc.candidates.length).toBeGreaterThanOrEqual(doc.complete ? 2 : 1);
    expect(doc.noise.atInit.bSimple).toBeGreaterThan(0);
    expect(doc.lrRange.suggestion).toBeGreaterThan(0);
    expect(doc.recommendation.reasons.length).toBeGreaterThan(2);
    const sizes = doc.probe.trials.map((t: { batchSize: number }) => t.batchSize);
    expect(sizes.length).toBeGreaterThanOrEqual(2);
    expect(sizes).toEqual([...sizes].sort((a, b) => a - b));
    expect(doc.probe.maxFeasibleBatch).toBeLessThanOrEqual(1024);
    expect(doc.recommendation.batchSize).toBeLessThanOrEqual(doc.probe.maxFeasibleBatch);
    expect(doc.hardware.cpu.cores).toBeGreaterThan(0);
    // The search ran on a pool of trial processes (its size depends on the machine's load now).
    expect(doc.search).toMatchObject({ inProcess: false, failedRuns: 0 });
    expect(doc.search.parallel).toBeGreaterThanOrEqual(1);
    // Every run's steps: each size's and the user's default's.
    const runs: { steps: number }[] = [...doc.candidates.flatMap((c: { runs: { steps: number }[] }) => c.runs), ...doc.search.default.runs];
    expect(doc.search.steps).toBe(runs.reduce((sum, r) => sum + r.steps, 0));
    for (const c of doc.candidates) for (const r of c.runs) expect(r.process).toBeLessThan(doc.search.parallel);
    expect(JSON.parse(fs.readFileSync(out, 'utf8'))).toEqual(doc);
    expect(r.stderr).toContain('probing capacity');
    // It validates against the schema the command prints.
    const schema = run(['schema']);
    expect(schema.status).toBe(0);
    const validate = new Ajv().compile(JSON.parse(schema.stdout));
    expect(validate(doc)).toBe(true);
    expect(validate({ ...doc, probe: { ...doc.probe, stopReason: 'bored' } })).toBe(false);
  });

  test('--format env prints assignments a shell can eval', () => {
    const r = run(['probe', ...QUICK, '--no-search', '--format', 'env']);
    expect(r.status).toBe(0);
    const shell = spawnSync('bash', ['-c', `eval "$(cat)"; echo "$AUTOBATCH_BATCH_SIZE $AUTOBATCH_LEARNING_RATE $AUTOBATCH_COMPLETE"`], { input: r.stdout, encoding: 'utf8' });
    const [batch, lr, complete] = shell.stdout.trim().split(' ');
    expect(Number(batch)).toBeGreaterThanOrEqual(8);
    expect(Number(lr)).toBeGreaterThan(0);
    expect(complete).toBe('true');
  });

  test('SIGINT ends the run within seconds and leaves valid JSON marked incomplete', async () => {
    const out = path.join(dir, 'interrupted.json');
    const { child, exited } = await startProbeUntilTrial(
      ['--example', 'synthetic-regression', '--backend', 'cpu', '--min-trial-time', '2', '--out', out],
      /batch \d+:/,
    );
    const sentAt = Date.now();
    child.kill('SIGINT');
    const code = await exited;
    expect(Date.now() - sentAt).toBeLessThan(10_000);
    expect(code).toBe(130);
    const doc = JSON.parse(fs.readFileSync(out, 'utf8'));
    expect(doc.complete).toBe(false);
    expect(doc.incompleteReason).toBe('interrupted');
    expect(doc.probe.trials.length).toBeGreaterThanOrEqual(1);
  });
});
