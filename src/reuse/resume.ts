import type { AutobatchDocument, Checkpoint, LrRange, NoiseEstimate, Phase, ProbeResult } from '../document';
import { checkpointPlan, type SearchCheckpoint } from '../search/journal';
import type { RungPlan } from '../search/rungs';
import { InputError } from '../util/errors';
import type { CacheKeyParts } from './cache';

/** What a resumed tuning takes from the run it carries on from. */
export interface Resumption {
  /** The interrupted run's document. */
  previous: AutobatchDocument;
  checkpoint: Checkpoint;
  /** The phases whose results are reused. */
  phases: Phase[];
  /** Each phase's result, where that phase finished; undefined: measure it again. */
  probe?: ProbeResult;
  noiseAtInit?: NoiseEstimate | null;
  lrRange?: LrRange | null;
  /** The search's plan and record, where the search started. */
  search?: { plan: RungPlan; record: SearchCheckpoint };
}

/**
 * What `previous` (a document an interrupted run left, named `source` in messages)
 * lets a new run reuse.
 * @throws InputError when it is complete (nothing to resume) or holds no checkpoint.
 */
export function openResumption(previous: AutobatchDocument, source: string): Resumption {
  if (previous.complete) throw new InputError(`${source} is a complete result: nothing to resume (run without --resume to measure again)`);
  const checkpoint = previous.checkpoint;
  if (!checkpoint) throw new InputError(`${source} holds no checkpoint to resume from (a run killed before its probe ended, or written by autobatch before 0.7)`);
  const done = (phase: Phase) => checkpoint.done.includes(phase);
  let search: Resumption['search'];
  if (checkpoint.search) {
    try {
      search = { plan: checkpointPlan(checkpoint.search), record: checkpoint.search };
    } catch (err) {
      throw new InputError(`${source}: ${(err as Error).message}`);
    }
  }
  // Once the search started, what came before it is kept as it was, measured or not: the
  // search's candidates and rates were chosen from it. Before that, a phase skipped for
  // lack of time is measured now, if this run's time allows.
  const reuse = (phase: Phase) => done(phase) || search !== undefined;
  const probe = done('probe') && previous.probe ? previous.probe : undefined;
  const phases = (['probe', 'noise', 'lr-range'] as const).filter((phase) => (phase === 'probe' ? probe !== undefined : reuse(phase)));
  return {
    previous,
    checkpoint,
    phases,
    ...(probe ? { probe } : {}),
    ...(reuse('noise') ? { noiseAtInit: previous.noise?.atInit ?? null } : {}),
    ...(reuse('lr-range') ? { lrRange: previous.lrRange } : {}),
    ...(search ? { search } : {}),
  };
}

/** The least share of the tuning's budget a resumed run gets: one the budget cut short still has time for a round. */
export const LEAST_RESUMED_SHARE = 0.1;

/**
 * This run's time budget. A budget is the whole tuning's, resumes included: a resumed run
 * has the one given (else the interrupted run's) less what the tuning had spent at its
 * last checkpoint (what was done after it is done again), at least `LEAST_RESUMED_SHARE`
 * of it; a new run has the one given, or the default.
 */
export function tuningBudget(resumption: Resumption | null, seconds: number, given: boolean): { total: number; spent: number; seconds: number } {
  if (!resumption) return { total: seconds, spent: 0, seconds };
  const total = given ? seconds : resumption.checkpoint.budgetSeconds;
  const spent = resumption.checkpoint.spentSeconds;
  return { total, spent, seconds: Math.max(total - spent, LEAST_RESUMED_SHARE * total) };
}

/**
 * What a resume must match: the cache's key parts, less what does not change a measurement
 * a resumed run reuses: the time budget (a resumed run has its own), the pool's size (the
 * runs are the same on any number of processes, or on a queue) and the data-parallel
 * workers (advice from the measurements, given again).
 */
export function resumeBasis(parts: CacheKeyParts): Record<string, unknown> {
  const { timeBudgetSeconds: _time, parallel: _parallel, workers: _workers, ...settings } = parts.settings;
  return { ...parts, settings };
}

/**
 * Checks that this run measures what the interrupted one did: the same version, model,
 * data, machine, backend and settings (the time budget aside).
 * @throws InputError naming the first difference.
 */
export function assertSameBasis(resumption: Resumption, basis: Record<string, unknown>, source: string): void {
  const difference = firstDifference(resumption.checkpoint.basis, basis);
  if (difference === null) return;
  throw new InputError(
    `${source} was measured with another ${difference}: give the same model, data, settings and machine to resume (or run without --resume)`,
  );
}

/** The path of the first field where `a` and `b` differ ("settings.seed"), or null when they are equal. */
export function firstDifference(a: unknown, b: unknown, path = ''): string | null {
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    for (const key of keys) {
      const found = firstDifference((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], path ? `${path}.${key}` : key);
      if (found !== null) return found;
    }
    return null;
  }
  return JSON.stringify(a) === JSON.stringify(b) ? null : path || 'document';
}

/** The note a resumed run's document carries. */
export function resumedNote(resumption: Resumption, runs: number): string {
  const reused = resumption.phases.length ? resumption.phases.join(', ') : 'nothing before the search';
  return `resumed from the run of ${resumption.previous.createdAt}: reused ${reused}, and ${runs} of the search's runs`;
}
