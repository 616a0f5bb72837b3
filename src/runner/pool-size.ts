import type { BackendName } from '../document';
import { median } from '../util/stats';
import { formatBytes } from '../util/units';

export interface PoolSizeInput {
  /** `--parallel`, or null to choose. */
  requested: number | null;
  backend: BackendName;
  /** Cores free for the pool: see `freeCores`. */
  cores: number;
  /** Memory the pool's processes may fill together. */
  memoryBytes: number;
  /** What one process holds: the runtime, the data set, a model training at the largest batch. */
  perProcessBytes: number;
  /**
   * Cores one trial process kept busy in the probe (see `cpuPerProcess`), or null where
   * not measured: then wasm and cpu are taken to use one and tfjs-node every core.
   */
  cpuPerProcess?: number | null;
}

export interface PoolSize {
  size: number;
  /**
   * Threads each process's TensorFlow may use, so the processes do not fight over cores:
   * set on tensorflow when more than one process shares the cores; null where the backend
   * trains on one thread (wasm, cpu) or one process has them all.
   */
  threads: number | null;
  /** Why this size, for the notes. */
  reason: string;
  /** True when memory, not cores, set the size. */
  limitedByMemory: boolean;
  /** True when a size given is more than memory holds. */
  overMemory: boolean;
}

/** Share of the free cores the pool keeps busy, at least, with as few processes as do it. */
export const CORE_SHARE = 0.9;

/**
 * How many processes train the search's runs at once: as many as the free cores hold,
 * given how many cores one process kept busy in the probe. wasm and cpu train on one
 * thread (one process a core); tfjs-node's thread pool may keep every core busy (then
 * one process) or, on a small model, barely one (then one process a core, each given
 * its share of the threads). Each process holds the data set and a model, so no more than
 * `memoryBytes` holds. A size given is kept, with a warning when memory would not choose it.
 */
export function choosePoolSize(input: PoolSizeInput): PoolSize {
  const fit = Math.max(1, Math.floor(input.memoryBytes / Math.max(1, input.perProcessBytes)));
  const each = `${formatBytes(input.perProcessBytes)} each in ${formatBytes(input.memoryBytes)}`;
  const cores = Math.max(1, input.cores);
  const threadsFor = (size: number) => (input.backend === 'tensorflow' && size > 1 ? Math.max(1, Math.floor(cores / size)) : null);
  const processes = (n: number) => `${n} search process${n === 1 ? '' : 'es'}`;
  if (input.requested !== null) {
    const over = input.requested > fit ? `; memory would allow ${fit} (${each})` : '';
    return { size: input.requested, threads: threadsFor(input.requested), reason: `${processes(input.requested)} (--parallel)${over}`, limitedByMemory: false, overMemory: over !== '' };
  }
  const measured = input.cpuPerProcess ?? null;
  const busy = measured ?? (input.backend === 'tensorflow' ? cores : 1);
  // The fewest processes that keep 90 % of the cores busy (`CORE_SHARE`): a tfjs-node
  // process on 1.43 of 2 cores leaves 29 % idle (two), one on 1.9 only 5 % (one: a second
  // would halve every run's speed for 5 % more work done); a wasm process on 1.1 (V8's
  // collector threads) is still one a core on 2.
  const byCores = Math.max(1, Math.min(cores, Math.ceil((CORE_SHARE * cores) / Math.max(1, busy))));
  const why =
    measured !== null
      ? `one ${input.backend} process kept ${measured.toFixed(2)} of ${cores} free core${cores === 1 ? '' : 's'} busy in the probe`
      : input.backend === 'tensorflow'
        ? 'tfjs-node is taken to use every core (not measured)'
        : `${input.backend} trains on one thread`;
  if (fit < byCores) {
    return { size: fit, threads: threadsFor(fit), reason: `${processes(fit)}, not ${byCores} (${why}): memory holds ${fit} (${each})`, limitedByMemory: true, overMemory: false };
  }
  const threads = threadsFor(byCores);
  const split = threads !== null ? ` of ${threads} thread${threads === 1 ? '' : 's'} each` : '';
  return { size: byCores, threads, reason: `${processes(byCores)}${split}: ${why}`, limitedByMemory: false, overMemory: false };
}

/**
 * Cores one trial process kept busy in the probe, at the sizes the search may use (up to
 * `maxBatch`): the median of the trials' `cpuPerWall`; null where none measured it.
 */
export function cpuPerProcess(trials: readonly { batchSize: number; status: string; cpuPerWall?: number }[], maxBatch: number): number | null {
  const shares = trials.filter((t) => t.status === 'ok' && t.batchSize <= maxBatch && t.cpuPerWall !== undefined).map((t) => t.cpuPerWall!);
  return shares.length ? median(shares) : null;
}

/** Bytes a process needs besides its tensors: Node, TensorFlow.js, the wasm module. */
export const PROCESS_BASE_BYTES = 150 * 2 ** 20;

/**
 * What one search process holds, from the probe's measurements: the largest resident
 * set a trial process reached at a size the search may use, or its peak tensor bytes
 * plus the data and the runtime, whichever is larger.
 */
export function perProcessBytes(trials: readonly { batchSize: number; status: string; peakBytes: number | null; rssBytes: number | null }[], maxBatch: number, dataBytes: number): number {
  const used = trials.filter((t) => t.status === 'ok' && t.batchSize <= maxBatch);
  const rss = Math.max(0, ...used.map((t) => t.rssBytes ?? 0));
  const peak = Math.max(0, ...used.map((t) => t.peakBytes ?? 0));
  return Math.max(rss, peak + dataBytes + PROCESS_BASE_BYTES);
}

/**
 * Cores free for the search: those this process may use, less those other processes keep
 * busy, read from the one-minute load average less the tuner's own busy thread. A process
 * per busy core would only share it: each run slower, none sooner, and a run slowed past
 * its slot (see `SLOT_OVERRUN`) is cut short. At least one.
 */
export function freeCores(cores: number, loadAverage: number): number {
  const others = Math.max(0, loadAverage - 1);
  return Math.max(1, cores - Math.round(others));
}
