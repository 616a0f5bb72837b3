import { RunPool } from '../../../src/runner/pool';
import type { RunWorker } from '../../../src/runner/run-spec';
import type { SearchPlan } from '../../../src/search/plan';
import { searchBatchSizes, type SearchOutcome } from '../../../src/search/search';
import { queueFixture, until } from '../../helpers/queue-fixture';
import { redisServer } from '../../helpers/redis';
import { describeNeeding } from '../../helpers/requirements';
import { paperProbe } from '../../helpers/trials';

describeNeeding(redisServer())('the search on a job queue (a real Redis)', () => {
  const fx = queueFixture();
  const probe = paperProbe();
  const plan: SearchPlan = {
    count: 3,
    rounds: [
      { batchSizes: 3, trainSeconds: 1, lrFactors: [0.5, 1, 2] },
      { batchSizes: 2, trainSeconds: 3, lrFactors: [1] },
    ],
  };
  const search = (workers: readonly RunWorker[]) =>
    searchBatchSizes(fx.tf, fx.workload, {
      probe, noiseAtInit: null, referenceLr: 0.01, referenceBatch: 8, optimizer: { name: 'adam', learningRate: 0.001 },
      plan, maxBatch: 16, seed: 5, precondition: true, workers,
    });
  /** The decisions and what they rest on, without wall times or where each run trained. */
  const decisions = (outcome: SearchOutcome) => ({
    candidates: outcome.candidates.map((c) => ({
      batchSize: c.batchSize, learningRate: c.learningRate, round: c.round, valLoss: c.valLoss, trainLoss: c.trainLoss, score: c.score, tied: c.tied,
      steps: c.steps, gradientVariance: c.gradientVariance, runs: c.runs!.map(({ process: _p, worker: _w, ...r }) => r),
    })),
    decision: outcome.decision,
    pick: outcome.pick,
    noise: outcome.noise,
    steps: outcome.steps,
  });

  test('two workers: the same candidates and decisions as the local pool, given the same plan; both workers trained runs', async () => {
    const pool = new RunPool({ workload: fx.spec, backend: 'cpu', minBatch: 4, size: 2 });
    let local: SearchOutcome;
    try {
      await pool.start();
      local = await search(pool.workers());
    } finally {
      await pool.close();
    }
    const a = fx.startWorker('worker-a');
    const b = fx.startWorker('worker-b');
    const queue = await fx.openQueue(20);
    let queued: SearchOutcome;
    try {
      expect(await queue.waitForWorkers()).toBe(2);
      queued = await search(queue.workers(2));
      await queue.close();
      // Its tuner done, each worker lets the tuning go.
      await until(() => [a, b].every((w) => w.log.some((l) => /done with tuning/.test(l))));
    } finally {
      await queue.close();
      await Promise.all([a.stop(), b.stop()]);
    }
    expect(decisions(queued)).toEqual(decisions(local));
    const runs = queued.candidates.flatMap((c) => c.runs!);
    expect(runs).toHaveLength(9 + 2);
    expect(new Set(runs.map((r) => r.worker))).toEqual(new Set(['worker-a', 'worker-b']));
    expect(runs.every((r) => r.retries === undefined && r.process !== undefined)).toBe(true);
    expect(queue.info()).toMatchObject({ workers: 2, retries: 0, url: fx.redis.url });
  }, 120_000);
});
