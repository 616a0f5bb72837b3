/**
 * Benchmarks that prove the recommendation (issue 8): autobatch against an oracle sweep
 * and the baselines users would otherwise pick, measured in one run on this machine.
 *
 *   npm run bench -- --quick --json     about five minutes on 2 cores
 *   npm run bench                       the full sweep
 *
 * Every number is a ratio against something measured in the same run: the machine is
 * shared and noisy, absolute times mean little.
 */
import * as os from 'node:os';
import { activateBackend } from '../src/backend';
import type { AutobatchDocument, Trial } from '../src/document';
import { predictPeakBytes } from '../src/probe/memory-model';
import { estimateGradientNoise } from '../src/noise/measure';
import { trainCandidate } from '../src/search/train-candidate';
import { loadTf, type TF } from '../src/tf';
import { tune } from '../src/tune';
import { TOOL_VERSION } from '../src/version';
import { resolveWorkload } from '../src/workloads/spec';
import { createWorkload, type Workload } from '../src/workloads/workload';
import { leastSquares } from '../test/helpers/least-squares';
import type { TuneOptions } from '../src/options';

interface Mode {
  name: 'quick' | 'full';
  /** autobatch's own time budget per workload. */
  tuneSeconds: number;
  /** Training time of every oracle and baseline run ("full training"). */
  trainSeconds: number;
  /** Learning rates of the oracle, as multiples of the optimizer's default. */
  lrFactors: number[];
  /** At most this many batch sizes in the oracle grid. */
  maxGrid: number;
  /** Repeats of the recommendation's and the baselines' training (median). */
  repeats: number;
  gnsSeeds: number;
}

const MODES: Record<Mode['name'], Mode> = {
  quick: { name: 'quick', tuneSeconds: 30, trainSeconds: 5, lrFactors: [0.3, 1, 3], maxGrid: 4, repeats: 1, gnsSeeds: 3 },
  full: { name: 'full', tuneSeconds: 90, trainSeconds: 20, lrFactors: [0.1, 0.3, 1, 3, 10], maxGrid: 7, repeats: 3, gnsSeeds: 9 },
};

interface BenchWorkload {
  name: string;
  options: TuneOptions;
}

/** A deeper, wider model of another shape: a 6-layer MLP on a seeded 8-class problem. */
function deepMlp(tf: TF): Pick<TuneOptions, 'model' | 'data'> {
  const x = tf.randomNormal([6000, 32], 0, 1, 'float32', 21);
  const w = tf.randomNormal([32, 8], 0, 1, 'float32', 22);
  const y = tf.tidy(() => tf.oneHot(x.matMul(w).add(tf.randomNormal([6000, 8], 0, 0.5, 'float32', 23)).argMax(1), 8).toFloat());
  tf.dispose(w);
  const model = () => {
    const init = (s: number) => tf.initializers.heNormal({ seed: s });
    const layers = [tf.layers.dense({ inputShape: [32], units: 256, activation: 'relu', kernelInitializer: init(1) })];
    for (let i = 2; i <= 5; i++) layers.push(tf.layers.dense({ units: 256, activation: 'relu', kernelInitializer: init(i) }));
    layers.push(tf.layers.dense({ units: 8, activation: 'softmax', kernelInitializer: init(9) }));
    const m = tf.sequential({ layers });
    m.compile({ optimizer: tf.train.momentum(0.01, 0.9), loss: 'categoricalCrossentropy' });
    return m;
  };
  return { model, data: { x, y } };
}

interface Result {
  name: string;
  backend: string;
  recommendation: { batchSize: number; learningRate: number };
  oracle: { batchSize: number; learningRate: number; valLoss: number; runs: number; seconds: number };
  valLoss: { recommendation: number; kerasDefault: number; largestFit: number };
  regret: number;
  costRatio: number;
  vsKerasDefault: number;
  vsLargestFit: number;
  probeEfficiency: number;
  memoryPredictionError: number | null;
  autobatchSeconds: number;
}

async function benchWorkload(tf: TF, entry: BenchWorkload, mode: Mode, log: (s: string) => void): Promise<Result> {
  const seed = 42;
  log(`${entry.name}: autobatch (${mode.tuneSeconds}s budget)`);
  const t0 = performance.now();
  const doc = await tune({ ...entry.options, seed, timeBudget: mode.tuneSeconds });
  const autobatchSeconds = (performance.now() - t0) / 1000;
  const rec = doc.recommendation!;

  // The same workload, the same initial weights, for the oracle and the baselines.
  const normalized = { example: 'mnist-mlp' as const, standardize: true, validationSplit: 0.2, seed, ...(typeof entry.options.example === 'string' ? { example: entry.options.example } : {}) };
  const definition = await resolveWorkload(normalized, {
    ...(typeof entry.options.model === 'function' ? { model: entry.options.model } : {}),
    ...(entry.options.data && typeof entry.options.data === 'object' ? { data: entry.options.data } : {}),
  });
  const workload = await createWorkload(tf, definition, { seed, validationSplit: 0.2 });
  const train = (batchSize: number, learningRate: number) => trainFor(tf, workload, batchSize, learningRate, mode.trainSeconds, seed);
  const median = async (batchSize: number, learningRate: number) => {
    const values: number[] = [];
    for (let r = 0; r < mode.repeats; r++) values.push(await trainFor(tf, workload, batchSize, learningRate, mode.trainSeconds, seed + r));
    return values.sort((a, b) => a - b)[values.length >> 1];
  };

  const feasible = doc.probe!.safeMaxBatch!;
  const grid = batchGrid(doc.probe!.trials, feasible, mode.maxGrid);
  const base = workload.info.optimizer.learningRate;
  log(`${entry.name}: oracle over batch ${grid.join(', ')} × lr ${mode.lrFactors.map((f) => f * base).map((v) => v.toExponential(1)).join(', ')}`);
  const o0 = performance.now();
  let oracle = { batchSize: 0, learningRate: 0, valLoss: Infinity };
  for (const b of grid) {
    for (const f of mode.lrFactors) {
      const valLoss = await train(b, base * f);
      if (valLoss < oracle.valLoss) oracle = { batchSize: b, learningRate: base * f, valLoss };
    }
  }
  const oracleSeconds = (performance.now() - o0) / 1000;

  log(`${entry.name}: recommendation and baselines, ${mode.repeats} run(s) each`);
  const keras = Math.min(32, workload.info.trainSamples);
  const valRec = await median(rec.batchSize, rec.learningRate);
  const valKeras = await median(keras, base);
  const largest = doc.probe!.maxFeasibleBatch!;
  const valLargest = await median(largest, (base * largest) / keras);
  workload.dispose();

  return {
    name: entry.name,
    backend: doc.backend!.name,
    recommendation: { batchSize: rec.batchSize, learningRate: rec.learningRate },
    oracle: { ...oracle, runs: grid.length * mode.lrFactors.length, seconds: oracleSeconds },
    valLoss: { recommendation: valRec, kerasDefault: valKeras, largestFit: valLargest },
    regret: (valRec - oracle.valLoss) / oracle.valLoss,
    costRatio: autobatchSeconds / oracleSeconds,
    vsKerasDefault: valRec / valKeras,
    vsLargestFit: valRec / valLargest,
    probeEfficiency: probeEfficiency(doc),
    memoryPredictionError: memoryPredictionError(doc.probe!.trials),
    autobatchSeconds,
  };
}

/** Final validation loss after `seconds` of training from the workload's initial weights; Infinity if it diverged. */
async function trainFor(tf: TF, workload: Workload, batchSize: number, learningRate: number, seconds: number, seed: number): Promise<number> {
  const run = await trainCandidate(tf, workload, { batchSize, learningRate, seconds, seed, precondition: false, maxBatch: batchSize, measureNoise: false });
  return run.valLoss ?? Infinity;
}

/** Powers of two (the probe's ok sizes) across the feasible range, thinned to at most `max`. */
function batchGrid(trials: Trial[], feasible: number, max: number): number[] {
  const sizes = [...new Set(trials.filter((t) => t.status === 'ok' && t.batchSize <= feasible && !t.bisect).map((t) => t.batchSize))].sort((a, b) => a - b);
  if (sizes.length <= max) return sizes;
  return Array.from({ length: max }, (_, i) => sizes[Math.round((i * (sizes.length - 1)) / (max - 1))]);
}

/** Share of the probe's wall time inside timed training steps (warm-up steps not counted: a lower bound). */
function probeEfficiency(doc: AutobatchDocument): number {
  const stepSeconds = doc.probe!.trials.reduce((a, t) => a + (t.stepMs ?? 0) * t.steps, 0) / 1000;
  return stepSeconds / doc.timings.probe;
}

/** The peak at the largest ok doubling size, predicted from the two sizes before it, against the measurement. */
function memoryPredictionError(trials: Trial[]): number | null {
  const ok = trials.filter((t) => t.status === 'ok' && !t.bisect).sort((a, b) => a.batchSize - b.batchSize);
  if (ok.length < 3) return null;
  const last = ok[ok.length - 1];
  const predicted = predictPeakBytes(ok.slice(0, -1), last.batchSize)!;
  return Math.abs(predicted - last.peakBytes!) / last.peakBytes!;
}

/** The noise estimator against the closed form on least squares with Gaussian inputs; median relative error. */
async function gnsRelativeError(tf: TF, seeds: number): Promise<number> {
  const errors: number[] = [];
  for (let s = 0; s < seeds; s++) {
    const problem = leastSquares(tf, 32, 1, 16_384, 100 + s);
    const { plain } = await estimateGradientNoise(tf, problem.model, problem.data, { seed: s });
    errors.push(Math.abs(plain.bSimple - problem.expected.bSimple) / problem.expected.bSimple);
    problem.model.dispose();
    tf.dispose([problem.data.x, problem.data.y]);
  }
  return errors.sort((a, b) => a - b)[errors.length >> 1];
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const mode = MODES[args.includes('--quick') ? 'quick' : 'full'];
  const json = args.includes('--json');
  const log = (s: string) => process.stderr.write(`bench: ${s}\n`);
  const tf = loadTf();
  const reason = await activateBackend(tf, 'wasm');
  if (reason) await activateBackend(tf, 'cpu');
  const workloads: BenchWorkload[] = [
    { name: 'mnist-mlp', options: { example: 'mnist-mlp' } },
    { name: 'synthetic-regression', options: { example: 'synthetic-regression' } },
    { name: 'deep-mlp', options: deepMlp(tf) },
  ];
  const started = Date.now();
  const results: Result[] = [];
  for (const w of workloads) results.push(await benchWorkload(tf, w, mode, log));
  log('gradient noise scale against the closed form');
  const gns = await gnsRelativeError(tf, mode.gnsSeeds);
  const report = {
    mode: mode.name,
    date: new Date().toISOString(),
    machine: { cpu: os.cpus()[0]?.model, cores: os.cpus().length, memoryBytes: os.totalmem(), platform: `${os.platform()} ${os.arch()}`, node: process.version },
    versions: { autobatch: TOOL_VERSION, tfjs: tf.version.tfjs },
    seconds: (Date.now() - started) / 1000,
    workloads: results,
    gnsRelativeError: gns,
  };
  if (json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else {
    const pct = (v: number | null) => (v === null ? '-' : `${(100 * v).toFixed(1)} %`);
    for (const r of results) {
      process.stdout.write(
        `${r.name} (${r.backend}): recommended ${r.recommendation.batchSize} @ ${r.recommendation.learningRate.toExponential(2)}, ` +
          `oracle ${r.oracle.batchSize} @ ${r.oracle.learningRate.toExponential(2)}\n` +
          `  regret ${pct(r.regret)}  costRatio ${pct(r.costRatio)}  vsKerasDefault ${r.vsKerasDefault.toFixed(3)}  ` +
          `vsLargestFit ${r.vsLargestFit.toFixed(3)}  probeEfficiency ${pct(r.probeEfficiency)}  memoryPredictionError ${pct(r.memoryPredictionError)}\n`,
      );
    }
    process.stdout.write(`gnsRelativeError ${pct(gns)}\n`);
  }
}

main().catch((err) => {
  process.stderr.write(`bench: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
