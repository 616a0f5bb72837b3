import type { BackendName } from '../document';
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
}

export interface PoolSize {
  size: number;
  /** Why this size, for the notes. */
  reason: string;
  /** True when memory, not cores, set the size. */
  limitedByMemory: boolean;
  /** True when a size given is more than memory holds. */
  overMemory: boolean;
}

/**
 * How many processes train the search's runs at once. wasm and cpu train on one thread,
 * so one process per core; tfjs-node already uses every core, so one. Each process holds
 * the data set and a model, so no more than `memoryBytes` holds. A size given is kept,
 * with a warning when memory would not choose it.
 */
export function choosePoolSize(input: PoolSizeInput): PoolSize {
  const fit = Math.max(1, Math.floor(input.memoryBytes / Math.max(1, input.perProcessBytes)));
  const each = `${formatBytes(input.perProcessBytes)} each in ${formatBytes(input.memoryBytes)}`;
  if (input.requested !== null) {
    const over = input.requested > fit ? `; memory would allow ${fit} (${each})` : '';
    return { size: input.requested, reason: `${input.requested} search process${input.requested === 1 ? '' : 'es'} (--parallel)${over}`, limitedByMemory: false, overMemory: over !== '' };
  }
  if (input.backend === 'tensorflow') {
    return { size: 1, reason: '1 search process: tfjs-node trains on every core already', limitedByMemory: false, overMemory: false };
  }
  const cores = Math.max(1, input.cores);
  if (fit < cores) {
    return { size: fit, reason: `${fit} search process${fit === 1 ? '' : 'es'}, not one per free core (${cores}): memory holds ${fit} (${each})`, limitedByMemory: true, overMemory: false };
  }
  return { size: cores, reason: `${cores} search process${cores === 1 ? '' : 'es'}: ${input.backend} trains on one thread, one process per free core`, limitedByMemory: false, overMemory: false };
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
