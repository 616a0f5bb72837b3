/**
 * The search on a pool (issue 15): training steps completed per wall second, summed over
 * processes, with the default pool against `--parallel 1`, in one run on this machine,
 * and whether every run's result is identical between the two.
 *
 *   npm run bench:parallel -- --json                       mnist-mlp on wasm, about four minutes on 2 cores
 *   npm run bench:parallel -- --example synthetic-regression --train 40
 *   npm run bench:parallel -- --pool 2      compare two processes whatever the load now
 *
 * Both searches run the same plan (the one a single process would get for `--train`
 * seconds of training) from the same probe, each on its own pool of trial processes,
 * the one-process pool first. The ratio is throughput with the default pool over
 * throughput with one process; with the pool's start-up (part of the search's wall time
 * in `tune`) and without it.
 */
import * as os from 'node:os';
import { parseArgs } from 'node:util';
import type { BackendName } from '../src/document';
import { PLAN, planSearch } from '../src/search/plan';
import { RunPool } from '../src/runner/pool';
import { choosePoolSize, freeCores, perProcessBytes } from '../src/runner/pool-size';
import { searchBatchSizes, type SearchOutcome } from '../src/search/search';
import { loadTf } from '../src/platform/tf';
import type { WorkloadSpec } from '../src/workloads/spec';
import { loneProbe } from './lone-probe';
import type { ExampleName } from '../src/options';
import { tensorsOf } from '../src/workloads/tensor-source';

interface Side {
  parallel: number;
  startSeconds: number;
  searchSeconds: number;
  steps: number;
  stepsPerSecond: number;
  stepsPerSecondWithStart: number;
}

const { values } = parseArgs({
  options: {
    example: { type: 'string', default: 'mnist-mlp' },
    backend: { type: 'string', default: 'wasm' },
    train: { type: 'string', default: '60' },
    /** The pool to compare with one process. @default the size `tune` would choose now */
    pool: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
});

async function main(): Promise<void> {
  const loadBefore = os.loadavg();
  const tf = loadTf();
  const spec: WorkloadSpec = { example: values.example as ExampleName, standardize: true, validationSplit: 0.2, seed: 42 };
  const backend = values.backend as BackendName;
  const { workload, probe, safe, knee } = await loneProbe(tf, spec, backend);
  // The plan one process would get for `--train` seconds of training, for both sides.
  const trainSeconds = Number(values.train);
  const plan = planSearch(0, (PLAN.reserveSeconds + trainSeconds / PLAN.trainShare) * 1000, PLAN.candidates, 1);
  const dataBytes = [tensorsOf(workload).train.x, tensorsOf(workload).train.y, tensorsOf(workload).validation.x, tensorsOf(workload).validation.y].reduce((sum, t) => sum + t.size * 4, 0);
  const available = os.freemem();
  const pool = choosePoolSize({
    requested: values.pool === undefined ? null : Number(values.pool), backend, cores: freeCores(os.availableParallelism(), loadBefore[0]),
    memoryBytes: Math.floor(available / 2), perProcessBytes: perProcessBytes(probe.trials, safe, dataBytes),
  });

  const search = async (parallel: number): Promise<{ side: Side; outcome: SearchOutcome }> => {
    const started = performance.now();
    const runs = new RunPool({ workload: spec, backend, minBatch: 8, size: parallel });
    try {
      await runs.start();
      const searchStart = performance.now();
      const outcome = await searchBatchSizes(tf, workload, {
        probe, noiseAtInit: null, referenceLr: workload.info.optimizer.learningRate, referenceBatch: knee, maxBatch: safe,
        optimizer: workload.info.optimizer, plan, seed: 42, precondition: workload.info.optimizer.name !== 'sgd', workers: runs.workers(),
      });
      const end = performance.now();
      const searchSeconds = (end - searchStart) / 1000;
      const withStart = (end - started) / 1000;
      return {
        outcome,
        side: {
          parallel, startSeconds: (searchStart - started) / 1000, searchSeconds, steps: outcome.steps,
          stepsPerSecond: outcome.steps / searchSeconds, stepsPerSecondWithStart: outcome.steps / withStart,
        },
      };
    } finally {
      await runs.close();
    }
  };
  const one = await search(1);
  const many = await search(pool.size);
  workload.dispose();
  const loadAfter = os.loadavg();

  const runsOf = (o: SearchOutcome) => o.candidates.flatMap((c) => c.runs!.map(({ process: _p, ...r }) => ({ batchSize: c.batchSize, ...r })));
  const a = JSON.stringify(runsOf(one.outcome));
  const b = JSON.stringify(runsOf(many.outcome));
  const scoreOf = (o: SearchOutcome) => JSON.stringify({ decision: o.decision, noise: o.noise, valLosses: o.candidates.map((c) => c.valLoss) });
  const result = {
    workload: values.example,
    backend,
    cores: os.availableParallelism(),
    pool: pool.size,
    poolReason: pool.reason,
    plan: plan.rounds.map((r) => ({ batchSizes: Math.min(r.batchSizes, plan.count), runs: Math.min(r.batchSizes, plan.count) * r.lrFactors.length, trainSeconds: r.trainSeconds })),
    one: one.side,
    pooled: many.side,
    ratio: many.side.stepsPerSecond / one.side.stepsPerSecond,
    ratioWithStart: many.side.stepsPerSecondWithStart / one.side.stepsPerSecondWithStart,
    identicalRuns: a === b,
    identicalDecisions: scoreOf(one.outcome) === scoreOf(many.outcome),
    runs: runsOf(one.outcome).length,
    loadAverage: { before: loadBefore.map((l) => +l.toFixed(2)), after: loadAfter.map((l) => +l.toFixed(2)) },
  };
  if (values.json) {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return;
  }
  const fmt = (s: Side) => `${s.steps} steps in ${s.searchSeconds.toFixed(1)} s (+${s.startSeconds.toFixed(1)} s start): ${s.stepsPerSecond.toFixed(0)} steps/s`;
  process.stdout.write(
    `${result.workload} on ${backend}, ${result.cores} cores, pool ${result.pool} (${result.poolReason})\n` +
      `  --parallel 1: ${fmt(one.side)}\n  --parallel ${pool.size}: ${fmt(many.side)}\n` +
      `  ratio ${result.ratio.toFixed(2)}× (${result.ratioWithStart.toFixed(2)}× with the pool's start); ` +
      `${result.runs} runs, identical results: ${result.identicalRuns}, identical decisions: ${result.identicalDecisions}\n` +
      `  load average before ${result.loadAverage.before.join(' ')}, after ${result.loadAverage.after.join(' ')}\n`,
  );
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
