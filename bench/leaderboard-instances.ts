/**
 * A workload's test splits, made before any method runs: for a table, the labelled rows
 * split by each test seed (one split, or three for a small table), the dev rows (with the
 * unlabelled rows, which autobatch drops as it would from the user's file) written to a dev
 * file and the test rows to a test file, both in the source's format; for a folder of
 * images, its files split the same way into a dev folder and a test folder; for a model
 * module, its own split (its `loadData` and `loadTest`).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { listImageFolder } from '../src/workloads/image-folder/list';
import { applyPreparation } from '../src/workloads/table/apply';
import type { Preparation } from '../src/workloads/table/preparation';
import { resolveDev, type SplitInstance } from './leaderboard-build';
import { splitImageFolder } from './leaderboard-image-split';
import type { ImageData } from './leaderboard-images';
import { isKnownClass, labelsOf, readTableRows, splitRows, testSeeds, writeTableRows, TEST_SEEDS, type TableRows } from './leaderboard-split';
import type { LeaderboardWorkload, TableData } from './leaderboard-workloads';

/** The seed `tune()` gets on every split: its own train/validation split and initial weights. */
export const TUNE_SEED = 42;

/**
 * The splits of `entry`, whose whole table (a table's) is `file`; files go to
 * `dir/<name>/split-<k>/`. `limit`: at most this many outer splits (`--splits`).
 */
export async function makeInstances(entry: LeaderboardWorkload, file: string | null, dir: string, limit?: number): Promise<SplitInstance[]> {
  if (entry.data.kind === 'module') {
    const model = entry.data.file;
    return [{ workload: entry.name, split: 0, testSeed: TEST_SEEDS[0], options: { model }, test: { kind: 'module', file: model }, testDropped: 0 }];
  }
  if (entry.data.kind === 'images') return splitImages(entry.name, entry.data, path.join(dir, entry.name), limit);
  if (!file) throw new Error(`${entry.name}: no table file`);
  return splitTable(entry.name, entry.data, file, path.join(dir, entry.name), limit);
}

/** The whole folder written into `dir/all`, then split by each test seed into `dir/split-<k>/{dev,test}`. */
async function splitImages(name: string, data: ImageData, dir: string, limit?: number): Promise<SplitInstance[]> {
  const all = path.join(dir, 'all');
  await data.write(all);
  const files = listImageFolder(all).files.length;
  const out: SplitInstance[] = [];
  for (const [split, testSeed] of testSeeds(files, limit).entries()) {
    const parts = await splitImageFolder(all, path.join(dir, `split-${split}`), testSeed);
    out.push({ workload: name, split, testSeed, options: { data: parts.devDir, imageSize: data.imageSize }, test: { kind: 'images', dir: parts.testDir }, testDropped: parts.testDropped.length });
  }
  return out;
}

async function splitTable(name: string, data: TableData, file: string, dir: string, limit?: number): Promise<SplitInstance[]> {
  const table = readTableRows(file);
  const labels = labelsOf(table, data.label);
  const labelled = labels.flatMap((v, i) => (v === null ? [] : [i]));
  const unlabelled = labels.flatMap((v, i) => (v === null ? [i] : []));
  const ext = path.extname(file);
  const out: SplitInstance[] = [];
  for (const [split, testSeed] of testSeeds(labelled.length, limit).entries()) {
    const { dev, test } = splitRows(labelled.length, testSeed);
    const devRows = [...dev.map((p) => labelled[p]), ...unlabelled].sort((a, b) => a - b);
    let testRows = test.map((p) => labelled[p]);
    const folder = path.join(dir, `split-${split}`);
    fs.mkdirSync(folder, { recursive: true });
    const devFile = path.join(folder, `dev${ext}`);
    const testFile = path.join(folder, `test${ext}`);
    writeTableRows(devFile, table, devRows);
    const preparation = (await resolveDev({ data: devFile, label: data.label }, TUNE_SEED)).preparation;
    if (!preparation) throw new Error(`${devFile}: autobatch recorded no preparation`);
    // A class only the test rows have cannot be scored: such rows are left out, and counted.
    const classes = preparation.label.classes;
    const known = classes ? testRows.filter((r) => isKnownClass(labels[r]!, classes)) : testRows;
    writeTableRows(testFile, table, known);
    const kept = await encodableRows(preparation, table, known, testFile);
    const testDropped = testRows.length - kept.length;
    testRows = kept;
    out.push({ workload: name, split, testSeed, options: { data: devFile, label: data.label }, test: { kind: 'table', file: testFile }, testDropped });
  }
  return out;
}

/**
 * The test rows the dev preparation can encode, the test file rewritten without the rest:
 * text where the dev rows had only numbers (cars93's one "rotary" engine) cannot be
 * scored, as `applyPreparation` would refuse it on a user's next file. Checked on the
 * whole file first; row by row only when that fails.
 */
async function encodableRows(preparation: Preparation, table: TableRows, rows: number[], file: string): Promise<number[]> {
  const encodes = async (data: string | unknown[]) => {
    try {
      const { x, y } = await applyPreparation(preparation, data);
      x.dispose();
      y?.dispose();
      return true;
    } catch {
      return false;
    }
  };
  if (await encodes(file)) return rows;
  const kept: number[] = [];
  for (const r of rows) if (await encodes([table.rows[r]])) kept.push(r);
  writeTableRows(file, table, kept);
  return kept;
}
