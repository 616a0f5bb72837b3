import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AutobatchDocument } from '../../src/document';
import { BIN } from '../helpers/cli';
import { tempDir } from '../helpers/files';
import { descendants } from '../helpers/processes';
import { freePort, redisServer, startRedis, type TestRedis } from '../helpers/redis';
import { describeNeeding } from '../helpers/requirements';

const run = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 120_000 });
/** A quick real run of the synthetic example on cpu. */
const QUICK = ['--example', 'synthetic-regression', '--backend', 'cpu', '--min-trial-time', '0.1', '--min-steps', '2', '--max-batch', '256', '--time-budget', '40', '--epochs', '2'];
const PASSWORD = 'hunter2-secret';

const files = tempDir('queue-cli');

test('autobatch probe --resume of a file that is not there: one line, exit 2', () => {
  const missing = run(['probe', ...QUICK, '--resume', path.join(files.dir(), 'none.json')]);
  expect(missing.status).toBe(2);
  expect(missing.stderr.trim().split('\n')).toEqual([`autobatch: ${path.join(files.dir(), 'none.json')}: no such file`]);
});

describeNeeding(redisServer())('with a Redis of its own', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startRedis(['--requirepass', PASSWORD]);
  });
  afterAll(async () => {
    await redis?.stop();
  });
  const url = () => `redis://:${PASSWORD}@127.0.0.1:${redis.port}`;

  describe('autobatch probe --queue and autobatch worker', () => {
    test('a bad URL, or a Redis that does not answer: one line, a non-zero exit, the password never shown', async () => {
      const bad = run(['worker', '--queue', `http://:${PASSWORD}@host:1`]);
      expect(bad.status).toBe(2);
      expect(bad.stderr.trim().split('\n')).toEqual(['autobatch: --queue must start with redis:// or rediss:// (TLS), not http://']);
      const closed = await freePort();
      const silent = run(['probe', ...QUICK, '--queue', `redis://:${PASSWORD}@127.0.0.1:${closed}`]);
      expect(silent.status).toBe(1);
      expect(silent.stderr).toMatch(new RegExp(`^autobatch: cannot reach Redis at redis://\\*\\*\\*@127\\.0\\.0\\.1:${closed} within 5 s`));
      expect(silent.stderr + silent.stdout).not.toContain(PASSWORD);
      // A Redis not up yet is waited for; a wrong password is not: one line, exit 1.
      const refused = run(['worker', '--queue', `redis://:wrong-${PASSWORD}@127.0.0.1:${redis.port}`]);
      expect(refused.status).toBe(1);
      expect(refused.stderr.trim().split('\n').pop()).toBe(`autobatch: Redis at redis://***@127.0.0.1:${redis.port} refused this worker: WRONGPASS invalid username-password pair or user is disabled.`);
      expect(refused.stderr).not.toContain(PASSWORD);
    }, 60_000);

    test('no worker: says so at once, trains here after the stated wait, and the document says why, without the password', () => {
      const r = run(['probe', ...QUICK, '--queue', url(), '--queue-wait', '2', '--json']);
      expect(r.stderr).toMatch(/no worker takes runs from redis:\/\/\*\*\*@127\.0\.0\.1:\d+ yet .*waiting up to 2 s, then the search trains here/);
      expect([0, 3]).toContain(r.status);
      const doc = JSON.parse(r.stdout) as AutobatchDocument;
      expect(doc.notes.some((n) => /no worker took the search's runs from redis:\/\/\*\*\*@127\.0\.0\.1:\d+ within 2 s: they trained on this machine/.test(n))).toBe(true);
      expect(doc.search?.queue).toBeUndefined();
      expect(r.stdout + r.stderr).not.toContain(PASSWORD);
    }, 120_000);

    test('one worker: the search runs as jobs on it, the document names the queue and the worker of each run; the worker stops on SIGTERM with its child', async () => {
      const worker = spawn(process.execPath, [BIN, 'worker', '--queue', url()], { stdio: ['ignore', 'ignore', 'pipe'] });
      let log = '';
      worker.stderr.on('data', (chunk) => (log += chunk));
      try {
        const r = run(['probe', ...QUICK, '--queue', url(), '--queue-wait', '60', '--json']);
        const doc = JSON.parse(r.stdout) as AutobatchDocument;
        expect(doc.search?.queue).toMatchObject({ url: `redis://***@127.0.0.1:${redis.port}`, workers: 1, retries: 0, name: expect.stringMatching(/^autobatch-[0-9a-f]{16}$/) });
        expect(doc.search?.inProcess).toBe(false);
        const runs = doc.candidates.flatMap((c) => c.runs ?? []);
        expect(runs.length).toBeGreaterThan(0);
        expect(new Set(runs.map((x) => x.worker))).toEqual(new Set([`${os.hostname()}:${worker.pid}`]));
        expect(r.stdout + r.stderr).not.toContain(PASSWORD);
      } finally {
        const children = descendants(worker.pid!);
        const exited = new Promise<number | null>((resolve) => worker.once('exit', resolve));
        worker.kill('SIGTERM');
        expect(await exited).toBe(0);
        await new Promise((r) => setTimeout(r, 300));
        expect(children.filter((pid) => fs.existsSync(`/proc/${pid}/cmdline`) && fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('child'))).toEqual([]);
      }
      // Its log (read once the probe's synchronous run let this process read it).
      expect(log).toMatch(/taking runs of tuning autobatch-[0-9a-f]{16} \(synthetic-regression, cpu; hardware and workload match\)/);
      expect(log).toMatch(/training run [0-9a-f]{32}: batch \d+/);
      expect(log).not.toContain(PASSWORD);
    }, 180_000);
  });

  describe('autobatch probe --resume', () => {
    test('the tuner SIGKILLed mid-search leaves a checkpoint; --resume carries on with the runs already finished, on the queue', async () => {
      const out = path.join(files.dir(), 'killed.json');
      const worker = spawn(process.execPath, [BIN, 'worker', '--queue', url()], { stdio: ['ignore', 'ignore', 'ignore'] });
      try {
        const tuner = spawn(process.execPath, [BIN, 'probe', ...QUICK, '--queue', url(), '--queue-wait', '60', '--out', out, '--quiet'], { stdio: 'ignore' });
        const exited = new Promise<void>((resolve) => tuner.once('exit', () => resolve()));
        // Killed outright once two runs are in its checkpoint: no handler runs, the file is all that is left.
        const recorded = () => {
          try {
            return (JSON.parse(fs.readFileSync(out, 'utf8')) as AutobatchDocument).checkpoint?.search?.runs.length ?? 0;
          } catch {
            return 0;
          }
        };
        const until = Date.now() + 90_000;
        while (recorded() < 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
        const children = descendants(tuner.pid!);
        tuner.kill('SIGKILL');
        await exited;
        // Its trial processes see their parent gone and end themselves.
        const alive = () => children.filter((pid) => fs.existsSync(`/proc/${pid}`));
        const gone = Date.now() + 10_000;
        while (alive().length && Date.now() < gone) await new Promise((r) => setTimeout(r, 100));
        expect(alive()).toEqual([]);
        const left = JSON.parse(fs.readFileSync(out, 'utf8')) as AutobatchDocument;
        expect(left.complete).toBe(false);
        expect(left.incompleteReason).toMatch(/^in progress/);
        const finished = left.checkpoint!.search!.runs.length;
        expect(finished).toBeGreaterThanOrEqual(2);
        expect(left.checkpoint!.queue).toMatch(/^autobatch-[0-9a-f]{16}$/);

        const resumed = run(['probe', ...QUICK, '--queue', url(), '--queue-wait', '60', '--resume', out, '--quiet']);
        expect(resumed.stderr).toBe('');
        expect([0, 3]).toContain(resumed.status);
        const doc = JSON.parse(fs.readFileSync(out, 'utf8')) as AutobatchDocument;
        expect(doc.resumed).toMatchObject({ from: left.createdAt, phases: ['probe', 'noise', 'lr-range'] });
        // Runs the killed tuner had recorded are reused; runs its workers finished after it died are found on the queue.
        expect(doc.resumed!.runs).toBeGreaterThanOrEqual(finished);
        expect(doc.search?.queue?.name).toBe(left.checkpoint!.queue);
        expect(doc.probe).toEqual(left.probe);
        expect(doc.candidates.flatMap((c) => c.runs ?? []).filter((r) => r.reused).length).toBe(doc.resumed!.runs);
        if (doc.complete) expect(doc.checkpoint).toBeUndefined();
        expect(fs.readFileSync(out, 'utf8')).not.toContain(PASSWORD);
      } finally {
        const exited = new Promise((resolve) => worker.once('exit', resolve));
        worker.kill('SIGTERM');
        await exited;
      }
    }, 240_000);
  });
});
