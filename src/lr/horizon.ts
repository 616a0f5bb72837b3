/**
 * How the best learning rate moves with the length of training, measured on the
 * search's own runs and extrapolated to the user's horizon. Short runs favour high rates
 * (Bjorck et al. 2024: η* ∝ H^-α, with α from about 0.3 for language models to about 1 on
 * small image sets at a constant rate), so the exponent is measured per task: the
 * search trains the same batch size at several rates for t and again for 9t (or 3t), and
 * the best rate of each round gives α. Pure functions over recorded numbers.
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

/** The exponent is kept within [0, MAX_EXPONENT]: a best rate rising with the horizon is noise, and above 1 is no trend we trust. */
export const MAX_EXPONENT = 1;

/** An extrapolated rate is never below this share of the rate measured best, however long the horizon. */
export const MIN_HORIZON_FACTOR = 1 / 8;

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
    const best = bestRateOnCurve(these);
    if (!best) continue;
    out.push({ steps: Math.max(...these.map((r) => r.steps)), bestRate: best.rate, edge: best.edge, rates });
  }
  return out.sort((a, b) => a.steps - b.steps);
}

/**
 * α in η*(H) ∝ H^-α from the best rates of the shortest and the longest runs, kept
 * within [0, MAX_EXPONENT]. Null without two lengths at least 1.5× apart, or when the
 * longest runs did best at the highest rate tried: their optimum is unknown.
 */
export function horizonExponent(points: readonly HorizonPoint[]): number | null {
  if (points.length < 2) return null;
  const short = points[0];
  const long = points[points.length - 1];
  if (long.steps < 1.5 * short.steps || long.edge === 'high') return null;
  const alpha = -Math.log(long.bestRate / short.bestRate) / Math.log(long.steps / short.steps);
  return Math.min(MAX_EXPONENT, Math.max(0, alpha));
}

/** The rate for a horizon of `targetSteps`, from the rate best at `steps`, and how it was got. */
export interface HorizonRate {
  rate: number;
  /** rate / the measured best rate. */
  factor: number;
  /** True when `MIN_HORIZON_FACTOR` or the no-raise rule limited the factor. */
  clamped: boolean;
}

/**
 * Extrapolates the rate measured best at `from.steps` to `targetSteps` by η ∝ H^-α.
 * The factor is kept within [MIN_HORIZON_FACTOR, 1]: a horizon shorter than the search's
 * runs keeps the measured rate (a higher one was never seen to train), and no trend is
 * trusted beyond an eighth. Without an exponent, the measured rate.
 */
export function extrapolateRate(from: { steps: number; rate: number }, exponent: number | null, targetSteps: number): HorizonRate {
  if (exponent === null || !(targetSteps > 0) || !(from.steps > 0)) return { rate: from.rate, factor: 1, clamped: false };
  const raw = (targetSteps / from.steps) ** -exponent;
  const factor = Math.min(1, Math.max(MIN_HORIZON_FACTOR, raw));
  return { rate: from.rate * factor, factor, clamped: factor !== raw };
}

/** Steps of a run of `epochs` epochs over `samples` training samples at `batchSize` (a last partial batch counts). */
export function epochSteps(epochs: number, samples: number, batchSize: number): number {
  return Math.max(1, Math.round(epochs * Math.ceil(samples / batchSize)));
}
