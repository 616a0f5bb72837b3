/**
 * One test split of a leaderboard workload, as every process that trains on it builds
 * it: the dev workload exactly as `tune()` builds it (the same options, seed, split and
 * initial weights), and the test rows, which no method saw while choosing: a table's
 * through the preparation autobatch fitted on the dev training rows (`applyPreparation`),
 * a folder of images' through the dev run's image preparation (`loadImageTestSet`), a
 * model module's from its `loadTest(tf)`.
 */
import * as path from 'node:path';
import { normalizeOptions, type TuneOptions } from '../src/options';
import type { TF } from '../src/platform/tf';
import type { ImagePreparation } from '../src/workloads/image-folder/preparation';
import { applyPreparation } from '../src/workloads/table/apply';
import type { Preparation } from '../src/workloads/table/preparation';
import { toDataset } from '../src/workloads/to-tensor';
import { resolveWorkload } from '../src/workloads/spec';
import { createWorkload, type Dataset, type Workload, type WorkloadDefinition } from '../src/workloads/workload';
import { loadImageTestSet } from './leaderboard-image-split';

/** Where a split's test rows are: a table file (the source's format), a test folder of images, or a model module's `loadTest`. */
export type TestSource = { kind: 'table'; file: string } | { kind: 'images'; dir: string } | { kind: 'module'; file: string };

/** One test split of a workload: plain data, so it crosses to the worker processes. */
export interface SplitInstance {
  workload: string;
  /** 0-based, in the workload's splits. */
  split: number;
  /** The test split's seed (bench/leaderboard-split.ts; a module draws its own with the first). */
  testSeed: number;
  /** What `tune()` is given, less seed, epochs and budget: the dev file and label, the dev folder and image size, or the module. */
  options: { data: string; label: string } | { data: string; imageSize: string } | { model: string };
  test: TestSource;
  /** Test rows left out because the dev preparation cannot encode them: a class or a text value the dev rows lack (a table's), test images that do not decode (a folder's); 0 for a module. */
  testDropped: number;
}

/** The definition `tune({ ...options, seed })` resolves: its data read, a table's preparation fitted on the dev training rows. */
export async function resolveDev(options: TuneOptions, seed: number): Promise<WorkloadDefinition> {
  const opts = normalizeOptions({ ...options, seed });
  return resolveWorkload(opts.workload, opts.inline);
}

/** What the dev run recorded of how its data was prepared: a table's preparation, or a folder's image preparation. */
export interface DevPreparation {
  preparation: Preparation | null;
  imagePreparation: ImagePreparation | null;
}

/** The workload `tune({ ...options, seed })` trains on, built the way tune() builds it, and its data's preparation. */
export async function buildFromOptions(tf: TF, options: TuneOptions, seed: number): Promise<{ workload: Workload } & DevPreparation> {
  const opts = normalizeOptions({ ...options, seed });
  const definition = await resolveWorkload(opts.workload, opts.inline);
  return { workload: await createWorkload(tf, definition, opts.workload), preparation: definition.preparation ?? null, imagePreparation: definition.imagePreparation ?? null };
}

/**
 * The test rows of a split as tensors. A table's go through the dev preparation (its
 * classes one-hot, as the default MLP's loss takes them); a test folder's images through
 * the dev image preparation; a module's come from `loadTest`.
 * @throws Error when a module has no `loadTest`, or a table or folder has no preparation to apply.
 */
export async function loadTestSet(tf: TF, test: TestSource, dev: DevPreparation): Promise<Dataset> {
  if (test.kind === 'images') {
    if (!dev.imagePreparation) throw new Error(`${test.dir}: the dev workload recorded no image preparation to read the test folder with`);
    return loadImageTestSet(tf, test.dir, dev.imagePreparation);
  }
  if (test.kind === 'table') {
    const { preparation } = dev;
    if (!preparation) throw new Error(`${test.file}: the dev workload recorded no preparation to apply to the test rows`);
    const prepared = await applyPreparation(preparation, test.file, { tf, target: 'one-hot' });
    if (!prepared.y) throw new Error(`${test.file}: the test rows have no label column`);
    return { x: prepared.x, y: prepared.y };
  }
  const mod = require(path.resolve(test.file)) as { loadTest?: (tf: TF) => unknown };
  if (typeof mod.loadTest !== 'function') throw new Error(`${test.file}: exports no loadTest(tf): a leaderboard model module gives its test rows there`);
  return toDataset(tf, await mod.loadTest(tf), `${test.file}: loadTest()`);
}

/** A split built: its dev workload, its test rows, and one `dispose` for all. */
export interface BuiltSplit extends DevPreparation {
  workload: Workload;
  test: Dataset;
  dispose(): void;
}

export async function buildSplit(tf: TF, instance: SplitInstance, seed: number): Promise<BuiltSplit> {
  const { workload, ...dev } = await buildFromOptions(tf, instance.options, seed);
  let test: Dataset;
  try {
    test = await loadTestSet(tf, instance.test, dev);
  } catch (err) {
    workload.dispose();
    throw err;
  }
  return { workload, test, ...dev, dispose: () => (workload.dispose(), tf.dispose([test.x, test.y])) };
}
