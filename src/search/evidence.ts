import { PRIOR_RELATIVE_SIGMA } from '../lr/loss-model';
import { mean } from '../util/stats';

/**
 * What the runs of one rung say about each configuration, with its noise (issue 28). A
 * run's validation loss is one draw: it depends on the data order the run trained in and
 * on the rows it was scored on. The search measures the closest configurations more than
 * once — other data orders, or, on small data, other folds of the user's rows — and this
 * module turns those draws into an expected loss per configuration and the standard
 * error of every comparison. Pure functions over recorded numbers.
 *
 * The model: the loss of configuration c on replicate k is μ_c + β_k + ε, where β_k is
 * what replicate k shares across configurations — the rows it is scored on (a harder
 * fold); data orders on the same rows share nothing else — and ε the configuration's own
 * draw (its training's noise), of spread σ. μ and β come
 * from a two-way additive fit over every finite run; σ from its residuals, which only
 * configurations measured more than once have, pooled and per configuration (a high
 * rate's runs spread more than a low one's: shrunk towards the pooled σ). A comparison of two configurations adds
 * the evaluation rows' own noise, from the per-sample losses the two share (paired).
 */

/** One run of the rung, as the decision weighs it. */
export interface Measurement {
  /** The configuration (batch size, rate and schedule: see `configKey`). */
  config: string;
  /** The replicate: its data order and fold (see `replicateKey`). */
  replicate: string;
  /** The rows it was scored on: runs with the same `rows` have per-sample losses of the same samples, in the same order. */
  rows: string;
  /** Mean validation loss; null when the run diverged. */
  loss: number | null;
  /** Per-sample validation losses; null when the run diverged. */
  losses: Float32Array | null;
}

export interface ConfigEstimate {
  config: string;
  /** Expected validation loss: the mean over replicates, what a replicate shares with the others taken out. */
  mean: number;
  /** This configuration's spread over replicates: its own residuals, shrunk towards the pooled σ (`PRIOR_DEGREES_OF_FREEDOM`). */
  sigma: number;
  /** The standard error of `mean`: σ_c²/n for training noise, plus the evaluation rows' own. */
  standardError: number;
  /** Replicates measured (finite runs). */
  replicates: number;
  /** Its runs' mean losses, as measured, by replicate. */
  draws: { replicate: string; loss: number }[];
}

export interface Evidence {
  /** Configurations whose every run trained; best (lowest mean) first. */
  estimates: ConfigEstimate[];
  /** Configurations with a run that diverged: out of every decision (a run that can diverge is no answer). */
  diverged: string[];
  /** σ: the spread of one run's loss about its configuration's mean, beyond what the replicate shares. */
  sigma: number;
  /** Where σ came from: replicates (the residuals, with a weak prior), or the prior alone (no configuration measured twice). */
  sigmaFrom: 'replicates' | 'prior';
  /** Residual degrees of freedom behind σ. */
  degreesOfFreedom: number;
  measurements: readonly Measurement[];
}


/**
 * The prior's weight, in degrees of freedom: two residuals count as much as the prior, so
 * one lucky pair of replicates cannot claim there is no noise.
 */
export const PRIOR_DEGREES_OF_FREEDOM = 2;

/** The configurations' expected losses and the noise of the runs (see the file's comment). */
export function weighEvidence(measurements: readonly Measurement[]): Evidence {
  const diverged = [...new Set(measurements.filter((m) => m.loss === null || !Number.isFinite(m.loss)).map((m) => m.config))];
  const finite = measurements.filter((m) => !diverged.includes(m.config)) as (Measurement & { loss: number; losses: Float32Array })[];
  const fit = fitAdditive(finite);
  const best = fit.means.size ? Math.min(...fit.means.values()) : 0;
  const prior = PRIOR_RELATIVE_SIGMA * Math.abs(best);
  const pooled = shrink(fit.residualSquares, fit.degreesOfFreedom, prior ** 2);
  const estimates = [...fit.means.entries()]
    .map(([config, m]): ConfigEstimate => {
      const own = finite.filter((r) => r.config === config);
      const draws = own.map((r) => ({ replicate: r.replicate, loss: r.loss }));
      // Its own spread, shrunk towards the pooled one: three replicates say roughly how steady a configuration is.
      const sigma = Math.sqrt(shrink(own.reduce((sum, r) => sum + fit.residual(r) ** 2, 0), draws.length - 1, pooled));
      return { config, mean: m, sigma, standardError: Math.sqrt(sigma ** 2 / draws.length + rowsNoise(own)), replicates: draws.length, draws };
    })
    .sort((a, b) => a.mean - b.mean);
  return { estimates, diverged, sigma: Math.sqrt(pooled), sigmaFrom: fit.degreesOfFreedom > 0 ? 'replicates' : 'prior', degreesOfFreedom: fit.degreesOfFreedom, measurements };
}

/** A variance from `squares` over `degreesOfFreedom`, shrunk towards `prior` with `PRIOR_DEGREES_OF_FREEDOM`: the prior alone without residuals. */
function shrink(squares: number, degreesOfFreedom: number, prior: number): number {
  const df = Math.max(0, degreesOfFreedom);
  return (squares + PRIOR_DEGREES_OF_FREEDOM * prior) / (df + PRIOR_DEGREES_OF_FREEDOM);
}

/**
 * The difference of expected losses a − b and its standard error: both configurations'
 * training noise (σ_c²/n_c each) and the noise of the rows they were both scored on (their
 * per-sample losses paired, averaged over the data orders of each set of rows).
 */
export function compareConfigs(evidence: Evidence, a: string, b: string): { difference: number; standardError: number } {
  const ea = evidence.estimates.find((e) => e.config === a);
  const eb = evidence.estimates.find((e) => e.config === b);
  if (!ea || !eb) throw new Error(`compareConfigs: ${!ea ? a : b} has no finite runs`);
  if (a === b) return { difference: 0, standardError: 0 };
  const rows = pairedRowsVariance(evidence.measurements, a, b);
  const variance = ea.sigma ** 2 / ea.replicates + eb.sigma ** 2 / eb.replicates + rows;
  return { difference: ea.mean - eb.mean, standardError: Math.sqrt(variance) };
}

/** The two-way additive fit μ_c + β_rows (Σβ = 0) by alternating means, and its residuals. */
function fitAdditive(runs: readonly (Measurement & { loss: number })[]): {
  means: Map<string, number>;
  residual: (run: Measurement & { loss: number }) => number;
  residualSquares: number;
  degreesOfFreedom: number;
} {
  const configs = [...new Set(runs.map((r) => r.config))];
  // What replicates share is their rows (a fold's difficulty): runs on the same rows in
  // other data orders share nothing but those rows, so they have one effect between them.
  const replicates = [...new Set(runs.map((r) => r.rows))];
  const means = new Map(configs.map((c) => [c, mean(runs.filter((r) => r.config === c).map((r) => r.loss))]));
  const effects = new Map(replicates.map((k) => [k, 0]));
  if (replicates.length > 1) {
    for (let iteration = 0; iteration < 200; iteration++) {
      let change = 0;
      for (const k of replicates) {
        const these = runs.filter((r) => r.rows === k);
        const next = mean(these.map((r) => r.loss - means.get(r.config)!));
        change = Math.max(change, Math.abs(next - effects.get(k)!));
        effects.set(k, next);
      }
      // Σβ = 0: a configuration's mean is what it would score averaged over every replicate.
      const centre = mean([...effects.values()]);
      for (const k of replicates) effects.set(k, effects.get(k)! - centre);
      for (const c of configs) means.set(c, mean(runs.filter((r) => r.config === c).map((r) => r.loss - effects.get(r.rows)!)));
      if (change < 1e-12) break;
    }
  }
  const residual = (r: Measurement & { loss: number }) => r.loss - means.get(r.config)! - effects.get(r.rows)!;
  const residualSquares = runs.reduce((sum, r) => sum + residual(r) ** 2, 0);
  // Only configurations measured more than once leave residuals; a replicate measured by one configuration fits it exactly.
  const degreesOfFreedom = Math.max(0, runs.length - configs.length - replicates.length + 1);
  return { means, residual, residualSquares, degreesOfFreedom };
}

/** Per-sample losses averaged over the runs scored on the same rows, by rows. */
function lossesByRows(runs: readonly Measurement[]): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  for (const rows of new Set(runs.map((r) => r.rows))) {
    const these = runs.filter((r) => r.rows === rows && r.losses !== null).map((r) => r.losses!);
    if (!these.length) continue;
    const n = Math.min(...these.map((l) => l.length));
    const averaged = new Float32Array(n);
    for (const l of these) for (let i = 0; i < n; i++) averaged[i] += l[i] / these.length;
    out.set(rows, averaged);
  }
  return out;
}

/** The evaluation rows' noise in one configuration's mean: the per-sample variance over all its rows, ÷ their count. */
function rowsNoise(runs: readonly Measurement[]): number {
  const values = [...lossesByRows(runs).values()].flatMap((l) => Array.from(l));
  return sampleVarianceOfMean(values);
}

/** The evaluation rows' noise in a − b: per-sample differences on the rows both were scored on (unpaired where they share none). */
function pairedRowsVariance(measurements: readonly Measurement[], a: string, b: string): number {
  const la = lossesByRows(measurements.filter((m) => m.config === a));
  const lb = lossesByRows(measurements.filter((m) => m.config === b));
  const differences: number[] = [];
  for (const [rows, va] of la) {
    const vb = lb.get(rows);
    if (!vb) continue;
    const n = Math.min(va.length, vb.length);
    for (let i = 0; i < n; i++) differences.push(va[i] - vb[i]);
  }
  if (differences.length > 1) return sampleVarianceOfMean(differences);
  return rowsNoise(measurements.filter((m) => m.config === a)) + rowsNoise(measurements.filter((m) => m.config === b));
}

function sampleVarianceOfMean(values: readonly number[]): number {
  const n = values.length;
  if (n < 2) return 0;
  const m = values.reduce((s, v) => s + v, 0) / n;
  const variance = values.reduce((s, v) => s + (v - m) ** 2, 0) / (n - 1);
  return variance / n;
}
