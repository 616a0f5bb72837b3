import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { program, type Requirement } from './requirements';

/** A redis-server of the test's own on a free loopback port, without persistence: a restart loses its data. */
export interface TestRedis {
  port: number;
  /** `redis://127.0.0.1:PORT`, or `rediss://…` with TLS; no password (add it where a test gave `--requirepass`). */
  url: string;
  /** Stops it (SIGTERM, then SIGKILL) and waits for its exit. */
  stop(): Promise<void>;
  /** Starts it again on the same port, empty; nothing while it runs. */
  start(): Promise<void>;
}

/** Debian's redis-server, which `.ci/run` installs: what every queue suite needs. */
export function redisServer(): Requirement {
  return program('redis-server', 'apt-get install -y redis-server');
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** A throwaway CA and a server certificate it signed for 127.0.0.1 and localhost: PEM files. */
export interface TestCertificates {
  /** The CA's certificate: what a client trusts (`NODE_EXTRA_CA_CERTS`). */
  ca: string;
  cert: string;
  key: string;
}

/**
 * What a Redis over TLS needs besides redis-server: openssl, which makes the test
 * certificates, and a redis-server built with TLS (one without does not know
 * `--tls-port`; one with it stops at once here, as it listens nowhere).
 */
export function redisTls(): Requirement[] {
  const openssl = program('openssl', 'apt-get install -y openssl', ['version']);
  const server = redisServer();
  if (server.missing) return [server, openssl];
  const probe = spawnSync('redis-server', ['--port', '0', '--tls-port', '0', '--save', '', '--appendonly', 'no'], { encoding: 'utf8', timeout: 10_000 });
  const withoutTls = /Bad directive|FATAL CONFIG/.test(`${probe.stdout}${probe.stderr}`);
  return [server, openssl, { install: "Debian's redis-server has it; a build from source needs BUILD_TLS=yes", missing: withoutTls ? 'redis-server was built without TLS (it does not know --tls-port)' : null }];
}

/** Makes a CA and a server certificate for 127.0.0.1 and localhost in `dir` with openssl, valid for two days. */
export function makeTestCertificates(dir: string): TestCertificates {
  const file = (name: string) => path.join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  const key = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl('req', '-x509', ...key, '-keyout', file('ca.key'), '-out', file('ca.pem'), '-days', '2', '-subj', '/CN=autobatch test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
  openssl('req', '-new', ...key, '-keyout', file('server.key'), '-out', file('server.csr'), '-subj', '/CN=127.0.0.1');
  fs.writeFileSync(file('server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  openssl('x509', '-req', '-in', file('server.csr'), '-CA', file('ca.pem'), '-CAkey', file('ca.key'), '-set_serial', '1', '-days', '2',
    '-extfile', file('server.ext'), '-out', file('server.pem'));
  return { ca: file('ca.pem'), cert: file('server.pem'), key: file('server.key') };
}

/**
 * Starts redis-server (Debian's; `.ci/run` installs it). With `tls`, it listens only for
 * TLS (`rediss://`), with that certificate, and asks clients for none.
 */
export async function startRedis(args: readonly string[] = [], options: { tls?: TestCertificates } = {}): Promise<TestRedis> {
  const { missing, install } = redisServer();
  if (missing) throw new Error(`${missing}: ${install} (as .ci/run does); a suite that needs it asks describeNeeding(redisServer())`);
  const port = await freePort();
  const { tls } = options;
  const listen = tls
    ? ['--port', '0', '--tls-port', String(port), '--tls-cert-file', tls.cert, '--tls-key-file', tls.key, '--tls-ca-cert-file', tls.ca, '--tls-auth-clients', 'no']
    : ['--port', String(port)];
  let proc: ChildProcess | null = null;
  const start = async () => {
    // Already running (a test's `finally` that starts it again after a failure): a second
    // one could not bind, and the first would outlive the test.
    if (proc && proc.exitCode === null && proc.signalCode === null) return;
    proc = spawn('redis-server', [...listen, '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...args], { stdio: 'ignore' });
    for (let i = 0; i < 100; i++) {
      if (await accepts(port)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`redis-server did not start on port ${port}`);
  };
  const stop = async () => {
    const p = proc;
    proc = null;
    if (!p || p.exitCode !== null) return;
    const exited = new Promise((resolve) => p.once('exit', resolve));
    p.kill('SIGTERM');
    const timer = setTimeout(() => p.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  };
  await start();
  return { port, url: `${tls ? 'rediss' : 'redis'}://127.0.0.1:${port}`, stop, start };
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
