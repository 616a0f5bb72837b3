/**
 * The user's horizon, and the best rate among one length's runs (see `loss-model.ts` for
 * how the best rate moves with the length of training). Pure functions over recorded numbers.
 */

/** The planned training length: epochs, or seconds of wall time; `given` by the user or the `default`. */
export type HorizonOption = ({ epochs: number } | { seconds: number }) & { source: 'given' | 'default' };

/** One run: the rate it trained at and its final validation loss (null when it diverged). */
export interface RatePoint {
  learningRate: number;
  valLoss: number | null;
}

/** The best rate found among runs of one length. */
export interface HorizonPoint {
  /** Training steps of those runs. */
  steps: number;
  bestRate: number;
  /** `low` or `high` when the best was the lowest or highest rate tried: the real optimum may lie beyond it. */
  edge: RateEdge;
  /** The rates tried at this length. */
  rates: number[];
}

/** Where a best rate sits among the rates tried: at the low or high end, or inside (null). */
export type RateEdge = 'low' | 'high' | null;

/** Runs shorter than this say nothing of how the best rate moves: their round is left out of the trend. */
export const MIN_TREND_STEPS = 20;

/**
 * The rate at the minimum of validation loss against log rate: the parabola through the
 * lowest point and its two neighbours, its vertex kept between them. At an edge of the
 * tried rates, or where the three points do not curve upwards, the lowest point itself.
 * Null when every run diverged.
 */
export function bestRateOnCurve(points: readonly RatePoint[]): { rate: number; edge: RateEdge } | null {
  const finite = [...points]
    .filter((p): p is { learningRate: number; valLoss: number } => p.valLoss !== null && Number.isFinite(p.valLoss) && p.learningRate > 0)
    .sort((a, b) => a.learningRate - b.learningRate);
  if (!finite.length) return null;
  // A diverged run above every finite one bounds the optimum from above: the lowest finite point is not an edge then.
  const rates = points.map((p) => p.learningRate).sort((a, b) => a - b);
  let i = 0;
  finite.forEach((p, j) => {
    if (p.valLoss < finite[i].valLoss) i = j;
  });
  const isLowest = finite[i].learningRate === rates[0];
  const isHighest = finite[i].learningRate === rates[rates.length - 1];
  const edge: RateEdge = isLowest ? 'low' : isHighest ? 'high' : null;
  if (i === 0 || i === finite.length - 1) return { rate: finite[i].learningRate, edge };
  const [x0, x1, x2] = [finite[i - 1], finite[i], finite[i + 1]].map((p) => Math.log(p.learningRate));
  const [y0, y1, y2] = [finite[i - 1], finite[i], finite[i + 1]].map((p) => p.valLoss);
  // Vertex of the parabola through three points (unequal spacing allowed).
  const d01 = (y1 - y0) / (x1 - x0);
  const d12 = (y2 - y1) / (x2 - x1);
  const curvature = (d12 - d01) / (x2 - x0);
  if (!(curvature > 0)) return { rate: finite[i].learningRate, edge: null };
  const vertex = (x0 + x1) / 2 - d01 / (2 * curvature);
  return { rate: Math.exp(Math.min(x2, Math.max(x0, vertex))), edge: null };
}

/**
 * Per training length (round), the best rate among that round's runs, for the rounds
 * that tried at least two rates for at least `MIN_TREND_STEPS` steps; shortest first.
 */
export function horizonPoints(runs: readonly (RatePoint & { round: number; steps: number })[]): HorizonPoint[] {
  const rounds = [...new Set(runs.map((r) => r.round))].sort((a, b) => a - b);
  const out: HorizonPoint[] = [];
  for (const round of rounds) {
    const these = runs.filter((r) => r.round === round);
    // A handful of steps ranks rates on noise: no evidence of a trend.
    if (Math.max(...these.map((r) => r.steps)) < MIN_TREND_STEPS) continue;
    const rates = [...new Set(these.map((r) => r.learningRate))].sort((a, b) => a - b);
    if (rates.length < 2) continue;
    // Runs of one rate on several data orders or folds count once, at their mean (a diverged one makes it diverged).
    const best = bestRateOnCurve(
      rates.map((learningRate) => {
        const losses = these.filter((r) => r.learningRate === learningRate).map((r) => r.valLoss);
        return { learningRate, valLoss: losses.some((l) => l === null) ? null : losses.reduce((a, b) => a! + b!, 0)! / losses.length };
      }),
    );
    if (!best) continue;
    out.push({ steps: Math.max(...these.map((r) => r.steps)), bestRate: best.rate, edge: best.edge, rates });
  }
  return out.sort((a, b) => a.steps - b.steps);
}

/** Steps of a run of `epochs` epochs over `samples` training samples at `batchSize` (a last partial batch counts). */
export function epochSteps(epochs: number, samples: number, batchSize: number): number {
  return Math.max(1, Math.round(epochs * Math.ceil(samples / batchSize)));
}
