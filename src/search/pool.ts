import * as os from 'node:os';
import type { BackendName, HardwareInfo, Trial } from '../document';
import { describeError } from '../util/errors';
import { RAM_BUDGET_FRACTION } from '../platform/hardware';
import type { NormalizedOptions } from '../options';
import { RunPool } from '../runner/pool';
import { choosePoolSize, cpuPerProcess, freeCores, perProcessBytes } from '../runner/pool-size';
import type { Workload } from '../workloads/workload';

/** Where the search's runs train, and why: a pool of `size` processes, or this process. */
export interface SearchPoolChoice {
  size: number;
  /** Threads each process's TensorFlow may use (tensorflow, several processes); null: the backend's own. */
  threads: number | null;
  inProcess: boolean;
  reason: string;
  /** A line for the notes, when the user should know (memory limited the pool; code cannot cross). */
  note: string | null;
}

/**
 * The search's pool: its size from `choosePoolSize` (cores, backend, memory: each process
 * holds the data and a model), in a pool when the workload can cross to a process and
 * either trials are isolated or more than one run fits at once; otherwise this process.
 * `machine`: the cores Node may use, and the cores other programs kept busy while the
 * tuner ran (`elsewhere`, see `coresBusyElsewhere`) or, where that was not measured, the
 * one-minute load average (see `freeCores`).
 */
export function chooseSearchPool(
  opts: Pick<NormalizedOptions, 'parallel' | 'inline' | 'isolate' | 'maxMemoryBytes'>,
  hardware: HardwareInfo,
  backend: BackendName,
  trials: readonly Trial[],
  maxBatch: number,
  workload: Pick<Workload, 'data'>,
  machine: { cores: number; load: number; elsewhere?: number | null } = { cores: os.availableParallelism(), load: os.loadavg()[0] },
): SearchPoolChoice {
  const dataBytes = workload.data.residentBytes(maxBatch);
  const available = hardware.memory.availableBytes > 0 ? hardware.memory.availableBytes : 2 * 2 ** 30;
  const { cores, load } = machine;
  const elsewhere = machine.elsewhere ?? null;
  const free = elsewhere !== null ? Math.max(1, cores - Math.round(elsewhere)) : freeCores(cores, load);
  const chosen = choosePoolSize({
    requested: opts.parallel,
    backend,
    cores: free,
    memoryBytes: opts.maxMemoryBytes ?? Math.floor(available * RAM_BUDGET_FRACTION),
    perProcessBytes: perProcessBytes(trials, maxBatch, dataBytes),
    cpuPerProcess: cpuPerProcess(trials, maxBatch),
  });
  if (opts.inline.model || opts.inline.data) {
    const note = chosen.size > 1 ? `the search ran in this process, one run at a time: a model or data given in code cannot cross to a search process (${chosen.size} would have trained side by side)` : null;
    return { size: 1, threads: null, inProcess: true, reason: 'a model or data given in code cannot cross to a process', note };
  }
  const busy = opts.parallel === null && free < cores;
  const measure = elsewhere !== null ? `${elsewhere.toFixed(1)} cores' CPU time taken by other programs since the tuner started` : `load average ${load.toFixed(1)}`;
  const reason = busy ? `${chosen.reason}; ${cores - free} of ${cores} cores busy with other work (${measure})` : chosen.reason;
  if (!opts.isolate && chosen.size === 1) return { size: 1, threads: null, inProcess: true, reason: `${reason}; trials not isolated: this process`, note: null };
  // Several tfjs-node processes sharing the cores is a measured choice the user should see.
  const said = chosen.limitedByMemory || chosen.overMemory || busy || (chosen.threads !== null && opts.parallel === null);
  return { size: chosen.size, threads: chosen.threads, inProcess: false, reason, note: said ? `the search: ${reason}` : null };
}

/** Starts the search's pool; null (and a note) when it cannot start, and the search trains in this process. */
export async function openSearchPool(opts: NormalizedOptions, backend: BackendName, choice: Pick<SearchPoolChoice, 'size' | 'threads'>, notes: string[]): Promise<RunPool | null> {
  const pool = new RunPool({ workload: opts.workload, backend, minBatch: opts.minBatch, size: choice.size, threads: choice.threads });
  try {
    await pool.start();
    return pool;
  } catch (err) {
    notes.push(`the search's processes could not start (${describeError(err)}): its runs trained in this process`);
    return null;
  }
}
