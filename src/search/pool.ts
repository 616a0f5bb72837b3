import * as os from 'node:os';
import type { BackendName, HardwareInfo, Trial } from '../document';
import { describeError } from '../util/errors';
import { RAM_BUDGET_FRACTION } from '../platform/hardware';
import type { NormalizedOptions } from '../options';
import { RunPool } from '../runner/pool';
import { choosePoolSize, freeCores, perProcessBytes } from '../runner/pool-size';
import type { Workload } from '../workloads/workload';

/** Where the search's runs train, and why: a pool of `size` processes, or this process. */
export interface SearchPoolChoice {
  size: number;
  inProcess: boolean;
  reason: string;
  /** A line for the notes, when the user should know (memory limited the pool; code cannot cross). */
  note: string | null;
}

/**
 * The search's pool: its size from `choosePoolSize` (cores, backend, memory: each process
 * holds the data and a model), in a pool when the workload can cross to a process and
 * either trials are isolated or more than one run fits at once; otherwise this process.
 * `machine`: the cores Node may use and the one-minute load average (see `freeCores`).
 */
export function chooseSearchPool(
  opts: Pick<NormalizedOptions, 'parallel' | 'inline' | 'isolate' | 'maxMemoryBytes'>,
  hardware: HardwareInfo,
  backend: BackendName,
  trials: readonly Trial[],
  maxBatch: number,
  workload: Pick<Workload, 'train' | 'validation'>,
  machine: { cores: number; load: number } = { cores: os.availableParallelism(), load: os.loadavg()[0] },
): SearchPoolChoice {
  const dataBytes = [workload.train.x, workload.train.y, workload.validation.x, workload.validation.y].reduce((sum, t) => sum + t.size * 4, 0);
  const available = hardware.memory.availableBytes > 0 ? hardware.memory.availableBytes : 2 * 2 ** 30;
  const { cores, load } = machine;
  const free = freeCores(cores, load);
  const chosen = choosePoolSize({
    requested: opts.parallel,
    backend,
    cores: free,
    memoryBytes: opts.maxMemoryBytes ?? Math.floor(available * RAM_BUDGET_FRACTION),
    perProcessBytes: perProcessBytes(trials, maxBatch, dataBytes),
  });
  if (opts.inline.model || opts.inline.data) {
    const note = chosen.size > 1 ? `the search ran in this process, one run at a time: a model or data given in code cannot cross to a search process (${chosen.size} would have trained side by side)` : null;
    return { size: 1, inProcess: true, reason: 'a model or data given in code cannot cross to a process', note };
  }
  const busy = opts.parallel === null && backend !== 'tensorflow' && free < cores;
  const reason = busy ? `${chosen.reason}; ${cores - free} of ${cores} cores busy with other work (load average ${load.toFixed(1)})` : chosen.reason;
  if (!opts.isolate && chosen.size === 1) return { size: 1, inProcess: true, reason: `${reason}; trials not isolated: this process`, note: null };
  const said = chosen.limitedByMemory || chosen.overMemory || busy;
  return { size: chosen.size, inProcess: false, reason, note: said ? `the search: ${reason}` : null };
}

/** Starts the search's pool; null (and a note) when it cannot start, and the search trains in this process. */
export async function openSearchPool(opts: NormalizedOptions, backend: BackendName, size: number, notes: string[]): Promise<RunPool | null> {
  const pool = new RunPool({ workload: opts.workload, backend, minBatch: opts.minBatch, size });
  try {
    await pool.start();
    return pool;
  } catch (err) {
    notes.push(`the search's processes could not start (${describeError(err)}): its runs trained in this process`);
    return null;
  }
}
