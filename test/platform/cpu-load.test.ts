import { spawn } from 'node:child_process';
import * as os from 'node:os';
import { LEAST_WINDOW_MS, coresBusyElsewhere, coresBusyElsewhereSince, sampleCpu, treeCpuSeconds, type CpuSample } from '../../src/platform/cpu-load';

const at = (seconds: number, machineSeconds: number | null, ownSeconds: number | null): CpuSample => ({ at: seconds * 1000, machineSeconds, ownSeconds });

describe('coresBusyElsewhere', () => {
  test.each([
    ['the machine busy only with this tuner: none', at(0, 100, 10), at(10, 120, 30), 0],
    ['another program on one core', at(0, 100, 10), at(10, 130, 30), 1],
    ['rounding noise never below zero', at(0, 100, 10), at(10, 119, 30), 0],
    ['under a second apart: not measurable', at(0, 100, 10), at(0.5, 101, 10.5), null],
    ['no /proc: not measurable', at(0, null, null), at(10, null, null), null],
  ] as const)('%s', (_name, from, to, expected) => {
    expect(coresBusyElsewhere(from, to)).toBe(expected);
  });
});

const linux = process.platform === 'linux';

(linux ? describe : describe.skip)('on Linux', () => {
  test('a sample reads the machine and this process', () => {
    const s = sampleCpu();
    expect(s.machineSeconds).toBeGreaterThan(0);
    expect(s.ownSeconds).toBeGreaterThan(0);
  });

  test('measured from a sample taken a moment ago: it waits out the least window, and counts a busy program outside this process tree', async () => {
    // A spinning node whose parent shell exits at once: reparented away, it is another program.
    const shell = spawn('sh', ['-c', `"${process.execPath}" -e "const end = Date.now() + 5000; while (Date.now() < end);" >/dev/null 2>&1 & echo $!`]);
    let out = '';
    shell.stdout.on('data', (chunk) => (out += chunk));
    await new Promise((resolve) => shell.on('close', resolve));
    const spinner = Number(out.trim());
    try {
      const from = sampleCpu();
      const elsewhere = await coresBusyElsewhereSince(from);
      expect(Date.now() - from.at).toBeGreaterThanOrEqual(LEAST_WINDOW_MS);
      // At least most of the core it spins on (more where other programs run too); never more than the machine has.
      expect(elsewhere).toBeGreaterThan(0.5);
      expect(elsewhere).toBeLessThanOrEqual(os.cpus().length + 0.1);
    } finally {
      process.kill(spinner, 'SIGKILL');
    }
  });

  test("a busy child's CPU time counts in this process tree, while it runs and after it ended", async () => {
    const before = treeCpuSeconds(process.pid)!;
    // It spins until it has used 0.6 s of CPU (by the wall clock, a busy machine gave it
    // less), says so, and lives on until its stdin closes.
    const child = spawn(process.execPath, ['-e', "const used = () => { const u = process.cpuUsage(); return u.user + u.system; }; while (used() < 600_000); console.log('spun'); process.stdin.resume(); process.stdin.on('end', () => process.exit(0));"]);
    await new Promise((resolve) => child.stdout.once('data', resolve));
    // All of it, to /proc's hundredths: a live child's own time, then an ended one's in its parent's cutime.
    expect(treeCpuSeconds(process.pid)! - before).toBeGreaterThanOrEqual(0.58);
    const exited = new Promise((resolve) => child.on('exit', resolve));
    child.stdin.end();
    await exited;
    expect(treeCpuSeconds(process.pid)! - before).toBeGreaterThanOrEqual(0.58);
  });
});
