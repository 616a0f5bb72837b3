import type { AutobatchDocument } from './document';
import type { TuneOptions } from './options';
import { backendPhase } from './tuning/backend-phase';
import { openTuning } from './tuning/context';
import { finishDocument, noteResumption } from './tuning/finish';
import { lrRangePhase } from './tuning/lr-range-phase';
import { noisePhase } from './tuning/noise-phase';
import { choosePool } from './tuning/pool-choice';
import { prepareMeasuring } from './tuning/prepare-measuring';
import { adviseOnBudget, probePhase } from './tuning/probe-phase';
import { recommendPhase } from './tuning/recommend-phase';
import { runPhase } from './tuning/run-phase';
import { searchPhase } from './tuning/search-phase';
import { hardwarePhase, readWorkload, type StartUp } from './tuning/start-up';
import { RunFolder } from './workloads/shared-data';

/**
 * Measures the model on this machine and recommends a batch size and learning rate:
 * capacity probe, gradient noise at the initial weights, LR range test, short search,
 * recommendation. Returns the same document the CLI writes as JSON. When
 * `options.signal` aborts or time runs out, it still returns, with `complete: false`,
 * what was measured and the best recommendation available.
 * @throws UsageError for bad options, BackendError when no backend can train the model.
 */
export async function tune(options: TuneOptions = {}): Promise<AutobatchDocument> {
  // The data prepared for the trial processes lives in the folder, and the first trial
  // process starts before the data is read: both go however the run ends.
  const start: StartUp = { folder: new RunFolder(), early: null };
  try {
    return await measure(options, start);
  } finally {
    start.folder.remove();
    await start.early?.close();
  }
}

/**
 * The tuning, phase by phase: each takes what the earlier ones gave, by name; `runPhase`
 * times it, gives it its share of the budget, cuts it when it runs out, writes the
 * checkpoint after it and skips it where a resumption holds its result.
 */
async function measure(options: TuneOptions, start: StartUp): Promise<AutobatchDocument> {
  const tuning = openTuning(options);
  const read = await readWorkload(tuning, start);
  const hardware = await runPhase(tuning, hardwarePhase, read.hardware);
  const trainer = await runPhase(tuning, backendPhase, { read, early: start.early });
  try {
    const { memoryBudgetBytes, cacheKey, cached } = await prepareMeasuring(tuning, trainer, hardware);
    if (cached) return cached;
    const capacity = await runPhase(tuning, probePhase, { trainer, memoryBudgetBytes });
    adviseOnBudget(tuning, capacity);
    const noiseAtInit = await runPhase(tuning, noisePhase, { trainer, capacity });
    const pool = await choosePool(tuning, { trainer, hardware, capacity });
    const lrRange = await runPhase(tuning, lrRangePhase, { trainer, capacity, pool });
    const search = await runPhase(tuning, searchPhase, { trainer, hardware, capacity, noiseAtInit, lrRange, pool });
    noteResumption(tuning);
    await runPhase(tuning, recommendPhase, { trainer, capacity, memoryBudgetBytes, noiseAtInit, lrRange, search });
    return finishDocument(tuning, cacheKey);
  } finally {
    await trainer.runner.close();
    trainer.workload.dispose();
  }
}
