import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import type { AutobatchDocument } from '../../../src/document';
import { BIN } from '../../helpers/cli';
import { redisServer, startRedis, type TestRedis } from '../../helpers/redis';
import { describeNeeding, program, type Requirement } from '../../helpers/requirements';

/*
 * Workers on other hosts, as far as one machine can make them: each worker runs in a
 * network namespace of its own (its own network stack, reaching Redis only over a
 * virtual Ethernet link, not the tuner's loopback) and a UTS namespace with its own
 * hostname. Needs root and iproute2 (`ip netns`): skipped, saying why, without them, and
 * failed under CI=true (.ci/run installs iproute2 and runs as root).
 */

const PASSWORD = 'netns-secret';
const QUICK = ['--example', 'synthetic-regression', '--backend', 'cpu', '--min-trial-time', '0.1', '--min-steps', '2', '--max-batch', '256', '--time-budget', '30', '--epochs', '2'];
const tag = `ab${process.pid % 10000}`;
/** A /16 of the private range, per test process: two runs side by side do not collide. */
const net = `10.${100 + (process.pid % 100)}`;
const HOSTS = [
  { ns: `${tag}-b`, hostname: 'autobatch-host-b', outside: `${net}.1.1`, inside: `${net}.1.2` },
  { ns: `${tag}-c`, hostname: 'autobatch-host-c', outside: `${net}.2.1`, inside: `${net}.2.2` },
];

function ip(...args: string[]): void {
  const r = spawnSync('ip', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr.trim()}`);
}

/** What hosts of their own need: Linux, iproute2 and unshare, the right to make a network namespace (root), and Redis. */
function namespaces(): Requirement[] {
  if (process.platform !== 'linux') return [{ install: 'a Linux machine', missing: 'network namespaces are Linux only' }];
  const iproute = program('ip', 'apt-get install -y iproute2', ['-V']);
  const tools = [iproute, program('unshare', 'apt-get install -y util-linux'), redisServer()];
  if (iproute.missing) return tools;
  const probe = `${tag}-probe`;
  const made = spawnSync('ip', ['netns', 'add', probe], { encoding: 'utf8' });
  if (made.status === 0) spawnSync('ip', ['netns', 'del', probe]);
  return [...tools, { install: 'run the tests as root, as CI does', missing: made.status === 0 ? null : `cannot make a network namespace (${made.stderr.trim() || 'not root?'})` }];
}

function makeHost(host: (typeof HOSTS)[number]): void {
  ip('netns', 'add', host.ns);
  ip('link', 'add', `${host.ns}-o`, 'type', 'veth', 'peer', 'name', `${host.ns}-i`);
  ip('link', 'set', `${host.ns}-i`, 'netns', host.ns);
  ip('addr', 'add', `${host.outside}/24`, 'dev', `${host.ns}-o`);
  ip('link', 'set', `${host.ns}-o`, 'up');
  ip('netns', 'exec', host.ns, 'ip', 'addr', 'add', `${host.inside}/24`, 'dev', `${host.ns}-i`);
  ip('netns', 'exec', host.ns, 'ip', 'link', 'set', `${host.ns}-i`, 'up');
  ip('netns', 'exec', host.ns, 'ip', 'link', 'set', 'lo', 'up');
}

function removeHost(host: (typeof HOSTS)[number]): void {
  spawnSync('ip', ['link', 'del', `${host.ns}-o`]);
  spawnSync('ip', ['netns', 'del', host.ns]);
}

describeNeeding(...namespaces())('workers on hosts of their own (network namespaces)', () => {
  let redis: TestRedis | undefined;
  beforeAll(async () => {
    for (const host of HOSTS) makeHost(host);
    // Listening on the links too: the workers reach it only there.
    redis = await startRedis(['--requirepass', PASSWORD, '--bind', ['127.0.0.1', ...HOSTS.map((h) => h.outside)].join(' ')]);
  }, 30_000);
  afterAll(async () => {
    await redis?.stop();
    for (const host of HOSTS) removeHost(host);
  });

  test('two workers on two hosts of their own (network stack, address, hostname): the search runs as jobs on both, over the link', async () => {
    const workers: { proc: ChildProcess; log: string }[] = HOSTS.map((host) => {
      // In the namespace, with its own hostname; `exec` keeps the worker the process spawned here.
      const script = `hostname ${host.hostname} && exec "${process.execPath}" "${BIN}" worker --queue "redis://:${PASSWORD}@${host.outside}:${redis!.port}"`;
      const proc = spawn('ip', ['netns', 'exec', host.ns, 'unshare', '--uts', 'sh', '-c', script], { stdio: ['ignore', 'ignore', 'pipe'] });
      const worker = { proc, log: '' };
      proc.stderr!.on('data', (chunk) => (worker.log += chunk));
      return worker;
    });
    try {
      // The tuner's own address for the same Redis: its loopback, which the workers cannot reach.
      const r = spawnSync(process.execPath, [BIN, 'probe', ...QUICK, '--queue', `redis://:${PASSWORD}@127.0.0.1:${redis!.port}`, '--queue-wait', '60', '--json', '--parallel', '2'], {
        encoding: 'utf8',
        timeout: 180_000,
      });
      expect([0, 3]).toContain(r.status);
      const doc = JSON.parse(r.stdout) as AutobatchDocument;
      expect(doc.search?.queue?.workers).toBe(2);
      const trainedOn = new Set(doc.candidates.flatMap((c) => c.runs ?? []).map((run) => run.worker?.split(':')[0]));
      expect(trainedOn).toEqual(new Set(HOSTS.map((h) => h.hostname)));
      expect(r.stdout + r.stderr).not.toContain(PASSWORD);
    } finally {
      await Promise.all(
        workers.map(async ({ proc }) => {
          const exited = new Promise((resolve) => proc.once('exit', resolve));
          proc.kill('SIGTERM');
          await exited;
        }),
      );
    }
    for (const { log } of workers) expect(log).not.toContain(PASSWORD);
    // No process of the test is left in the namespaces.
    for (const host of HOSTS) expect(spawnSync('ip', ['netns', 'pids', host.ns], { encoding: 'utf8' }).stdout.trim()).toBe('');
  }, 240_000);
});
