import type { HardwareInfo, LrRange, NoiseEstimate } from '../document';
import { isAdaptive } from '../lr/scaling';
import type { RunPool } from '../runner/pool';
import type { QueueInfo, RunQueue } from '../runner/queue/client';
import { SearchJournal } from '../search/journal';
import { openSearchPool, type SearchPoolChoice } from '../search/pool';
import { openSearchQueue } from '../search/queue';
import type { RungPlan } from '../search/rungs';
import { searchBatchSizes, type SearchOutcome } from '../search/search';
import { withoutPreparedData } from '../workloads/spec';
import type { Trainer, Tuning } from './context';
import type { Capacity } from './probe-phase';
import type { Share } from './run-phase';

/** What the search takes. */
export interface SearchInput {
  trainer: Trainer;
  hardware: HardwareInfo;
  capacity: Capacity;
  /** Places the candidates and scales their rates; null where not measured. */
  noiseAtInit: NoiseEstimate | null;
  /** The reference rate; null where the range test did not run (the compiled rate stands in). */
  lrRange: LrRange | null;
  pool: SearchPoolChoice;
}

/** What the search measured, and where it ran. */
export interface Searched {
  outcome: SearchOutcome;
  /** The plan it ran: made again for the workers it got, unless it was resumed. */
  plan: RungPlan;
  /** Runs side by side (a queue's workers, a pool's processes); null: this process. */
  parallel: number | null;
  /** The queue, where the runs went to one. */
  queued: (QueueInfo & { lost: boolean }) | null;
}

/** How the search runs: its plan, how to plan it again for the workers it gets (null: keep it), and its share of the time. */
export interface SearchSetting {
  plan: RungPlan;
  replan: ((parallel: number) => RungPlan | null) | null;
  allot: () => Share;
}

/** Opens the search's workers, trains its runs, and closes them. */
export async function runSearch(tuning: Tuning, input: SearchInput, setting: SearchSetting): Promise<Searched> {
  const { opts, resumption } = tuning;
  const { trainer, capacity, noiseAtInit, lrRange } = input;
  const { pool, queue, plan } = await openWorkers(tuning, input, setting);
  const journal = new SearchJournal(plan, resumption?.search?.record ?? null, () => tuning.checkpoints.write());
  tuning.checkpoints.followSearch(journal);
  const { workload } = trainer;
  try {
    const outcome = await searchBatchSizes(trainer.tf, workload, {
      probe: capacity.probe,
      noiseAtInit,
      // No suggestion (a sweep too short or without a descent): the compiled rate, not a guess.
      referenceLr: lrRange?.suggestion ?? workload.info.optimizer.learningRate,
      referenceBatch: lrRange?.batchSize ?? capacity.knee,
      maxBatch: capacity.safe,
      optimizer: workload.info.optimizer,
      plan,
      deadline: setting.allot().deadline,
      seed: opts.seed,
      precondition: isAdaptive(workload.info.optimizer.name),
      signal: opts.signal,
      onProgress: opts.onProgress,
      journal,
      ...(pool ? { workers: pool.workers() } : {}),
      ...(queue ? { workers: queue.workers(queue.info().workers), signal: AbortSignal.any([queue.lost, ...(opts.signal ? [opts.signal] : [])]) } : {}),
    });
    return { outcome, plan, parallel: queue?.info().workers ?? pool?.size ?? null, queued: queue && { ...queue.info(), lost: queue.lost.aborted } };
  } finally {
    await queue?.close();
    await pool?.close();
  }
}

/**
 * Where the runs train: a queue's workers (or here if none comes), a pool of processes,
 * or this process. The probe's process is done: its memory goes to the pool. Starting
 * them takes time: the plan is made again for what is left.
 */
async function openWorkers(tuning: Tuning, { trainer, hardware, pool: choice }: SearchInput, { plan, replan }: SearchSetting) {
  const { opts, doc, checkpoints } = tuning;
  let pool: RunPool | null = null;
  let queue: RunQueue | null = null;
  if (opts.queue) {
    await trainer.runner.close();
    const context = { backend: trainer.backend, hardware, workloadFingerprint: trainer.workload.fingerprint(), createdAt: doc.createdAt };
    // Workers on other machines cannot read this one's prepared file: they load the source, checked by its hash.
    queue = await openSearchQueue({ ...opts, workload: withoutPreparedData(trainer.spec) }, { ...context, name: checkpoints.queue }, doc.notes, opts.onProgress);
    checkpoints.queue = queue?.name ?? checkpoints.queue;
    if (queue && replan) plan = replan(queue.info().workers) ?? plan;
  }
  if (!queue && !choice.inProcess) {
    await trainer.runner.close();
    const poolStarted = Date.now();
    pool = await openSearchPool({ ...opts, workload: trainer.spec }, trainer.backend, choice, doc.notes);
    doc.timings.poolStart = (Date.now() - poolStarted) / 1000;
    if (pool) opts.onProgress({ type: 'search-pool', size: pool.size, pids: pool.pids() });
    if (replan) plan = replan(pool?.size ?? 1) ?? plan;
  }
  return { pool, queue, plan };
}
