/**
 * Horizon mode (issue 12): does the recommendation hold for a whole training run?
 * Every method trains to the same horizon H (20 epochs here, ten times or more the
 * search's longest run) from the same initial weights, and is judged on its final
 * validation loss (the best epoch's loss is recorded beside it):
 *
 *   - autobatch's schedule (linear warm-up and decay to zero at its peak) and its constant rate;
 *   - Keras's default: batch 32 at the optimizer's default rate, constant;
 *   - an oracle grid of batch sizes × rates, once with the schedule and once constant.
 *
 * The runs go to a pool of worker processes (wasm trains on one thread); each run is a
 * fixed number of steps, so how many ran at once changes no result.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import type { HorizonTrend } from '../src/document';
import { median } from '../src/util/stats';
import { tune } from '../src/tune';
import type { HorizonJob, HorizonRun } from './train-to-horizon';
import type { BenchWorkload } from './workloads';
import { WorkerPool } from './worker-pool';

/** Epochs every method trains for. */
export const HORIZON_EPOCHS = 20;
/** autobatch's budget: the CLI default. */
const TUNE_SECONDS = 120;
/** Oracle batch sizes (those the probe found feasible). */
const GRID_SIZES = [32, 128, 512];
/** Oracle rates as multiples of the optimizer's default: peaks for the schedule, rates for the constant twin. */
const SCHEDULE_FACTORS = [1, 3, 10];
const CONSTANT_FACTORS = [0.3, 1, 3];
/** Runs (seeds) behind every decisive number: the recommendation, Keras's default, the oracles' best points. */
const REPEATS = 3;
/** Grid points per kind re-run to `REPEATS` before the oracle's best is chosen. */
const FINALISTS = 2;

export interface HorizonResult {
  name: string;
  epochs: number;
  backend: string;
  autobatchSeconds: number;
  recommendation: { batchSize: number; peakLearningRate: number; learningRate: number; steps: number; warmupSteps: number };
  oracle: {
    schedule: { batchSize: number; learningRate: number; finalLoss: number };
    constant: { batchSize: number; learningRate: number; finalLoss: number };
    grid: { kind: HorizonJob['kind']; batchSize: number; learningRate: number; steps: number; finalLoss: number[]; bestLoss: number[]; bestEpoch: number[] }[];
  };
  finalLoss: { schedule: number; constant: number; kerasDefault: number };
  bestEpochLoss: { schedule: number; constant: number; kerasDefault: number };
  /** (recommendation − oracle's best of the same kind) / oracle's best. */
  scheduleRegret: number;
  constantRegret: number;
  vsKerasDefault: { schedule: number; constant: number };
  /** The tuner's wall time against one Keras-default training run's (median). */
  costVsOneRun: number;
  /** What autobatch saw, for reading the result. */
  horizonTrend: HorizonTrend | null;
  reasons: string[];
}

/** What the parent sends a horizon worker for one run. */
interface HorizonMessage {
  workload: string;
  seed: number;
  backend: string;
  job: HorizonJob;
}

/** A pool of horizon workers; a diverged run's loss comes back as null (JSON), read as Infinity. */
class Pool {
  private readonly pool: WorkerPool<HorizonMessage, HorizonRun>;

  constructor(size: number) {
    this.pool = new WorkerPool(path.join(__dirname, 'horizon-worker.ts'), size);
  }

  async run(workload: string, seed: number, backend: string, job: HorizonJob): Promise<HorizonRun> {
    const run = await this.pool.run({ workload, seed, backend, job });
    return { ...run, finalLoss: run.finalLoss ?? Infinity, bestLoss: run.bestLoss ?? Infinity };
  }

  close(): void {
    this.pool.close();
  }
}

// JSON has no Infinity: a diverged run's loss is written as null by JSON.stringify.
const finite = (v: number) => (Number.isFinite(v) ? v : Infinity);

export async function benchHorizon(entry: BenchWorkload, log: (s: string) => void): Promise<HorizonResult> {
  const seed = 42;
  const epochs = HORIZON_EPOCHS;
  log(`${entry.name}: autobatch (${TUNE_SECONDS}s budget, --epochs ${epochs})`);
  const t0 = performance.now();
  const doc = await tune({ ...entry.options, seed, timeBudget: TUNE_SECONDS, epochs });
  const autobatchSeconds = (performance.now() - t0) / 1000;
  const rec = doc.recommendation!;
  const backend = doc.backend!.name;
  const base = doc.workload!.optimizer.learningRate;
  const feasible = doc.probe!.safeMaxBatch!;
  const sizes = GRID_SIZES.filter((b) => b <= feasible);
  const keras = Math.min(32, doc.workload!.trainSamples);

  const pool = new Pool(Math.max(1, Math.min(os.cpus().length, 4)));
  try {
    const run = async (batchSize: number, learningRate: number, kind: HorizonJob['kind'], s = seed) => {
      const r = await pool.run(entry.name, seed, backend, { batchSize, learningRate, kind, epochs, seed: s });
      log(`${entry.name}:   ${kind} batch ${batchSize} lr ${learningRate.toExponential(2)} seed ${s}: final ${r.finalLoss.toFixed(4)}, best ${r.bestLoss.toFixed(4)} (epoch ${r.bestEpoch}), ${r.seconds.toFixed(0)} s`);
      return r;
    };
    const repeated = async (batchSize: number, learningRate: number, kind: HorizonJob['kind'], first?: HorizonRun) => {
      const runs = await Promise.all(Array.from({ length: REPEATS }, (_, r) => (r === 0 && first ? Promise.resolve(first) : run(batchSize, learningRate, kind, seed + r))));
      return runs;
    };
    const grid = [
      ...sizes.flatMap((b) => SCHEDULE_FACTORS.map((f) => ({ kind: 'schedule' as const, batchSize: b, learningRate: base * f }))),
      ...sizes.flatMap((b) => CONSTANT_FACTORS.map((f) => ({ kind: 'constant' as const, batchSize: b, learningRate: base * f }))),
    ];
    log(`${entry.name}: ${grid.length} oracle runs (batch ${sizes.join(', ')}), the recommendation (batch ${rec.batchSize}, peak ${rec.schedule.peakLearningRate.toExponential(2)}, constant ${rec.learningRate.toExponential(2)}) and Keras's default, to ${epochs} epochs`);
    const [recSchedule, recConstant, kerasRuns, ...gridRuns] = await Promise.all([
      repeated(rec.batchSize, rec.schedule.peakLearningRate, 'schedule'),
      repeated(rec.batchSize, rec.learningRate, 'constant'),
      repeated(keras, base, 'constant'),
      ...grid.map((g) => run(g.batchSize, g.learningRate, g.kind)),
    ]);
    const points = grid.map((g, i) => ({ ...g, runs: [gridRuns[i]] }));
    // The best few of each kind again, so the oracle's best is a median too.
    log(`${entry.name}: the oracle's best ${FINALISTS} of each kind, ${REPEATS} seeds`);
    const finalists = (['schedule', 'constant'] as const).flatMap((kind) =>
      points.filter((p) => p.kind === kind).sort((a, b) => finite(a.runs[0].finalLoss) - finite(b.runs[0].finalLoss)).slice(0, FINALISTS),
    );
    await Promise.all(finalists.map(async (p) => (p.runs = await repeated(p.batchSize, p.learningRate, p.kind, p.runs[0]))));
    const med = (runs: HorizonRun[], key: 'finalLoss' | 'bestLoss') => median(runs.map((r) => finite(r[key])));
    const bestOf = (kind: HorizonJob['kind']) =>
      finalists.filter((p) => p.kind === kind).reduce((a, b) => (med(b.runs, 'finalLoss') < med(a.runs, 'finalLoss') ? b : a));
    const oracleSchedule = bestOf('schedule');
    const oracleConstant = bestOf('constant');
    const loss = { schedule: med(recSchedule, 'finalLoss'), constant: med(recConstant, 'finalLoss'), kerasDefault: med(kerasRuns, 'finalLoss') };
    return {
      name: entry.name,
      epochs,
      backend,
      autobatchSeconds,
      recommendation: {
        batchSize: rec.batchSize,
        peakLearningRate: rec.schedule.peakLearningRate,
        learningRate: rec.learningRate,
        steps: rec.schedule.totalSteps,
        warmupSteps: rec.schedule.warmupSteps,
      },
      oracle: {
        schedule: { batchSize: oracleSchedule.batchSize, learningRate: oracleSchedule.learningRate, finalLoss: med(oracleSchedule.runs, 'finalLoss') },
        constant: { batchSize: oracleConstant.batchSize, learningRate: oracleConstant.learningRate, finalLoss: med(oracleConstant.runs, 'finalLoss') },
        grid: points.map((p) => ({
          kind: p.kind,
          batchSize: p.batchSize,
          learningRate: p.learningRate,
          steps: p.runs[0].steps,
          finalLoss: p.runs.map((r) => r.finalLoss),
          bestLoss: p.runs.map((r) => r.bestLoss),
          bestEpoch: p.runs.map((r) => r.bestEpoch),
        })),
      },
      finalLoss: loss,
      bestEpochLoss: { schedule: med(recSchedule, 'bestLoss'), constant: med(recConstant, 'bestLoss'), kerasDefault: med(kerasRuns, 'bestLoss') },
      scheduleRegret: loss.schedule / med(oracleSchedule.runs, 'finalLoss') - 1,
      constantRegret: loss.constant / med(oracleConstant.runs, 'finalLoss') - 1,
      vsKerasDefault: { schedule: loss.schedule / loss.kerasDefault, constant: loss.constant / loss.kerasDefault },
      costVsOneRun: autobatchSeconds / median(kerasRuns.map((r) => r.seconds)),
      horizonTrend: rec.horizonTrend,
      reasons: rec.reasons,
    };
  } finally {
    pool.close();
  }
}
