import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TF } from '../platform/tf';
import { activateBackend } from '../platform/backend';
import { BackendError, InputError, describeError } from '../util/errors';
import { readPreparedData, writePreparedData, type PreparedData } from './prepared-data';
import type { WorkloadSpec } from './spec';
import type { WorkloadDefinition } from './workload';

/** Run folders are named `autobatch-run-<pid>-<random>`: the pid says whose it is. */
const PREFIX = 'autobatch-run-';

/**
 * A temporary folder for one run's prepared data, made on first use and removed by
 * `remove`, or when the process exits (a second Ctrl-C ends the CLI with
 * `process.exit`). A tuner killed by SIGKILL cannot remove its own: the next run's
 * folder removes those whose process is gone.
 */
export class RunFolder {
  private dir: string | null = null;
  private readonly onExit = () => this.remove();

  get path(): string {
    if (!this.dir) {
      removeOrphans(os.tmpdir());
      this.dir = fs.mkdtempSync(path.join(os.tmpdir(), `${PREFIX}${process.pid}-`));
      process.on('exit', this.onExit);
    }
    return this.dir;
  }

  remove(): void {
    if (!this.dir) return;
    fs.rmSync(this.dir, { recursive: true, force: true });
    this.dir = null;
    process.off('exit', this.onExit);
  }
}

/** Removes the run folders in `parent` whose tuner no longer runs; any it cannot check or remove stay. */
export function removeOrphans(parent: string): void {
  let names: string[];
  try {
    names = fs.readdirSync(parent);
  } catch {
    return;
  }
  for (const name of names) {
    const pid = Number(/^autobatch-run-(\d+)-/.exec(name)?.[1]);
    if (!pid || isRunning(pid)) continue;
    try {
      fs.rmSync(path.join(parent, name), { recursive: true, force: true });
    } catch {
      // Another user's, or gone meanwhile.
    }
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it runs, as another user.
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/** A workload whose data was loaded once: the spec for trial processes and this process's definition. */
export interface SharedWorkload {
  /** The spec with `prepared` (and the data file's `dataSha256`): what trial processes get. */
  spec: WorkloadSpec;
  /** The definition with its data read from the prepared file, as trial processes read it. */
  definition: WorkloadDefinition;
}

/**
 * Loads the workload's data once, here (a data file's tensors, a module's `loadData`, a
 * saved model's or an example's data), and writes it to `folder` for the trial
 * processes: each reads the numbers instead of loading them from the source again.
 * The model is still built in each process from its source. Tensors are made on the
 * active backend and released before returning.
 */
export async function shareWorkloadData(tf: TF, definition: WorkloadDefinition, spec: WorkloadSpec, folder: string): Promise<SharedWorkload> {
  if (!definition.loadData) throw new TypeError(`${definition.name}: streamed data is not shared through a file`);
  const split = await definition.loadData(tf);
  let written: Awaited<ReturnType<typeof writePreparedData>>;
  try {
    written = await writePreparedData(split, { preparation: definition.preparation, trainSamples: definition.trainSamples }, folder);
  } finally {
    tf.dispose([split.train.x, split.train.y, ...(split.validation ? [split.validation.x, split.validation.y] : [])]);
  }
  const { ref } = written;
  // This process's first load takes the numbers just written, not a second read of them;
  // later loads (another backend tried) read the file, as the trial processes do.
  let fresh: PreparedData | null = written.data;
  return {
    spec: { ...spec, prepared: ref, ...(definition.dataSha256 ? { dataSha256: definition.dataSha256 } : {}) },
    definition: {
      ...definition,
      loadData(tfInstance) {
        const data = fresh ?? readPreparedData(ref);
        fresh = null;
        return data.toSplit(tfInstance);
      },
    },
  };
}

/**
 * `shareWorkloadData` for a run's trial processes, or null when the data cannot be
 * written once for them (a full disk): each process then loads the source itself, and
 * the definition's notes say so. Bad data (an `InputError`) is thrown.
 */
export async function shareOrLoadEach(tf: TF, definition: WorkloadDefinition, spec: WorkloadSpec, folder: RunFolder): Promise<SharedWorkload | null> {
  if (definition.openStream) return surveyStream(tf, definition, spec);
  try {
    // Any backend holds numbers; cpu is always there (the trial process picks the training one).
    const reason = await activateBackend(tf, 'cpu');
    if (reason) throw new BackendError(`cpu: ${reason}`);
    return await shareWorkloadData(tf, definition, spec, folder.path);
  } catch (err) {
    if (err instanceof InputError) throw err;
    definition.notes = [...(definition.notes ?? []), `each trial process loaded the data itself: it could not be prepared once for them (${describeError(err)})`];
    return null;
  }
}

/**
 * Streamed data is not written for the trial processes (it does not fit in memory, let
 * alone in one file): each opens the stream itself. What the tuner learns of it once (a
 * dataset's size, counted; a folder's files, checked) goes to them in the spec.
 */
async function surveyStream(tf: TF, definition: WorkloadDefinition, spec: WorkloadSpec): Promise<SharedWorkload> {
  const reason = await activateBackend(tf, 'cpu');
  if (reason) throw new BackendError(`cpu: ${reason}`);
  const survey = definition.surveyStream ? await definition.surveyStream(tf) : {};
  return { spec: { ...spec, ...survey }, definition };
}

/**
 * The same definition, counting the seconds its `loadData` takes (a backend check loads
 * the data once per backend it tries): for the document's `dataLoad` beside `backendCheck`.
 */
export function countingLoads(definition: WorkloadDefinition): { definition: WorkloadDefinition; seconds: () => number } {
  let ms = 0;
  const timed = <A extends unknown[], R>(work: (...args: A) => R | Promise<R>) =>
    async (...args: A): Promise<R> => {
      const started = performance.now();
      try {
        return await work(...args);
      } finally {
        ms += performance.now() - started;
      }
    };
  const { loadData, openStream } = definition;
  return {
    definition: {
      ...definition,
      ...(loadData ? { loadData: timed(loadData.bind(definition)) } : {}),
      ...(openStream ? { openStream: timed(openStream.bind(definition)) } : {}),
    },
    seconds: () => ms / 1000,
  };
}
