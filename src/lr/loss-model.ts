/**
 * Where the user's run is too long to measure, the best peak for it comes from a model of
 * validation loss over (rate, length), fitted on every rung's runs (issue 28, item 6):
 *
 *   L(η, s) = a_s + c · (ln η − m + α · ln(s / s_top))²
 *
 * a parabola in log rate at each run length s (its own level a_s, one curvature c shared
 * by all lengths), whose minimum moves as η*(s) = e^m · (s / s_top)^−α. Short runs favour
 * high rates; how fast the best rate falls with length is task-dependent (published
 * exponents per step lie between about 0 and 0.6: Bjorck et al. 2024, and in bench/), so
 * α carries a prior (`EXPONENT_PRIOR`) that the rungs' runs update: with one rung of
 * several rates the prior alone carries the answer, with more the data take over. Only
 * the points around each length's minimum enter (within `FIT_WINDOW` of it in log rate),
 * where a parabola is a fair description; far above the optimum the loss climbs faster.
 *
 * The predicted loss at the horizon is given as an interval: between the best loss of the
 * top rung (no further gain) and its trend over log steps continued to the horizon
 * (every gain continuing). Pure functions over recorded numbers.
 */

/** One run: its length in steps, its peak rate, its final validation loss (null: diverged). */
export interface LengthRatePoint {
  steps: number;
  rate: number;
  loss: number | null;
}

/**
 * The spread of one run's loss over data orders assumed before any replicate, relative to
 * the best loss: the grid's finalists in bench/ spread by 1–5 % over three data orders
 * (median about 2 %).
 */
export const PRIOR_RELATIVE_SIGMA = 0.02;

/** The prior on α: mean 0.3, spread 0.15, kept within [0, 1]. */
export const EXPONENT_PRIOR = { mean: 0.3, sd: 0.15, min: 0, max: 1 } as const;

/** Points within this factor of a length's best rate enter the fit (a decade either way). */
export const FIT_WINDOW = 10;

export interface LossModelFit {
  /** α: the exponent's posterior mean, and its 10–90 % interval. */
  exponent: { value: number; low: number; high: number };
  /** Whether the runs measured α (two lengths with a curve each), or the prior alone carried it. */
  exponentFrom: 'runs' | 'prior';
  /** The longest length the runs measured, in steps, and the best rate there (the parabola's minimum). */
  topSteps: number;
  topRate: number;
  /** The best rate at `steps` steps, with its interval from α's. */
  optimumAt(steps: number): { rate: number; low: number; high: number };
  /** The loss the best rate reaches at `steps`: between the trend continued (low) and the top rung's (high); null with one length. */
  lossAt(steps: number): { value: number; low: number; high: number } | null;
}

/**
 * The model fitted on `points` (see the file's comment), with `sigma` the noise of one
 * run's loss (weighs the data against the prior). Null when no length has three rates
 * around its minimum, or no curvature can be fitted.
 */
export function fitLossModel(points: readonly LengthRatePoint[], sigma: number): LossModelFit | null {
  const groups = windowed(points);
  if (!groups.length) return null;
  const tTop = Math.log(Math.max(...groups.map((g) => g.steps)));
  const grid = Array.from({ length: 201 }, (_, i) => EXPONENT_PRIOR.min + ((EXPONENT_PRIOR.max - EXPONENT_PRIOR.min) * i) / 200);
  const noise = Math.max(sigma, 1e-12);
  const fits = grid.map((alpha) => ({ alpha, fit: fitAt(groups, alpha, tTop) }));
  const valid = fits.filter((f): f is { alpha: number; fit: FixedFit } => f.fit !== null && f.fit.curvature > 0);
  if (!valid.length) return null;
  const measured = groups.filter((g) => g.points.length >= 3).length >= 2;
  // Posterior over α on the grid: the runs' likelihood (Gaussian, σ) times the prior.
  const logPost = valid.map((f) => -0.5 * (f.fit.rss / noise ** 2) - 0.5 * ((f.alpha - EXPONENT_PRIOR.mean) / EXPONENT_PRIOR.sd) ** 2);
  const top = Math.max(...logPost);
  const weights = logPost.map((l) => Math.exp(l - top));
  const total = weights.reduce((a, b) => a + b, 0);
  const mean = valid.reduce((s, f, i) => s + f.alpha * weights[i], 0) / total;
  const quantile = (q: number) => {
    let acc = 0;
    for (let i = 0; i < valid.length; i++) {
      acc += weights[i] / total;
      if (acc >= q) return valid[i].alpha;
    }
    return valid[valid.length - 1].alpha;
  };
  const at = valid.reduce((a, b) => (Math.abs(b.alpha - mean) < Math.abs(a.alpha - mean) ? b : a)).fit;
  const topSteps = Math.exp(tTop);
  const exponent = { value: mean, low: quantile(0.1), high: quantile(0.9) };
  const rateAt = (alpha: number, steps: number) => Math.exp(at.optimum - alpha * (Math.log(steps) - tTop));
  return {
    exponent,
    exponentFrom: measured ? 'runs' : 'prior',
    topSteps,
    topRate: Math.exp(at.optimum),
    optimumAt: (steps) => ({ rate: rateAt(exponent.value, steps), low: rateAt(exponent.high, steps), high: rateAt(exponent.low, steps) }),
    lossAt: (steps) => predictLoss(at.minima, steps),
  };
}

interface Group {
  steps: number;
  points: { x: number; loss: number }[];
}

/** Each length's points within `FIT_WINDOW` of its best rate, in log rate; lengths without a finite point dropped. */
function windowed(points: readonly LengthRatePoint[]): Group[] {
  const lengths = [...new Set(points.map((p) => p.steps))];
  return lengths
    .map((steps) => {
      const finite = points.filter((p) => p.steps === steps && p.loss !== null && Number.isFinite(p.loss) && p.rate > 0) as { rate: number; loss: number }[];
      if (!finite.length) return null;
      const best = finite.reduce((a, b) => (b.loss < a.loss ? b : a));
      const near = finite.filter((p) => Math.abs(Math.log(p.rate / best.rate)) <= Math.log(FIT_WINDOW) + 1e-9);
      return { steps, points: near.map((p) => ({ x: Math.log(p.rate), loss: p.loss })) };
    })
    .filter((g): g is Group => g !== null)
    .sort((a, b) => a.steps - b.steps);
}

interface FixedFit {
  rss: number;
  curvature: number;
  /** ln of the best rate at the top length. */
  optimum: number;
  /** Each length's minimum loss (its level at the optimum). */
  minima: { steps: number; loss: number }[];
}

/**
 * The least-squares fit for a fixed α: with u = ln η + α(ln s − ln s_top), the loss is
 * a_s + c·u² + d·u, linear in (a_s…, c, d). Solved by eliminating each length's level
 * (centring within the length), then 2×2 normal equations for c and d.
 */
function fitAt(groups: readonly Group[], alpha: number, tTop: number): FixedFit | null {
  const rows: { u2: number; u: number; y: number }[] = [];
  for (const g of groups) {
    const shift = alpha * (Math.log(g.steps) - tTop);
    const us = g.points.map((p) => p.x + shift);
    const mu2 = mean(us.map((u) => u * u));
    const mu = mean(us);
    const my = mean(g.points.map((p) => p.loss));
    g.points.forEach((p, i) => rows.push({ u2: us[i] * us[i] - mu2, u: us[i] - mu, y: p.loss - my }));
  }
  const s22 = sum(rows.map((r) => r.u2 * r.u2));
  const s11 = sum(rows.map((r) => r.u * r.u));
  const s21 = sum(rows.map((r) => r.u2 * r.u));
  const s2y = sum(rows.map((r) => r.u2 * r.y));
  const s1y = sum(rows.map((r) => r.u * r.y));
  const det = s22 * s11 - s21 * s21;
  if (!(Math.abs(det) > 1e-18)) return null;
  const c = (s2y * s11 - s1y * s21) / det;
  const d = (s22 * s1y - s21 * s2y) / det;
  const rss = sum(rows.map((r) => (r.y - c * r.u2 - d * r.u) ** 2));
  const optimum = -d / (2 * c);
  const minima = groups.map((g) => {
    const shift = alpha * (Math.log(g.steps) - tTop);
    const level = mean(g.points.map((p) => p.loss - c * (p.x + shift) ** 2 - d * (p.x + shift)));
    return { steps: g.steps, loss: level - (d * d) / (4 * c) };
  });
  return { rss, curvature: c, optimum, minima };
}

/** The minimum loss at `steps`: the trend of the lengths' minima over log steps continued (low), the top length's (high). */
function predictLoss(minima: readonly { steps: number; loss: number }[], steps: number): { value: number; low: number; high: number } | null {
  if (minima.length < 2) return null;
  const xs = minima.map((m) => Math.log(m.steps));
  const ys = minima.map((m) => m.loss);
  const mx = mean(xs);
  const my = mean(ys);
  const slope = sum(xs.map((x, i) => (x - mx) * (ys[i] - my))) / sum(xs.map((x) => (x - mx) ** 2));
  const top = minima[minima.length - 1];
  // A loss that rose with length (overfitting) is not continued downwards; one that fell is continued at most to the horizon.
  const continued = top.loss + Math.min(0, slope) * (Math.log(steps) - Math.log(top.steps));
  const low = Math.min(continued, top.loss);
  const high = Math.max(continued, top.loss);
  return { value: (low + high) / 2, low, high };
}

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);
const mean = (values: readonly number[]) => sum(values) / values.length;
