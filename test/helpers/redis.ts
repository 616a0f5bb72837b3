import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';

/** A redis-server of the test's own on a free loopback port, without persistence: a restart loses its data. */
export interface TestRedis {
  port: number;
  /** `redis://127.0.0.1:PORT`, or `rediss://…` with TLS; no password (add it where a test gave `--requirepass`). */
  url: string;
  /** Stops it (SIGTERM, then SIGKILL) and waits for its exit. */
  stop(): Promise<void>;
  /** Starts it again on the same port, empty. */
  start(): Promise<void>;
}

export function haveRedis(): boolean {
  return spawnSync('redis-server', ['--version']).status === 0;
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
 * Why a Redis over TLS cannot start here, or null when it can: redis-server built without
 * TLS does not know `--tls-port` (a build with it stops at once here, as it listens nowhere).
 */
export function whyNoTlsRedis(): string | null {
  if (!haveRedis()) return 'redis-server is not installed';
  if (spawnSync('openssl', ['version']).status !== 0) return 'openssl is not installed (it makes the test certificates)';
  const probe = spawnSync('redis-server', ['--port', '0', '--tls-port', '0', '--save', '', '--appendonly', 'no'], { encoding: 'utf8', timeout: 10_000 });
  if (/Bad directive|FATAL CONFIG/.test(`${probe.stdout}${probe.stderr}`)) return 'redis-server was built without TLS (it does not know --tls-port)';
  return null;
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
  if (!haveRedis()) throw new Error('these tests need redis-server: apt-get install -y redis-server (as .ci/run does)');
  const port = await freePort();
  const { tls } = options;
  const listen = tls
    ? ['--port', '0', '--tls-port', String(port), '--tls-cert-file', tls.cert, '--tls-key-file', tls.key, '--tls-ca-cert-file', tls.ca, '--tls-auth-clients', 'no']
    : ['--port', String(port)];
  let proc: ChildProcess | null = null;
  const start = async () => {
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
