/** One point of an LR range test: the loss of the step taken at that learning rate. */
export interface LrPoint {
  lr: number;
  loss: number;
}

/** EMA factor of the smoothed loss (fastai and Lightning use 0.98). */
export const SMOOTHING_BETA = 0.98;

/** The sweep stops once the smoothed loss passes this multiple of its best. */
export const DIVERGENCE_FACTOR = 4;

/**
 * Bias-corrected exponential moving average of the losses: the first values are not
 * pulled towards zero as a plain EMA started at 0 would pull them.
 */
export function smoothLosses(losses: readonly number[], beta = SMOOTHING_BETA): number[] {
  let avg = 0;
  return losses.map((loss, i) => {
    avg = beta * avg + (1 - beta) * loss;
    return avg / (1 - beta ** (i + 1));
  });
}

/** True once the sweep should stop: a non-finite loss or a smoothed loss far above its best. */
export function hasDiverged(smoothed: readonly number[], last: number): boolean {
  if (!Number.isFinite(last)) return true;
  const best = Math.min(...smoothed);
  return smoothed[smoothed.length - 1] > DIVERGENCE_FACTOR * best;
}

/**
 * Smoothing of the curve the suggestion reads. The stop rule must use the causal EMA,
 * but an EMA at β = 0.98 lags ~50 points, half a decade or more on a 100-step sweep,
 * and a backwards pass would drag the divergence into the descent. So: a running median
 * of 5 (a one- or two-step spike vanishes), then a centred moving average over ±5 % of
 * the points — no lag, and nothing spreads further than the window.
 */
export function smoothCentered(values: readonly number[]): number[] {
  const median = values.map((_, i) => {
    const window = values.slice(Math.max(0, i - 2), i + 3).sort((a, b) => a - b);
    return window[window.length >> 1];
  });
  const half = Math.max(2, Math.round(values.length * 0.05));
  return median.map((_, i) => {
    const window = median.slice(Math.max(0, i - half), i + half + 1);
    return window.reduce((a, v) => a + v, 0) / window.length;
  });
}

/**
 * Decades below the smoothed minimum searched for the steepest descent. Per-batch loss
 * noise can fake a steep stretch anywhere; the descent that matters ends at the minimum.
 */
const SEARCH_DECADES = 1.5;

/** Share of the first points ignored: early steps are dominated by warm-up transients. */
const SKIP_START = 0.1;

/**
 * Suggests a learning rate from the sweep: halfway, on the log-LR axis, between the
 * steepest descent of the smoothed loss and its minimum. The steepest point alone trains
 * but slowly (in bench/ the oracle's best rate sat above it on every workload); the
 * minimum is at the edge of divergence. Robust in five ways: the curve is smoothed
 * without lag or spikes; the first tenth is skipped (an early spike is no descent); the
 * slope is taken over a window of points, not neighbours (noise); only the 1.5 decades
 * below the smoothed minimum are searched (noise far from it is no descent); and nothing
 * past the minimum counts (never the diverging side). Null when the curve shows no
 * descent (a flat or rising curve): a guess would be a made-up number.
 */
export function suggestLearningRate(points: readonly LrPoint[]): number | null {
  const finite = untilDivergence(points.filter((p) => p.lr > 0));
  if (finite.length === 0) return null;
  // Drop the start before smoothing, so an early spike cannot leak into later points.
  const kept = finite.slice(Math.floor(finite.length * SKIP_START));
  const smoothed = smoothCentered(kept.map((p) => p.loss));
  const logLr = kept.map((p) => Math.log10(p.lr));
  const min = Math.min(...smoothed);
  const argMin = smoothed.findIndex((v) => v <= min + 1e-9 * Math.abs(min));

  const half = Math.max(1, Math.round(kept.length * 0.03));
  let best = -1;
  let bestSlope = 0;
  const from = logLr[argMin] - SEARCH_DECADES;
  for (let i = half; i <= argMin - half; i++) {
    if (logLr[i] < from) continue;
    const slope = (smoothed[i + half] - smoothed[i - half]) / (logLr[i + half] - logLr[i - half]);
    if (slope < bestSlope) {
      bestSlope = slope;
      best = i;
    }
  }
  // A descent must be visible: the smoothed minimum clearly below where the curve starts.
  if (best < 0 || min > (1 - MIN_DESCENT) * smoothed[0]) return null;
  // Between the steepest descent and the minimum, on the log axis: the steepest point alone
  // is conservative (it trains, but slowly), the minimum is at the edge of divergence.
  return Math.sqrt(kept[best].lr * kept[argMin].lr);
}

/** Fewer points than this before divergence or the deadline is no LR range test. */
export const MIN_RANGE_POINTS = 20;

/** The smoothed loss must fall at least this share below its start to count as a descent. */
export const MIN_DESCENT = 0.02;

/**
 * The suggestion of a recorded sweep, or why there is none: too few points (time ran out,
 * or the loss diverged at once) or no visible descent. `planned` is the sweep's planned
 * step count, for the reason's words.
 */
export function assessLrRange(points: readonly LrPoint[], planned: number): { suggestion: number | null; insufficient: string | null } {
  const usable = untilDivergence(points.filter((p) => p.lr > 0)).length;
  if (usable < MIN_RANGE_POINTS) {
    return {
      suggestion: null,
      insufficient: `the LR range test had ${usable} usable of ${planned} steps (at least ${MIN_RANGE_POINTS} are needed)`,
    };
  }
  const suggestion = suggestLearningRate(points);
  if (suggestion === null) {
    return { suggestion: null, insufficient: `the LR range test's loss showed no descent between ${points[0].lr.toExponential(1)} and ${points[points.length - 1].lr.toExponential(1)}` };
  }
  return { suggestion, insufficient: null };
}

/**
 * The points before the sweep diverged, by the same rule that stops a live sweep, so
 * a recorded curve that runs on past divergence reads as the live one would.
 */
function untilDivergence(points: readonly LrPoint[]): LrPoint[] {
  const causal = smoothLosses(points.map((p) => (Number.isFinite(p.loss) ? p.loss : Infinity)));
  let best = Infinity;
  for (let i = 0; i < points.length; i++) {
    if (!Number.isFinite(points[i].loss) || causal[i] > DIVERGENCE_FACTOR * best) return points.slice(0, i);
    best = Math.min(best, causal[i]);
  }
  return [...points];
}
