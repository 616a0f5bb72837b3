/**
 * tfjs-node against wasm (with autobatch's training kernels), measured in one run
 * (issue 21): samples/s of one training step at two batch sizes, each backend in its own
 * trial process as the probe runs it; then a whole `tune` on each backend, with the CPU
 * time of the tuner and every process it started per wall second, phase by phase: does
 * the search keep the cores busy?
 *
 *   npm run bench:backends                      about 8 minutes on 2 cores
 *   npm run bench:backends -- --json --tune-seconds 60 --only mnist-mlp
 *
 * Needs tfjs-node built (`npx autobatch setup tensorflow`). Every number that matters is
 * a ratio measured in the same run: the machine is shared and noisy.
 */
import * as os from 'node:os';
import type { BackendName } from '../src/document';
import { treeCpuSeconds } from '../src/platform/cpu-load';
import { IsolatedRunner } from '../src/runner/isolated';
import { tune } from '../src/tune';
import { EXAMPLE_NAMES, type ExampleName } from '../src/workloads/examples/names';
import type { WorkloadSpec } from '../src/workloads/spec';

const BACKENDS: readonly BackendName[] = ['wasm', 'tensorflow'];
const BATCHES = [32, 512];
const TRIAL_SECONDS = 3;

interface ThroughputRow {
  workload: string;
  batchSize: number;
  samplesPerSec: Record<string, number | null>;
  cpuPerWall: Record<string, number | null>;
  /** tensorflow's samples/s over wasm's. */
  ratio: number | null;
}

interface PhaseCpu {
  phase: string;
  wallSeconds: number;
  cpuSeconds: number;
  cpuPerWall: number;
}

interface TuneRow {
  workload: string;
  backend: string;
  parallel: number | null;
  poolReason: string | null;
  wallSeconds: number;
  cpuPerWall: number;
  phases: PhaseCpu[];
}

const spec = (example: ExampleName): WorkloadSpec => ({ example, standardize: true, validationSplit: 0.2, seed: 1 });

async function throughput(examples: readonly ExampleName[]): Promise<ThroughputRow[]> {
  const rows: ThroughputRow[] = [];
  for (const example of examples) {
    const measured: Record<string, Record<number, { samplesPerSec: number | null; cpuPerWall: number | null }>> = {};
    for (const backend of BACKENDS) {
      const runner = new IsolatedRunner({ workload: spec(example), backend, minBatch: 8 });
      try {
        const ready = await runner.start();
        if (ready.backend !== backend) throw new Error(`${backend} could not start: ${ready.fallbackReason}`);
        measured[backend] = {};
        for (const batchSize of BATCHES) {
          const trial = await runner.runTrial({ batchSize, warmupSteps: 3, minSteps: 5, minSeconds: TRIAL_SECONDS, memoryBudgetBytes: 64 * 2 ** 30, deadline: Date.now() + 60_000 });
          measured[backend][batchSize] = { samplesPerSec: trial.samplesPerSec, cpuPerWall: trial.cpuPerWall ?? null };
          process.stderr.write(`${example} ${backend} batch ${batchSize}: ${Math.round(trial.samplesPerSec ?? 0)} samples/s, ${trial.cpuPerWall ?? '?'} cores busy\n`);
        }
      } finally {
        await runner.close();
      }
    }
    for (const batchSize of BATCHES) {
      const of = (b: string) => measured[b]?.[batchSize];
      const tf = of('tensorflow')?.samplesPerSec ?? null;
      const wasm = of('wasm')?.samplesPerSec ?? null;
      rows.push({
        workload: example,
        batchSize,
        samplesPerSec: Object.fromEntries(BACKENDS.map((b) => [b, of(b)?.samplesPerSec ?? null])),
        cpuPerWall: Object.fromEntries(BACKENDS.map((b) => [b, of(b)?.cpuPerWall ?? null])),
        ratio: tf !== null && wasm ? tf / wasm : null,
      });
    }
  }
  return rows;
}

const treeCpu = () => treeCpuSeconds(process.pid) ?? 0;

async function tuneCpu(examples: readonly ExampleName[], seconds: number): Promise<TuneRow[]> {
  const rows: TuneRow[] = [];
  for (const example of examples) {
    for (const backend of BACKENDS) {
      // Sampled often and kept at its largest: a child between its end and its parent's
      // wait counts nowhere for a moment.
      let seen = treeCpu();
      const sampler = setInterval(() => (seen = Math.max(seen, treeCpu())), 100);
      const marks: { phase: string; t: number; cpu: number }[] = [];
      const mark = (phase: string) => {
        seen = Math.max(seen, treeCpu());
        marks.push({ phase, t: performance.now(), cpu: seen });
      };
      const t0 = performance.now();
      const cpu0 = seen;
      mark('start');
      let doc;
      try {
        doc = await tune({
          example,
          backend,
          isolate: true,
          timeBudget: seconds,
          onProgress: (e) => {
            if (e.type === 'phase-start') mark(e.phase);
          },
        });
      } finally {
        clearInterval(sampler);
      }
      mark('end');
      const wall = (performance.now() - t0) / 1000;
      const phases: PhaseCpu[] = [];
      for (let i = 1; i < marks.length - 1; i++) {
        const w = (marks[i + 1].t - marks[i].t) / 1000;
        const c = marks[i + 1].cpu - marks[i].cpu;
        if (w > 0.5) phases.push({ phase: marks[i].phase, wallSeconds: round(w), cpuSeconds: round(c), cpuPerWall: round(c / w) });
      }
      const row: TuneRow = {
        workload: example,
        backend,
        parallel: doc.search?.parallel ?? null,
        poolReason: doc.search?.reason ?? null,
        wallSeconds: round(wall),
        cpuPerWall: round((marks[marks.length - 1].cpu - cpu0) / wall),
        phases,
      };
      process.stderr.write(`${example} on ${backend}: ${row.wallSeconds} s, CPU/wall ${row.cpuPerWall}; search ${JSON.stringify(phases.find((p) => p.phase === 'search') ?? null)}; ${row.poolReason}\n`);
      rows.push(row);
    }
  }
  return rows;
}

const round = (x: number) => Math.round(x * 100) / 100;

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const json = args.includes('--json');
  const only = args.includes('--only') ? args[args.indexOf('--only') + 1].split(',') : null;
  const seconds = args.includes('--tune-seconds') ? Number(args[args.indexOf('--tune-seconds') + 1]) : 60;
  const examples = EXAMPLE_NAMES.filter((e) => !only || only.includes(e));
  const started = Date.now();
  const result = {
    mode: 'backends',
    cores: os.availableParallelism(),
    loadAverageAtStart: os.loadavg()[0],
    throughput: await throughput(examples),
    tune: await tuneCpu(examples, seconds),
    minutes: (Date.now() - started) / 60_000,
  };
  if (json) {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return;
  }
  console.log('samples/s, one training step (tfjs-node / wasm with kernels):');
  for (const r of result.throughput) console.log(`  ${r.workload.padEnd(22)} batch ${String(r.batchSize).padStart(4)}: wasm ${Math.round(r.samplesPerSec.wasm ?? 0)}, tensorflow ${Math.round(r.samplesPerSec.tensorflow ?? 0)}, ratio ${r.ratio?.toFixed(2)}`);
  console.log('tune CPU/wall (all processes):');
  for (const r of result.tune) console.log(`  ${r.workload.padEnd(22)} ${r.backend.padEnd(10)} ${r.cpuPerWall} over ${r.wallSeconds} s; ${r.phases.map((p) => `${p.phase} ${p.cpuPerWall}`).join(', ')}`);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
