import type { AutobatchDocument } from '../../src/document';
import { PLAN } from '../../src/search/plan';

/** The phases that share the time budget, in the order they run. */
const BUDGETED = ['probe', 'noise', 'lr-range', 'search'] as const;

/**
 * Where the plan a document records gave a phase more than the time budget had left when
 * it started: each phase is given at most the budget, less the reserve, less what the
 * phases before it used (their timings; the time it had left was less still), and the
 * probe and the noise at most their shares of that (a tuning with a search). A relation
 * between recorded numbers that holds on a machine of any speed. Empty when none.
 */
export function planOverdrafts(doc: AutobatchDocument): string[] {
  const planned = doc.budget.planned ?? {};
  const share: Record<string, number> = { probe: PLAN.probeShare, noise: PLAN.noiseShare };
  const overdrafts: string[] = [];
  let used = 0;
  for (const phase of BUDGETED) {
    const given = planned[phase];
    const left = doc.budget.timeSeconds - PLAN.reserveSeconds - used;
    const most = (share[phase] ?? 1) * Math.max(0, left);
    if (given !== undefined && given > most + 1e-6) overdrafts.push(`${phase} was given ${given} s, more than the ${most.toFixed(3)} s it could have (${left.toFixed(3)} s left at most)`);
    used += doc.timings[phase] ?? 0;
  }
  return overdrafts;
}
