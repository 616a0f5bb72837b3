import type { AutobatchDocument, HardwareInfo } from '../document';
import { defaultMemoryBudget } from '../platform/hardware';
import { cacheKey, cacheKeyParts, readCache } from '../reuse/cache';
import { assertSameBasis, resumeBasis } from '../reuse/resume';
import { saveWorkloadModel } from '../workloads/save-model';
import type { Trainer, Tuning } from './context';

/** What the measuring phases start from, once the machine, the backend and the workload are known. */
export interface Measuring {
  /** The memory a trial may use: the one given, else a share of this machine's. */
  memoryBudgetBytes: number;
  /** This run's key in the cache; null without a cache. */
  cacheKey: string | null;
  /** A result the cache holds for exactly this run: the tuning ends with it. */
  cached: AutobatchDocument | null;
}

/**
 * Fixes what a checkpoint's resume must match (and checks it against the run resumed),
 * saves the model before any measuring (an interrupted run still leaves the model it was
 * tuning), sets the memory budget, and looks for a cached result.
 * @throws InputError when the run resumed measured another model, data, machine or setting.
 */
export async function prepareMeasuring(tuning: Tuning, trainer: Trainer, hardware: HardwareInfo): Promise<Measuring> {
  const { opts, doc, resumption } = tuning;
  const parts = cacheKeyParts(opts, hardware, doc.backend!, trainer.workload.fingerprint());
  const basis = resumeBasis(parts);
  tuning.checkpoints.setBasis(basis);
  if (resumption) assertSameBasis(resumption, basis, tuning.resumeSource);
  if (opts.saveModel) {
    doc.workload = { ...trainer.workload.info, savedModel: await saveWorkloadModel(trainer.tf, trainer.workload, opts.saveModel) };
  }
  const memoryBudgetBytes = opts.maxMemoryBytes ?? defaultMemoryBudget(hardware, trainer.backend);
  doc.budget.memoryBytes = memoryBudgetBytes;
  const key = opts.cache ? cacheKey(parts) : null;
  const cached = key && !opts.refresh && !resumption ? readCache(opts.cache!, key) : null;
  if (cached) {
    cached.notes = [...cached.notes, `cached result from ${cached.createdAt} reused (--refresh measures again)`];
    cached.cache = { key: key!, hit: true };
    cached.workload = doc.workload;
  }
  return { memoryBudgetBytes, cacheKey: key, cached };
}
