/**
 * The search on a job queue (issue 22): its wall time with 1 and 2 queue workers against
 * the local pool of 2, for the same plan from the same probe, on a Redis of its own
 * (Debian's redis-server on a free loopback port, stopped at the end), and whether
 * every run's result and the decisions are identical between the three.
 *
 *   npx ts-node --transpile-only bench/queue.ts -- --json > bench/results-queue.json
 *   npx ts-node --transpile-only bench/queue.ts --example mnist-mlp --backend wasm --train 60
 *
 * The workers run on this machine (its trial processes train), so the comparison is the
 * queue's cost — jobs through Redis, a poll per run — against the pool's IPC, not the
 * gain of more machines: on one 2-core machine, 2 workers can be no faster than a pool of 2.
 */
import { spawn } from 'node:child_process';
import * as net from 'node:net';
import * as os from 'node:os';
import { parseArgs } from 'node:util';
import type { BackendName } from '../src/document';
import { snapshotHardware } from '../src/platform/hardware';
import { loadTf } from '../src/platform/tf';
import { RunPool } from '../src/runner/pool';
import { RunQueue } from '../src/runner/queue/client';
import { hardwareFingerprint } from '../src/runner/queue/fingerprint';
import { parseQueueUrl } from '../src/runner/queue/url';
import { runQueueWorker } from '../src/runner/queue/worker';
import { toQueueWorkload } from '../src/runner/queue/workload-files';
import type { RunWorker } from '../src/runner/run-spec';
import { PLAN, planSearch } from '../src/search/plan';
import { searchBatchSizes, type SearchOutcome } from '../src/search/search';
import type { ExampleName } from '../src/options';
import type { WorkloadSpec } from '../src/workloads/spec';
import { loneProbe } from './lone-probe';

const { values } = parseArgs({
  options: {
    example: { type: 'string', default: 'synthetic-regression' },
    backend: { type: 'string', default: 'cpu' },
    train: { type: 'string', default: '20' },
    json: { type: 'boolean', default: false },
  },
});

async function main(): Promise<void> {
  const tf = loadTf();
  const spec: WorkloadSpec = { example: values.example as ExampleName, standardize: true, validationSplit: 0.2, seed: 42 };
  const backend = values.backend as BackendName;
  const { workload, probe, safe, knee } = await loneProbe(tf, spec, backend);
  const trainSeconds = Number(values.train);
  const plan = planSearch(0, (PLAN.reserveSeconds + trainSeconds / PLAN.trainShare) * 1000, PLAN.candidates, 2);
  const search = (workers: readonly RunWorker[]) =>
    searchBatchSizes(tf, workload, {
      probe, noiseAtInit: null, referenceLr: workload.info.optimizer.learningRate, referenceBatch: knee, maxBatch: safe,
      optimizer: workload.info.optimizer, plan, seed: 42, precondition: workload.info.optimizer.name !== 'sgd', workers,
    });
  const timed = async (open: () => Promise<{ workers: RunWorker[]; close: () => Promise<void> }>) => {
    const started = performance.now();
    const side = await open();
    try {
      const searchStart = performance.now();
      const outcome = await search(side.workers);
      return { outcome, startSeconds: (searchStart - started) / 1000, searchSeconds: (performance.now() - searchStart) / 1000 };
    } finally {
      await side.close();
    }
  };

  const redis = await startRedis();
  const hardware = await snapshotHardware();
  let tunings = 0;
  const onQueue = (workerCount: number) => async () => {
    const controllers = Array.from({ length: workerCount }, () => new AbortController());
    const url = parseQueueUrl(redis.url);
    const done = controllers.map((c, i) =>
      runQueueWorker({ url, name: `bench-${i}`, hardware, files: [], log: () => {}, signal: c.signal, pollMs: 250 }),
    );
    const queue = await RunQueue.open({
      url,
      tuning: {
        format: 1, name: `bench-${process.pid}-${++tunings}`, workload: toQueueWorkload(spec), workloadFingerprint: workload.fingerprint(),
        backend, minBatch: 8, hardware: hardwareFingerprint(hardware), toolVersion: 'bench',
      },
      waitSeconds: 60,
      onMessage: () => {},
    });
    const seen = await queue.waitForWorkers();
    return {
      workers: queue.workers(seen),
      close: async () => {
        await queue.close();
        controllers.forEach((c) => c.abort());
        await Promise.all(done);
      },
    };
  };
  try {
    const pool = await timed(async () => {
      const p = new RunPool({ workload: spec, backend, minBatch: 8, size: 2 });
      await p.start();
      return { workers: p.workers(), close: () => p.close() };
    });
    const one = await timed(onQueue(1));
    const two = await timed(onQueue(2));
    const runsOf = (o: SearchOutcome) => JSON.stringify(o.candidates.flatMap((c) => c.runs!.map(({ process: _p, worker: _w, ...r }) => ({ batchSize: c.batchSize, ...r }))));
    const sideOf = (s: typeof pool) => ({ startSeconds: +s.startSeconds.toFixed(2), searchSeconds: +s.searchSeconds.toFixed(2), steps: s.outcome.steps });
    const result = {
      workload: values.example, backend, cores: os.availableParallelism(), trainSeconds,
      runs: pool.outcome.candidates.reduce((n, c) => n + c.runs!.length, 0),
      pool2: sideOf(pool), queue1: sideOf(one), queue2: sideOf(two),
      identicalRuns: runsOf(pool.outcome) === runsOf(one.outcome) && runsOf(pool.outcome) === runsOf(two.outcome),
      loadAverage: os.loadavg().map((l) => +l.toFixed(2)),
    };
    if (values.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    else {
      const fmt = (s: ReturnType<typeof sideOf>) => `${s.searchSeconds.toFixed(1)} s (+${s.startSeconds.toFixed(1)} s start), ${s.steps} steps`;
      process.stdout.write(
        `${result.workload} on ${backend}, ${result.cores} cores, ${result.runs} runs\n  pool of 2: ${fmt(result.pool2)}\n  queue, 1 worker: ${fmt(result.queue1)}\n` +
          `  queue, 2 workers: ${fmt(result.queue2)}\n  identical runs: ${result.identicalRuns}\n`,
      );
    }
  } finally {
    workload.dispose();
    await redis.stop();
  }
}

async function startRedis(): Promise<{ url: string; stop: () => Promise<void> }> {
  const port = await new Promise<number>((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port: p } = server.address() as net.AddressInfo;
      server.close(() => resolve(p));
    });
  });
  const proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    const up = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1').once('connect', () => (s.destroy(), resolve(true))).once('error', () => resolve(false));
    });
    if (up) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: () => new Promise((resolve) => (proc.once('exit', () => resolve()), proc.kill('SIGTERM'))),
  };
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
