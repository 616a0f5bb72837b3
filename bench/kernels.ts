/**
 * What the training kernels (src/kernels/) buy: samples/s of one training step (batch 32,
 * Adam, trainOnBatch) on the backends with and without them, measured in the same run;
 * and what they cost: the start-up gradient check's milliseconds on wasm and cpu
 * (`gradientCheckMs`, the median of 5; it runs at every start, and was meant to take well
 * under a second).
 *
 *   npm run bench:kernels            about two minutes on 2 cores
 *   npm run bench:kernels -- --json
 *
 * Every number that matters is a ratio against a configuration measured alongside: the
 * machine is shared and noisy, absolute rates mean little.
 */
import { checkTrainingKernels } from '../src/kernels/gradient-check';
import { activateBackend } from '../src/platform/backend';
import { builtInKernel, registerTrainingKernels, restoreBuiltInKernels } from '../src/kernels/register';
import { loadTf, type TF } from '../src/platform/tf';

const tf = loadTf();
const BATCH = 32;
/** Timed steps stop after this long (at least one step is timed). */
const TIMED_SECONDS = 4;

type Model = ReturnType<TF['sequential']>;

interface Workload {
  name: string;
  build(): Model;
  batch(): { x: ReturnType<TF['tensor']>; y: ReturnType<TF['tensor']> };
}

const WORKLOADS: Workload[] = [
  {
    name: 'mnist-cnn', // conv32, pool, conv64, pool, dense128: the classic Keras MNIST CNN
    build: () =>
      tf.sequential({
        layers: [
          tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 3, activation: 'relu' }),
          tf.layers.maxPooling2d({ poolSize: 2 }),
          tf.layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu' }),
          tf.layers.maxPooling2d({ poolSize: 2 }),
          tf.layers.flatten(),
          tf.layers.dense({ units: 128, activation: 'relu' }),
          tf.layers.dense({ units: 10, activation: 'softmax' }),
        ],
      }),
    batch: () => tf.tidy(() => ({ x: tf.randomUniform([BATCH, 28, 28, 1]), y: tf.oneHot(tf.randomUniform([BATCH], 0, 10, 'int32'), 10) })),
  },
  {
    name: 'embedding-lstm', // Embedding(5000, 32) over 40 tokens, LSTM(64), 2 classes
    build: () =>
      tf.sequential({
        layers: [
          tf.layers.embedding({ inputDim: 5000, outputDim: 32, inputLength: 40 }),
          tf.layers.lstm({ units: 64 }),
          tf.layers.dense({ units: 2, activation: 'softmax' }),
        ],
      }),
    batch: () => tf.tidy(() => ({ x: tf.randomUniform([BATCH, 40], 0, 5000, 'int32').cast('float32'), y: tf.oneHot(tf.randomUniform([BATCH], 0, 2, 'int32'), 2) })),
  },
  {
    name: 'mlp-784-256-256',
    build: () =>
      tf.sequential({
        layers: [
          tf.layers.dense({ inputShape: [784], units: 256, activation: 'relu' }),
          tf.layers.dense({ units: 256, activation: 'relu' }),
          tf.layers.dense({ units: 10, activation: 'softmax' }),
        ],
      }),
    batch: () => tf.tidy(() => ({ x: tf.randomUniform([BATCH, 784]), y: tf.oneHot(tf.randomUniform([BATCH], 0, 10, 'int32'), 10) })),
  },
];

/** One configuration: a backend and which of the pack's kernels are in place. */
interface Setup {
  name: string;
  backend: 'wasm' | 'cpu';
  /** Puts the kernels as this setup wants them (after activation registered the pack). */
  arrange(): void;
}

const SETUPS: Setup[] = [
  { name: 'cpu-builtin', backend: 'cpu', arrange: () => restoreBuiltInKernels(tf, 'cpu') },
  { name: 'cpu+pack', backend: 'cpu', arrange: () => registerTrainingKernels(tf) },
  { name: 'wasm+pack', backend: 'wasm', arrange: () => registerTrainingKernels(tf) },
  { name: 'wasm+pack-no-matmul-fast-path', backend: 'wasm', arrange: () => withBuiltIn(['BatchMatMul', '_FusedMatMul']) },
];

/** Which setups each workload runs: the no-fast-path variant only where matmuls dominate. */
const PLAN: Record<string, string[]> = {
  'mnist-cnn': ['cpu-builtin', 'cpu+pack', 'wasm+pack'],
  'embedding-lstm': ['cpu-builtin', 'cpu+pack', 'wasm+pack'],
  'mlp-784-256-256': ['wasm+pack-no-matmul-fast-path', 'wasm+pack'],
};

function withBuiltIn(kernelNames: string[]): void {
  registerTrainingKernels(tf);
  for (const name of kernelNames) {
    const builtIn = builtInKernel(tf, name, 'wasm')!;
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel(builtIn);
  }
}

async function samplesPerSecond(workload: Workload, setup: Setup): Promise<{ samplesPerSecond: number; steps: number }> {
  const reason = await activateBackend(tf, setup.backend);
  if (reason) throw new Error(`${setup.backend}: ${reason}`);
  setup.arrange();
  const model = workload.build();
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
  const { x, y } = workload.batch();
  await model.trainOnBatch(x, y); // warm-up: first-use costs (XNNPACK operators, layer build)
  let steps = 0;
  const start = performance.now();
  while (steps === 0 || performance.now() - start < TIMED_SECONDS * 1000) {
    await model.trainOnBatch(x, y);
    steps++;
  }
  const seconds = (performance.now() - start) / 1000;
  tf.dispose([x, y]);
  model.dispose();
  model.optimizer.dispose();
  return { samplesPerSecond: (steps * BATCH) / seconds, steps };
}

/** The start-up gradient check on `backend`, in milliseconds: the median of `times` (the first, alone, warms up). */
async function gradientCheckMs(backend: 'wasm' | 'cpu', times = 5): Promise<number> {
  const reason = await activateBackend(tf, backend);
  if (reason) throw new Error(`${backend}: ${reason}`);
  registerTrainingKernels(tf);
  const failed = checkTrainingKernels(tf, backend);
  if (failed) throw new Error(failed);
  const ms: number[] = [];
  for (let i = 0; i < times; i++) {
    const start = performance.now();
    checkTrainingKernels(tf, backend);
    ms.push(performance.now() - start);
  }
  return ms.sort((a, b) => a - b)[times >> 1];
}

async function main(): Promise<void> {
  const json = process.argv.includes('--json');
  const results: Record<string, Record<string, { samplesPerSecond: number; steps: number }>> = {};
  const ratios: Record<string, Record<string, number>> = {};
  for (const workload of WORKLOADS) {
    results[workload.name] = {};
    for (const setupName of PLAN[workload.name]) {
      const setup = SETUPS.find((s) => s.name === setupName)!;
      const measured = await samplesPerSecond(workload, setup);
      results[workload.name][setupName] = measured;
      if (!json) console.error(`${workload.name} on ${setupName}: ${measured.samplesPerSecond.toFixed(1)} samples/s (${measured.steps} timed steps)`);
    }
    const base = results[workload.name][PLAN[workload.name][0]].samplesPerSecond;
    ratios[workload.name] = Object.fromEntries(Object.entries(results[workload.name]).map(([name, r]) => [`${name} / ${PLAN[workload.name][0]}`, r.samplesPerSecond / base]));
  }
  registerTrainingKernels(tf);
  const checkMs = { wasm: await gradientCheckMs('wasm'), cpu: await gradientCheckMs('cpu') };
  const report = { batchSize: BATCH, optimizer: 'adam', tfjs: tf.version['tfjs-core'], results, ratios, gradientCheckMs: checkMs };
  if (json) console.log(JSON.stringify(report, null, 2));
  else {
    for (const [name, r] of Object.entries(ratios)) console.log(name, Object.entries(r).map(([k, v]) => `${k}: ${v.toFixed(2)}`).join(', '));
    console.log(`start-up gradient check: ${checkMs.wasm.toFixed(0)} ms on wasm, ${checkMs.cpu.toFixed(0)} ms on cpu`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
