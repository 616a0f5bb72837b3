/**
 * Streamed images (issue 29): what a folder of images costs the probe, measured on folders
 * of generated 64×64 PNGs (four classes of shapes) of several sizes.
 *
 *   npx ts-node --transpile-only bench/images.ts --json [--sizes 10000,60000,200000] [--backend wasm] [--root DIR]
 *
 * For each folder size, in a fresh process (`--one DIR`): the tuner's side (listing and
 * decoding every file once, its peak resident memory), then the probe's trial process at
 * batches 16, 64 and 256: its tensors, its pipeline's resident memory, its peak resident
 * memory, its samples/s and its wait for batches. Memory must follow the batch, not the
 * folder. The memory model's prediction at 256 from 16 and 64 is set against what 256
 * measured. On the smallest folder, the same images loaded whole into tensors (a module's
 * loadData) give the in-memory samples/s at the same sizes: the pipeline's cost.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import sharp from 'sharp';
import type { BackendName, Trial } from '../src/document';
import { PeakRss } from '../src/platform/peak-rss';
import { loadTf } from '../src/platform/tf';
import { countedBytes, predictPeakBytes } from '../src/probe/memory-model';
import { IsolatedRunner } from '../src/runner/isolated';
import { createRandom } from '../src/util/random';
import { mapLimited } from '../src/workloads/image-folder/decode';
import { RunFolder, shareOrLoadEach } from '../src/workloads/shared-data';
import { resolveWorkload, type WorkloadSpec } from '../src/workloads/spec';
import { benchMachine } from './machine';

const CLASSES = ['bar', 'cross', 'ring', 'square'] as const;
const SIZE = 64;
const BATCHES = [16, 64, 256];
const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? undefined : process.argv[i + 1];
};

/** Distinct images drawn and encoded; the rest of a folder are hard links to them (see `makeFolder`). */
const DISTINCT = 4000;

/**
 * `n` PNGs of 64×64 shapes in class folders, made once. Only `DISTINCT` are drawn and
 * encoded; every other file is a hard link to one of them. A file is a file to list,
 * check, decode and count: what grows with the folder is its number of files, which is
 * what the probe's memory must not follow. (Drawing 200,000 on this shared 2-core machine
 * took over an hour.)
 */
async function makeFolder(root: string, n: number): Promise<string> {
  const pool = path.join(root, 'distinct');
  if (!fs.existsSync(path.join(pool, '.complete'))) {
    fs.mkdirSync(pool, { recursive: true });
    await mapLimited(Array.from({ length: DISTINCT }, (_, i) => i), 8, async (i) => {
      const file = path.join(pool, `${i}.png`);
      if (!fs.existsSync(file)) await sharp(draw(i % CLASSES.length, i), { raw: { width: SIZE, height: SIZE, channels: 3 } }).png().toFile(file);
    });
    fs.writeFileSync(path.join(pool, '.complete'), '');
  }
  const dir = path.join(root, `images-${n}`);
  if (!fs.existsSync(path.join(dir, '.complete'))) {
    for (const c of CLASSES) fs.mkdirSync(path.join(dir, c), { recursive: true });
    for (let i = 0; i < n; i++) {
      const label = i % CLASSES.length;
      const file = path.join(dir, CLASSES[label], `${String(Math.floor(i / CLASSES.length)).padStart(6, '0')}.png`);
      // The same class as the file linked: image i of the pool has class i mod 4, as i here.
      if (!fs.existsSync(file)) fs.linkSync(path.join(pool, `${i % DISTINCT}.png`), file);
    }
    fs.writeFileSync(path.join(dir, '.complete'), '');
  }
  return dir;
}

/** A shape of class `label` at a seeded place, size and colour on a faint noise: a photo's worth of work to decode, not a photo. */
function draw(label: number, seed: number): Buffer {
  const random = createRandom(seed + 1);
  const out = Buffer.alloc(SIZE * SIZE * 3);
  const [cx, cy, r] = [SIZE * (0.3 + 0.4 * random()), SIZE * (0.3 + 0.4 * random()), SIZE * (0.15 + 0.1 * random())];
  const colour = [0, 1, 2].map(() => 100 + Math.floor(155 * random()));
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const [dx, dy] = [x - cx, y - cy];
      const d = Math.hypot(dx, dy);
      const inside = [Math.abs(dy) < r * 0.3 && Math.abs(dx) < r * 1.3, Math.abs(dx) < r * 0.25 || Math.abs(dy) < r * 0.25 ? d < r * 1.2 : false, d < r && d > r * 0.6, Math.abs(dx) < r && Math.abs(dy) < r][label];
      for (let c = 0; c < 3; c++) out[(y * SIZE + x) * 3 + c] = inside ? colour[c] : Math.floor(24 * random());
    }
  }
  return out;
}

const TRIAL = { warmupSteps: 2, minSteps: 5, minSeconds: 1, memoryBudgetBytes: 64 * 2 ** 30, deadline: Number.POSITIVE_INFINITY };

/** Trials at each batch of `BATCHES` in one trial process, as the probe runs them. */
async function trialsOf(spec: WorkloadSpec, backend: BackendName): Promise<Trial[]> {
  const runner = new IsolatedRunner({ workload: spec, backend, minBatch: 16 });
  try {
    await runner.start();
    const trials: Trial[] = [];
    for (const batchSize of BATCHES) trials.push(await runner.runTrial({ ...TRIAL, batchSize }));
    return trials;
  } finally {
    await runner.close();
  }
}

/** One folder, in this (fresh) process: the tuner's read of it, and the trial process's memory and speed. */
async function measureOne(dir: string, backend: BackendName, inMemory: boolean): Promise<unknown> {
  const tf = loadTf();
  const given: WorkloadSpec = { example: 'mnist-mlp', data: dir, imageSize: { width: SIZE, height: SIZE }, standardize: true, validationSplit: 0.2, seed: 42 };
  const rss = PeakRss.start();
  const started = performance.now();
  const definition = await resolveWorkload(given);
  const folder = new RunFolder();
  const shared = await shareOrLoadEach(tf, definition, given, folder);
  const readSeconds = (performance.now() - started) / 1000;
  const tunerPeakRss = rss.read();
  const streamed = await trialsOf(shared!.spec, backend);
  const at256 = streamed[2];
  const predicted = predictPeakBytes(streamed.slice(0, 2), 256) ?? null;
  const result: Record<string, unknown> = {
    files: shared!.spec.imagePreparation!.files.train + shared!.spec.imagePreparation!.files.validation,
    readSeconds,
    tunerPeakRss,
    trials: streamed.map(summary),
    predictedAt256: predicted,
    measuredAt256: at256.status === 'ok' ? countedBytes(at256) : null,
    predictionError: predicted !== null && at256.status === 'ok' ? (predicted - countedBytes(at256)) / countedBytes(at256) : null,
  };
  if (inMemory) result.inMemory = (await trialsOf(inMemorySpec(dir, shared!.spec), backend)).map(summary);
  folder.remove();
  return result;
}

/**
 * samples/s of the folder streamed against the same images in memory, the two trial
 * processes open side by side and their trials alternated (stream, memory, stream, …) at
 * each size, `rounds` times: on a shared machine, load that comes and goes falls on both.
 */
async function compareOne(dir: string, backend: BackendName, rounds: number): Promise<unknown> {
  const tf = loadTf();
  const given: WorkloadSpec = { example: 'mnist-mlp', data: dir, imageSize: { width: SIZE, height: SIZE }, standardize: true, validationSplit: 0.2, seed: 42 };
  const folder = new RunFolder();
  const shared = await shareOrLoadEach(tf, await resolveWorkload(given), given, folder);
  const stream = new IsolatedRunner({ workload: shared!.spec, backend, minBatch: 16 });
  const memory = new IsolatedRunner({ workload: inMemorySpec(dir, shared!.spec), backend, minBatch: 16 });
  const out: { batchSize: number; stream: number[]; memory: number[]; streamInputMs: number[] }[] = [];
  try {
    await Promise.all([stream.start(), memory.start()]);
    for (const batchSize of BATCHES) {
      const row = { batchSize, stream: [] as number[], memory: [] as number[], streamInputMs: [] as number[] };
      for (let i = 0; i < rounds; i++) {
        const s = await stream.runTrial({ ...TRIAL, batchSize });
        const m = await memory.runTrial({ ...TRIAL, batchSize });
        row.stream.push(s.samplesPerSec ?? NaN);
        row.streamInputMs.push(s.inputMs ?? NaN);
        row.memory.push(m.samplesPerSec ?? NaN);
      }
      out.push(row);
    }
  } finally {
    await Promise.all([stream.close(), memory.close()]);
    folder.remove();
  }
  return { bench: 'images-compare', backend, dir, rounds, machine: benchMachine(), rows: out };
}

function summary(t: Trial) {
  return {
    batchSize: t.batchSize, status: t.status, samplesPerSec: t.samplesPerSec, inputMs: t.inputMs ?? null,
    peakBytes: t.peakBytes, pipelineBytes: t.pipelineBytes ?? null, rssBytes: t.rssBytes,
  };
}

/** A module that loads the same folder whole into tensors, on the same default CNN: the in-memory baseline. */
function inMemorySpec(dir: string, streamed: WorkloadSpec): WorkloadSpec {
  const src = path.join(__dirname, '..', 'src', 'workloads', 'image-folder');
  const file = path.join(os.tmpdir(), `autobatch-bench-images-${process.pid}.cjs`);
  fs.writeFileSync(
    file,
    `const { defaultCnn } = require(${JSON.stringify(path.join(src, 'default-cnn'))});
     const { readImageFolder } = require(${JSON.stringify(path.join(src, 'read'))});
     const { ImageFolderSource } = require(${JSON.stringify(path.join(src, 'source'))});
     const prep = ${JSON.stringify(streamed.imagePreparation)};
     exports.createModel = (tf) => defaultCnn(prep, 42).buildModel(tf);
     exports.loss = 'sparseCategoricalCrossentropy';
     exports.loadData = async (tf) => {
       const folder = await readImageFolder(${JSON.stringify(dir)}, { width: prep.width, height: prep.height, validationSplit: 0.2, seed: 42, given: prep });
       const source = new ImageFolderSource(tf, folder);
       const whole = async (chunks) => { const xs = [], ys = []; for await (const c of chunks) { xs.push(c.x); ys.push(c.y); }
         const out = { x: tf.concat(xs), y: tf.concat(ys) }; tf.dispose([...xs, ...ys]); return out; };
       return { train: await whole(source.trainSample(1024, folder.train.length)), validation: await whole(source.validation(1024)) };
     };`,
  );
  return { example: 'mnist-mlp', model: file, standardize: true, validationSplit: 0.2, seed: 42 };
}

async function main(): Promise<void> {
  const backend = (arg('backend') ?? 'wasm') as BackendName;
  const make = arg('make');
  if (make) {
    // Only the folder (for the leaderboard's image workload): --make ROOT --files N.
    process.stdout.write(`${await makeFolder(make, Number(arg('files') ?? DISTINCT))}\n`);
    return;
  }
  const compare = arg('compare');
  if (compare) {
    process.stdout.write(`${JSON.stringify(await compareOne(compare, backend, Number(arg('rounds') ?? 3)), null, 2)}\n`);
    return;
  }
  const one = arg('one');
  if (one) {
    process.stdout.write(`${JSON.stringify(await measureOne(one, backend, process.argv.includes('--in-memory')))}\n`);
    return;
  }
  const sizes = (arg('sizes') ?? '10000,60000,200000').split(',').map(Number);
  const root = arg('root') ?? path.join(os.tmpdir(), 'autobatch-bench-images');
  const made = performance.now();
  const dirs = [];
  for (const n of sizes) dirs.push(await makeFolder(root, n));
  process.stderr.write(`folders ready in ${((performance.now() - made) / 1000).toFixed(0)} s\n`);
  const results: Record<string, unknown> = {};
  for (const [i, n] of sizes.entries()) {
    const args = ['-r', 'ts-node/register/transpile-only', __filename, '--one', dirs[i], '--backend', backend, ...(i === 0 ? ['--in-memory'] : [])];
    const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 26 });
    if (r.status !== 0) throw new Error(`the ${n}-image folder failed: ${r.stderr}`);
    results[n] = JSON.parse(r.stdout.trim().split('\n').pop()!);
    process.stderr.write(`${n} images done\n`);
  }
  const report = { bench: 'images', backend, imageSize: `${SIZE}x${SIZE}`, batches: BATCHES, machine: benchMachine(), results };
  process.stdout.write(`${JSON.stringify(report, null, process.argv.includes('--json') ? 2 : 0)}\n`);
}

void main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
