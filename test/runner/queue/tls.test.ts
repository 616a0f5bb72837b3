import { spawn } from 'node:child_process';
import * as os from 'node:os';
import type { AutobatchDocument } from '../../../src/document';
import { describeConnectionError, isCertificateError } from '../../../src/runner/queue/connection';
import { BIN } from '../../helpers/cli';
import { tempDir } from '../../helpers/files';
import { descendants, stillRunning } from '../../helpers/processes';
import { until } from '../../helpers/queue-fixture';
import { makeTestCertificates, redisTls, startRedis, type TestCertificates, type TestRedis } from '../../helpers/redis';
import { describeNeeding } from '../../helpers/requirements';

/** A quick real run of the synthetic example on cpu: a search of a few runs. */
const QUICK = ['--example', 'synthetic-regression', '--backend', 'cpu', '--min-trial-time', '0.1', '--min-steps', '2', '--max-batch', '256', '--time-budget', '40', '--epochs', '2'];
const PASSWORD = 'tls-hunter2-secret';
const CHILD_SCRIPT = 'runner/child.js';

/** The environment of a command that trusts `ca` (a private CA), or, without it, only Node's own CAs. */
function envTrusting(ca?: string): NodeJS.ProcessEnv {
  const { NODE_EXTRA_CA_CERTS: _ignored, AUTOBATCH_DEBUG: _debug, ...env } = process.env;
  return ca ? { ...env, NODE_EXTRA_CA_CERTS: ca } : env;
}

/** Samples the trial processes under `pid` until `stop`, which returns all it saw. */
function watchTrialProcesses(pid: number): { stop: () => number[] } {
  const seen = new Set<number>();
  const timer = setInterval(() => stillRunning(descendants(pid), CHILD_SCRIPT).forEach((child) => seen.add(child)), 200);
  return { stop: () => (clearInterval(timer), [...seen]) };
}

interface Finished {
  status: number | null;
  stdout: string;
  stderr: string;
  /** Trial processes seen under it while it ran. */
  trialProcesses: number[];
}

/**
 * Runs `autobatch ARGS` without blocking this process (a worker's log is read meanwhile);
 * killed after `ms`, so that a command that hangs fails its test and outlives none.
 */
function runCli(args: string[], env: NodeJS.ProcessEnv, ms: number): Promise<Finished> {
  const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const watch = watchTrialProcesses(child.pid!);
  const timer = setTimeout(() => child.kill('SIGKILL'), ms);
  return new Promise((resolve) => {
    child.once('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr, trialProcesses: watch.stop() });
    });
  });
}

describeNeeding(...redisTls())('a job queue over TLS (rediss://, a real redis-server with a throwaway CA)', () => {
  const files = tempDir('queue-tls');
  let certs: TestCertificates;
  let redis: TestRedis;
  beforeAll(async () => {
    certs = makeTestCertificates(files.dir());
    redis = await startRedis(['--requirepass', PASSWORD], { tls: certs });
  });
  afterAll(async () => {
    await redis?.stop();
  });
  const url = () => `rediss://:${PASSWORD}@127.0.0.1:${redis.port}`;
  const shown = () => `rediss://***@127.0.0.1:${redis.port}`;

  test('the CA trusted through NODE_EXTRA_CA_CERTS: the search runs as jobs on one worker over TLS; no password anywhere; no process left', async () => {
    const env = envTrusting(certs.ca);
    const worker = spawn(process.execPath, [BIN, 'worker', '--queue', url()], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    worker.stderr.on('data', (chunk) => (log += chunk));
    const workerExited = new Promise<number | null>((resolve) => worker.once('exit', resolve));
    const watch = watchTrialProcesses(worker.pid!);
    let probe: Finished;
    let workerStatus: number | null;
    let workerChildren: number[];
    try {
      await until(() => /waiting for runs/.test(log), 30_000);
      probe = await runCli(['probe', ...QUICK, '--queue', url(), '--queue-wait', '60', '--json'], env, 90_000);
    } finally {
      worker.kill('SIGTERM');
      const force = setTimeout(() => worker.kill('SIGKILL'), 10_000);
      workerStatus = await workerExited;
      clearTimeout(force);
      workerChildren = watch.stop();
    }
    expect(workerStatus).toBe(0);
    expect(workerChildren.length).toBeGreaterThan(0);
    await until(() => stillRunning([...workerChildren, ...probe.trialProcesses], CHILD_SCRIPT).length === 0, 10_000);

    expect(probe.stderr).not.toMatch(/cannot connect|does not answer|internal error/);
    // 3: the short budget cut the search on a busy machine; its runs still trained on the worker.
    expect([0, 3]).toContain(probe.status);
    const doc = JSON.parse(probe.stdout) as AutobatchDocument;
    expect(doc.search?.queue).toMatchObject({ url: shown(), workers: 1, retries: 0 });
    expect(doc.search?.inProcess).toBe(false);
    const runs = doc.candidates.flatMap((c) => c.runs ?? []);
    expect(runs.length).toBeGreaterThan(0);
    expect([...new Set(runs.map((x) => x.worker))]).toEqual([`${os.hostname()}:${worker.pid}`]);
    expect(probe.stdout + probe.stderr).not.toContain(PASSWORD);
    expect(log).toContain(`worker ${os.hostname()}:${worker.pid} on ${shown()}: `);
    expect(log).toMatch(/training run [0-9a-f]{32}: batch \d+/);
    expect(log).not.toContain(PASSWORD);
  }, 120_000);

  test('a certificate from a CA this machine does not trust: probe and worker each stop at once with one line that says so and how to trust it, exit 1', async () => {
    const line = `autobatch: cannot connect to Redis at ${shown()}: its TLS certificate does not verify (self-signed certificate in certificate chain; to trust the server's CA, set NODE_EXTRA_CA_CERTS to its PEM file)`;
    for (const args of [['probe', ...QUICK, '--queue', url()], ['worker', '--queue', url()]]) {
      const r = await runCli(args, envTrusting(), 20_000);
      expect({ command: args[0], status: r.status, stderr: r.stderr.split('\n') }).toEqual({ command: args[0], status: 1, stderr: [line, ''] });
      expect(r.stdout).not.toContain(PASSWORD);
      expect(r.trialProcesses).toEqual([]);
    }
  }, 50_000);
});

describe('what a connection error says (pure)', () => {
  const tlsError = (code: string, message: string) => Object.assign(new Error(message), { code });
  test.each([
    // code, is a certificate error (fails at once), the hint to trust a CA
    ['SELF_SIGNED_CERT_IN_CHAIN', true, true],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', true, true],
    ['UNABLE_TO_GET_ISSUER_CERT_LOCALLY', true, true],
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', true, true],
    ['CERT_HAS_EXPIRED', true, false], // trusting the CA would not help
    ['ERR_TLS_CERT_ALTNAME_INVALID', true, false], // another host's certificate
    ['ECONNREFUSED', false, false], // Redis may yet start: a worker waits for it
    ['ECONNRESET', false, false],
  ])('%s: certificate error %s, hint %s', (code, certificate, hint) => {
    const err = tlsError(code, 'the text');
    expect(isCertificateError(err)).toBe(certificate);
    expect(describeConnectionError(err)).toBe(hint ? "the text; to trust the server's CA, set NODE_EXTRA_CA_CERTS to its PEM file" : 'the text');
  });

  test('anything without a code is its message, and no certificate error', () => {
    expect(describeConnectionError(new Error('WRONGPASS invalid username-password pair'))).toBe('WRONGPASS invalid username-password pair');
    expect(isCertificateError('a string')).toBe(false);
    expect(isCertificateError(null)).toBe(false);
  });
});
