/**
 * Start-up mode (issue 23): what autobatch spends before its first measurement, against
 * the table's size. A flights-like table (bench/tables.ts's generator: 19 columns, text
 * and missing cells) of 2,000, 50,000 and 300,000 rows, generated here; for each:
 *
 * - the tuner's start-up at `--time-budget 60`, stopped when the probe begins: every
 *   phase before it (reading and preparing, writing the prepared numbers, the machine's
 *   description, the trial process's start, its data, its backend check), from the
 *   document's `timings`, and the wall time from the call to the probe's start;
 * - one trial process started with the prepared file against one started with the CSV
 *   (what every process paid before: the probe's, and each of the search's pool);
 * - reading and preparing the file alone (`loadDataFile`, in this process with nothing
 *   beside it): the tuner's `data` shares the cores with the trial process starting.
 *
 *   npm run build && npm run bench -- --startup --json
 *   npm run bench -- --startup --dist /tmp/old/dist     # another build, e.g. an earlier commit's
 *
 * The built package (dist/) is what runs, as the CLI runs it: its trial processes are
 * dist/runner/child.js, not TypeScript compiled on the fly. A build without prepared
 * data (before 0.6) gives the tuner's part only.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AutobatchDocument } from '../src/document';
import type { IsolatedRunner as IsolatedRunnerType } from '../src/runner/isolated';
import type { tune as tuneType } from '../src/tune';
import type { WorkloadSpec } from '../src/workloads/spec';
import type { loadDataFile as loadDataFileType } from '../src/workloads/data-file';
import type { RunFolder as RunFolderType, shareWorkloadData as shareType } from '../src/workloads/shared-data';
import type { resolveWorkload as resolveType } from '../src/workloads/spec';
import type { activateBackend as activateType } from '../src/platform/backend';
import type { TF } from '../src/platform/tf';
import { TABLES } from './tables';

export const STARTUP_ROWS = [2_000, 50_000, 300_000] as const;
const REPEATS = 3;
const BUDGET = 60;

/** The start-up phases, in the order they run; `backend` holds the trial process's parts. */
const PARTS = ['data', 'dataWrite', 'hardware', 'backend', 'processStart', 'dataLoad', 'backendCheck'] as const;

export interface StartupResult {
  rows: number;
  bytes: number;
  features: number;
  backend: string | null;
  /** Per repeat: seconds from `tune()` to the probe's start, wall clock. */
  beforeProbeSeconds: number[];
  /** Per repeat: the document's timings of the start-up parts. */
  timings: Partial<Record<(typeof PARTS)[number], number>>[];
  /** Median over repeats. */
  median: { beforeProbeSeconds: number } & Partial<Record<(typeof PARTS)[number], number>>;
  /** One trial process's start, wall clock: given the prepared file, and given the CSV to read itself (null: a build without it). */
  trialProcess: { preparedSeconds: number; sourceSeconds: number } | null;
  /** Per repeat: seconds `loadDataFile` takes to read and prepare the file alone, and their median. */
  readPrepareSeconds: number[];
  readPrepareMedian: number;
  /** One-minute load averages when each repeat started: how busy the machine was. */
  load: number[];
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

export async function benchStartup(log: (s: string) => void, dist = path.join(__dirname, '..', 'dist')): Promise<StartupResult[]> {
  const has = (module: string) => fs.existsSync(path.join(dist, `${module}.js`));
  const built = <T>(module: string): T => {
    if (!has(module)) throw new Error(`${path.join(dist, module)}.js is missing: run npm run build first`);
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    return require(path.join(dist, module)) as T;
  };
  const { tune } = built<{ tune: typeof tuneType }>('tune');
  const flights = TABLES.find((t) => t.name === 'flights-like')!;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'autobatch-startup-'));
  const results: StartupResult[] = [];
  try {
    for (const rows of STARTUP_ROWS) {
      const file = path.join(dir, `flights-${rows}.csv`);
      flights.write(file, rows);
      const bytes = fs.statSync(file).size;
      log(`${rows.toLocaleString('en-US')} rows, ${(bytes / 1e6).toFixed(1)} MB`);
      const result: StartupResult = { rows, bytes, features: 0, backend: null, beforeProbeSeconds: [], timings: [], median: { beforeProbeSeconds: 0 }, trialProcess: null, readPrepareSeconds: [], readPrepareMedian: 0, load: [] };
      for (let r = 0; r < REPEATS; r++) {
        result.load.push(os.loadavg()[0]);
        const controller = new AbortController();
        let probeAt = 0;
        const t0 = performance.now();
        const doc: AutobatchDocument = await tune({
          data: file,
          label: flights.label,
          timeBudgetSeconds: BUDGET,
          isolate: true,
          signal: controller.signal,
          onProgress: (e) => {
            if (e.type === 'phase-start' && e.phase === 'probe') {
              probeAt = performance.now();
              controller.abort();
            }
          },
        });
        result.beforeProbeSeconds.push((probeAt - t0) / 1000);
        result.timings.push(Object.fromEntries(PARTS.filter((p) => doc.timings[p] !== undefined).map((p) => [p, doc.timings[p]])));
        result.backend = doc.backend?.name ?? null;
        result.features = doc.preparation?.features.length ?? 0;
        log(`  ${rows} rows, repeat ${r + 1}: ${((probeAt - t0) / 1000).toFixed(2)} s before the probe ${JSON.stringify(result.timings[r])}`);
      }
      result.median.beforeProbeSeconds = median(result.beforeProbeSeconds);
      for (const p of PARTS) {
        const values = result.timings.map((t) => t[p]).filter((v): v is number => v !== undefined);
        if (values.length) result.median[p] = median(values);
      }
      result.readPrepareSeconds = await readPrepareTimes(file);
      result.readPrepareMedian = median(result.readPrepareSeconds);
      log(`  reading and preparing alone: ${result.readPrepareSeconds.map((s) => s.toFixed(2)).join(', ')} s`);
      if (has('workloads/shared-data')) {
        result.trialProcess = await trialProcessStarts(file, result.backend ?? 'cpu');
        log(`  one trial process: ${result.trialProcess.preparedSeconds.toFixed(2)} s with the prepared file, ${result.trialProcess.sourceSeconds.toFixed(2)} s reading the CSV`);
      }
      results.push(result);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return results;

  /** Wall seconds of `loadDataFile` on `file`, once a repeat. */
  async function readPrepareTimes(file: string): Promise<number[]> {
    const { loadDataFile } = built<{ loadDataFile: typeof loadDataFileType }>('workloads/data-file');
    const times: number[] = [];
    for (let r = 0; r < REPEATS; r++) {
      const t0 = performance.now();
      await loadDataFile(file, { label: flights.label, standardize: true, seed: 42, validationSplit: 0.2 });
      times.push((performance.now() - t0) / 1000);
    }
    return times;
  }

  /** Wall seconds to a ready trial process (backend checked), with the prepared data and with the source. */
  async function trialProcessStarts(file: string, backend: string): Promise<NonNullable<StartupResult['trialProcess']>> {
    const { IsolatedRunner } = built<{ IsolatedRunner: typeof IsolatedRunnerType }>('runner/isolated');
    const { RunFolder, shareWorkloadData } = built<{ RunFolder: typeof RunFolderType; shareWorkloadData: typeof shareType }>('workloads/shared-data');
    const { resolveWorkload } = built<{ resolveWorkload: typeof resolveType }>('workloads/spec');
    const { activateBackend } = built<{ activateBackend: typeof activateType }>('platform/backend');
    const { loadTf } = built<{ loadTf: () => TF }>('platform/tf');
    const tf = loadTf();
    await activateBackend(tf, 'cpu');
    const source: WorkloadSpec = { example: 'mnist-mlp', data: file, label: flights.label, standardize: true, validationSplit: 0.2, seed: 42 };
    const folder = new RunFolder();
    try {
      const shared = await shareWorkloadData(tf, await resolveWorkload(source), source, folder.path);
      const startOne = async (workload: WorkloadSpec) => {
        const runner = new IsolatedRunner({ workload, backend: backend as 'cpu', minBatch: 8 });
        const t0 = performance.now();
        try {
          await runner.start();
          return (performance.now() - t0) / 1000;
        } finally {
          await runner.close();
        }
      };
      return { preparedSeconds: await startOne(shared.spec), sourceSeconds: await startOne(source) };
    } finally {
      folder.remove();
    }
  }
}
