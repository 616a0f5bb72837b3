import type { CandidateRun } from '../runner/run-spec';

/**
 * A rate at the edge of those tried: when the best run of the top rung is at the highest
 * (or lowest) rate its size tried, the optimum may lie beyond it, and the search trains
 * the next rates out (see `Search.edgeWaves`).
 */

/** Rates tried beyond an edge, in one wave. */
export const EDGE_RUNS = 2;

/** Waves past an edge at most: three more half-decades, a decade and a half beyond the edge. */
export const EDGE_WAVES = 3;

/**
 * The next `count` rates out when `run`'s rate is the highest or the lowest of `tried`
 * (at least two tried): × `factor`, × `factor`², … above, ÷ below; none when it lies
 * inside, or diverged.
 */
export function edgeRates(run: CandidateRun, tried: readonly number[], factor: number, count = EDGE_RUNS): number[] {
  if (tried.length < 2 || run.valLoss === null) return [];
  const step = run.learningRate >= Math.max(...tried) ? factor : run.learningRate <= Math.min(...tried) ? 1 / factor : null;
  if (step === null) return [];
  return Array.from({ length: count }, (_, i) => run.learningRate * step ** (i + 1));
}
