import { probeCapacity, type ProbeOptions } from '../../src/probe/probe';
import { FakeRunner, type FakeMachine } from '../helpers/fake-runner';
import { MiB } from '../helpers/trials';

/** Throughput that saturates at 10,000 samples/s, half of it at batch 64. */
const saturating = (b: number) => (10_000 * b) / (b + 64);
/** Throughput that keeps growing (a big accelerator). */
const linear = (b: number) => 100 * b;
const memory = (b: number) => 100 * MiB + b * MiB;

function probe(machine: FakeMachine, options: Partial<ProbeOptions> = {}) {
  const runner = new FakeRunner(machine);
  const result = probeCapacity(runner, {
    minBatch: 8,
    maxBatch: Infinity,
    datasetSize: 1_000_000,
    memoryBudgetBytes: 100_000 * MiB,
    warmupSteps: 1,
    minSteps: 5,
    minSeconds: 0,
    deadline: Infinity,
    now: runner.now,
    ...options,
  });
  return result.then((r) => ({ ...r, ran: runner.ran }));
}

describe('probeCapacity', () => {
  test('stops at the throughput plateau and reports the knee', async () => {
    const r = await probe({ throughput: saturating, peakBytes: memory });
    expect(r.stopReason).toBe('throughput-plateau');
    // 2048 → 4096 gains 1.5 % and 1024 → 4096 under 5 %: stop after 4096. The best rate
    // is 9,846 samples/s; 512 is the first size above 90 % of it (8,889).
    expect(r.ran).toEqual([8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096]);
    expect(r.throughputKnee).toBe(512);
    expect(r.maxFeasibleBatch).toBe(4096);
  });

  // Lightning-style: a model that dies at batch >= failAt; [failAt, expected max feasible, expected sizes run]
  test.each([
    [100, 96, [8, 16, 32, 64, 128, 96, 112, 104]], // three bisection steps, then within an eighth
    [64, 60, [8, 16, 32, 64, 48, 56, 60]],
    [9, 8, [8, 16, 12, 10, 9]], // fails down to the gap of one
  ])('an out-of-memory at batch >= %i stops on oom and bisects below it', async (failAt, maxFeasible, ran) => {
    const r = await probe({ throughput: linear, peakBytes: memory, failAt });
    expect(r.stopReason).toBe('oom');
    expect(r.maxFeasibleBatch).toBe(maxFeasible);
    expect(r.maxFeasibleBatch!).toBeLessThan(failAt);
    expect(r.ran).toEqual(ran);
    expect(r.trials.filter((t) => t.status === 'ok').every((t) => t.batchSize < failAt)).toBe(true);
  });

  test('stops on the memory budget; no ok trial is over it', async () => {
    const budget = 700 * MiB; // fits 600 samples
    const r = await probe({ throughput: linear, peakBytes: memory }, { memoryBudgetBytes: budget });
    expect(r.stopReason).toBe('memory');
    for (const t of r.trials.filter((t) => t.status === 'ok')) expect(t.peakBytes!).toBeLessThanOrEqual(budget);
    // 512 fits; 1024 is predicted over and never run; bisecting skips the predicted-over midpoints.
    expect(r.ran).not.toContain(1024);
    expect(r.maxFeasibleBatch).toBeGreaterThanOrEqual(512);
    expect(r.maxFeasibleBatch).toBeLessThanOrEqual(600);
  });

  test('stops at the data set size', async () => {
    const r = await probe({ throughput: linear, peakBytes: memory }, { datasetSize: 100 });
    expect(r.stopReason).toBe('dataset');
    expect(r.ran).toEqual([8, 16, 32, 64, 100]);
  });

  test('stops at --max-batch', async () => {
    const r = await probe({ throughput: linear, peakBytes: memory }, { maxBatch: 50 });
    expect(r.stopReason).toBe('max-batch');
    expect(r.maxFeasibleBatch).toBe(50);
  });

  test('stops when the next trial would not finish in time', async () => {
    // Each trial takes 1 s of simulated time; 3.5 s allow three.
    const r = await probe({ throughput: linear, peakBytes: memory, trialSeconds: 1 }, { deadline: 3500, minSeconds: 1 });
    expect(r.stopReason).toBe('time');
    expect(r.ran).toEqual([8, 16, 32]);
  });

  test('an aborted probe stops before the next trial and says so', async () => {
    const controller = new AbortController();
    const runner = new FakeRunner({ throughput: linear, peakBytes: memory });
    const original = runner.runTrial.bind(runner);
    runner.runTrial = async (spec) => {
      if (runner.ran.length === 2) controller.abort();
      return original(spec);
    };
    const r = await probeCapacity(runner, {
      minBatch: 8, maxBatch: Infinity, datasetSize: 1e6, memoryBudgetBytes: 1e12,
      warmupSteps: 1, minSteps: 1, minSeconds: 0, deadline: Infinity, signal: controller.signal, now: runner.now,
    });
    expect(r.interrupted).toBe(true);
    expect(r.trials.map((t) => t.batchSize)).toEqual([8, 16, 32]);
  });
});
