import { spawn } from 'node:child_process';
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

  test('measured from a sample taken a moment ago: it waits out the least window, and measures', async () => {
    const from = sampleCpu();
    const elsewhere = await coresBusyElsewhereSince(from);
    expect(Date.now() - from.at).toBeGreaterThanOrEqual(LEAST_WINDOW_MS);
    expect(elsewhere).not.toBeNull();
    expect(elsewhere).toBeGreaterThanOrEqual(0);
  });

  test("a busy child's CPU time counts in this process tree, while it runs and after it ended", async () => {
    const before = treeCpuSeconds(process.pid)!;
    const child = spawn(process.execPath, ['-e', 'const end = Date.now() + 600; while (Date.now() < end);']);
    await new Promise((resolve) => child.on('exit', resolve));
    // The child spun for 0.6 s: at least half of that shows up in its parent's cutime.
    expect(treeCpuSeconds(process.pid)! - before).toBeGreaterThan(0.3);
  });
});
