import type { Alternative, NoiseEstimate, Phase, ProbeResult, Recommendation, StopReason, Trial, WorkersAdvice, WorkloadInfo } from './document';
import { decideForHorizon, resolveHorizon, type HorizonDecision } from './lr/for-horizon';
import type { HorizonOption } from './lr/horizon';
import { isAdaptive, scaleLearningRate } from './lr/scaling';
import { constantSchedule } from './lr/schedule';
import { credibleNoiseScale, measurable, noiseWeight } from './noise/credible';
import { PLAN } from './search/plan';
import { KNEE_FRACTION, OOM_SAFETY_FRACTION } from './probe/stopping';
import type { RunConfig } from './search/configs';
import type { RaceStop } from './search/race';
import { defaultBatch } from './search/rungs';
import { statisticalEfficiency } from './search/score';
import { pipelineReasons } from './probe/pipeline';
import type { SearchOutcome } from './search/search';
import { formatBytes } from './util/units';

const STOP_WORDS: Record<StopReason, string> = {
  memory: 'the memory budget',
  oom: 'an out-of-memory failure',
  'throughput-plateau': 'throughput no longer improving',
  'input-bound': 'the data pipeline: it could not deliver samples faster',
  dataset: 'the size of the training set',
  'max-batch': 'the --max-batch limit',
  time: 'the time budget',
};

export interface RecommendInputs {
  probe: ProbeResult;
  workload: WorkloadInfo;
  memoryBudgetBytes: number;
  noiseAtInit: NoiseEstimate | null;
  /** The LR range test; its `suggestion` is null (and `insufficient` says why) when it found none. */
  lrRange: { batchSize: number; suggestion: number | null; insufficient?: string | null } | null;
  /** Null when the search did not run. */
  search: SearchOutcome | null;
  phasesCut: Phase[];
  workers: number;
  /** How long the user will train: the schedule and the rates are for this. */
  horizon: HorizonOption;
}

/**
 * The recommendation and its reasons. With a search: the configuration it decided on
 * (see `decide`: the lowest expected loss within noise, the user's default unless beaten
 * beyond the noise), its schedule for the horizon. Without one: with `--no-search`, the
 * throughput knee at the LR range test's rate scaled to it; when the search was cut before
 * any decision, the user's default (batch 32, the compiled rate, constant), as nothing was
 * measured to beat it. Only ok probe sizes are ever candidates, so the result is always
 * within the memory limit. Null when no probe trial was ok.
 */
export function recommend(inputs: RecommendInputs): Recommendation | null {
  const { probe, workload, search } = inputs;
  const safe = probe.safeMaxBatch;
  const ok = probe.trials.filter((t) => t.status === 'ok' && safe !== null && t.batchSize <= safe);
  if (ok.length === 0 || probe.throughputKnee === null) return null;
  const knee = Math.min(probe.throughputKnee, safe!);
  const ranged = suggestionOf(inputs);
  const bNoise = search?.bNoise ?? credibleNoiseScale(inputs.noiseAtInit);
  const lrFor = (b: number): number =>
    ranged ? scaleLearningRate(ranged.suggestion, ranged.batchSize, b, credibleNoiseScale(inputs.noiseAtInit) ?? 0, workload.optimizer.name) : workload.optimizer.learningRate;
  const at = (b: number) => ok.find((t) => t.batchSize === b);
  const choice = chooseConfig(inputs, knee, safe!, lrFor);
  const forHorizon = (config: RunConfig): HorizonDecision => horizonDecision(inputs, config, at(config.batchSize)?.samplesPerSec ?? null, ranged ? lrFor(config.batchSize) : null);
  const decision = forHorizon(choice.config);
  const batchSize = choice.config.batchSize;
  const fastest = ok.reduce((a, b) => (b.samplesPerSec! > a.samplesPerSec! ? b : a));
  const leanest = ok.reduce((a, b) => (b.peakBytes! < a.peakBytes! ? b : a));
  const smallest = search?.candidates.length ? Math.min(...search.candidates.map((c) => c.batchSize)) : ok[0].batchSize;
  const reasons = [
    ...limitReasons(inputs, fastest, safe!),
    ...(bNoise !== null ? [noiseReason(inputs.noiseAtInit, search?.noise ?? null, batchSize)] : []),
    ...choiceReasons(inputs, choice, knee),
    ...(choice.config.default ? [] : [lrReason(inputs, batchSize, choice.config.learningRate, choice.source === 'search')]),
    ...horizonReasons(decision, batchSize, choice.config.learningRate, choice.source === 'search', ranged !== null),
    ...cutReasons(inputs),
  ];
  // Another size at the rate the search or the range test gives it, for the alternatives.
  const other = (b: number): RunConfig => (b === batchSize ? choice.config : { batchSize: b, learningRate: bestRateAt(search, b) ?? lrFor(b), schedule: 'linear-decay' });
  const alternative = (b: number, why: string): Alternative => {
    const d = forHorizon(other(b));
    return { batchSize: b, learningRate: d.learningRate, peakLearningRate: d.schedule.peakLearningRate, why };
  };
  const best = search?.decision?.best;
  return {
    batchSize,
    learningRate: decision.learningRate,
    horizon: decision.horizon,
    schedule: decision.schedule,
    horizonTrend: decision.trend,
    measured: decision.measured,
    reasons,
    expected: { samplesPerSec: at(batchSize)?.samplesPerSec ?? null, peakBytes: at(batchSize)?.peakBytes ?? null },
    statisticalEfficiency: bNoise === null ? null : statisticalEfficiency(batchSize, smallest, bNoise),
    alternatives: {
      fastest: alternative(fastest.batchSize, `highest measured throughput, ${round(fastest.samplesPerSec!)} samples/s`),
      lowestMemory: alternative(leanest.batchSize, `lowest peak memory, ${formatBytes(leanest.peakBytes!)}`),
      ...(best && !best.default ? { bestValLoss: alternative(best.batchSize, `lowest expected validation loss in the search, ${fmt(expectedLossOf(search!, best) ?? Number.NaN)}`) } : {}),
    },
    ...(inputs.workers > 1 ? { workers: adviseWorkers(inputs, batchSize, bNoise, decision.learningRate / choice.config.learningRate) } : {}),
  };
}

/** Where the recommended configuration came from. */
type ChoiceSource = 'search' | 'no-search' | 'search-cut';

/**
 * The configuration to recommend: the search's decision; with `--no-search`, the knee at
 * the range test's rate; when the search ran or was cut without deciding, the user's default.
 */
function chooseConfig(inputs: RecommendInputs, knee: number, safe: number, lrFor: (b: number) => number): { config: RunConfig; source: ChoiceSource } {
  const { search, workload } = inputs;
  if (search?.pick) return { config: search.pick, source: 'search' };
  if (search || inputs.phasesCut.includes('search')) {
    return { config: { batchSize: defaultBatch(workload.trainSamples, safe), learningRate: workload.optimizer.learningRate, schedule: 'constant', default: true }, source: 'search-cut' };
  }
  return { config: { batchSize: knee, learningRate: lrFor(knee), schedule: 'linear-decay' }, source: 'no-search' };
}

/** The schedule and constant rate of `config` for the horizon: the default's own constant rate, or the peak carried to it. */
function horizonDecision(inputs: RecommendInputs, config: RunConfig, samplesPerSec: number | null, rangeTestRate: number | null): HorizonDecision {
  const { search, workload } = inputs;
  const searched = search?.candidates.find((c) => c.batchSize === config.batchSize && !c.diverged);
  if (config.default) return constantDecision(inputs, config, samplesPerSec);
  const decision = decideForHorizon({
    batchSize: config.batchSize,
    horizon: inputs.horizon,
    trainSamples: workload.trainSamples,
    samplesPerSec,
    candidates: search?.candidates ?? [],
    fallbackPeak: config.learningRate,
    rangeTestRate,
    ...(search?.decision ? { sigma: search.decision.noise.sigma } : {}),
    measuredAtHorizon: search?.measuredAtHorizon === true && searched !== undefined && searched.round === Math.max(...search.candidates.map((c) => c.round ?? 0)),
  });
  // With no measured rate at all, the optimizer's default stays what it is: a constant rate.
  return rangeTestRate !== null || searched ? decision : { ...decision, learningRate: workload.optimizer.learningRate };
}

/** The user's default for the horizon: its rate, constant, for every step. */
function constantDecision(inputs: RecommendInputs, config: RunConfig, samplesPerSec: number | null): HorizonDecision {
  const horizon = resolveHorizon(inputs.horizon, config.batchSize, inputs.workload.trainSamples, samplesPerSec);
  const fraction = inputs.search?.decision?.fraction ?? 0;
  return {
    horizon,
    schedule: constantSchedule(config.learningRate, horizon.steps),
    learningRate: config.learningRate,
    trend: null,
    heldAtRangeTestFrom: null,
    measured: { atHorizon: inputs.search?.measuredAtHorizon === true, extrapolation: fraction > 0 ? 1 / fraction : 0 },
  };
}

/** The rate the search measured best at batch `b` (its expected loss lowest), if it trained it. */
function bestRateAt(search: SearchOutcome | null, b: number): number | null {
  const configs = (search?.decision?.configs ?? []).filter((c) => !c.default && c.batchSize === b && c.expectedLoss !== null);
  if (configs.length) return configs.reduce((p, q) => (q.expectedLoss! < p.expectedLoss! ? q : p)).learningRate;
  return search?.candidates.find((c) => c.batchSize === b && !c.diverged)?.learningRate ?? null;
}

function expectedLossOf(search: SearchOutcome, ref: { batchSize: number; learningRate: number; schedule: string }): number | null {
  return search.decision?.configs.find((c) => c.batchSize === ref.batchSize && c.learningRate === ref.learningRate && c.schedule === ref.schedule)?.expectedLoss ?? null;
}

function limitReasons(inputs: RecommendInputs, fastest: Trial, safe: number): string[] {
  const { probe } = inputs;
  const out = [
    `Limits: the probe stopped at ${STOP_WORDS[probe.stopReason]}; the largest batch that trained within ` +
      `${formatBytes(inputs.memoryBudgetBytes)} was ${probe.maxFeasibleBatch}, and batch ${probe.throughputKnee} already ` +
      `reaches ${Math.round(KNEE_FRACTION * 100)} % of the best throughput (${round(fastest.samplesPerSec!)} samples/s at ${fastest.batchSize}).`,
    ...pipelineReasons(probe.trials, probe.stopReason),
  ];
  if (safe < probe.maxFeasibleBatch!) {
    const fatal = Math.min(...probe.trials.filter((t) => t.status === 'oom' || t.status === 'crashed').map((t) => t.batchSize));
    out.push(
      `Safety margin: batch ${fatal} ran out of memory or crashed, so nothing above ${Math.round(OOM_SAFETY_FRACTION * 100)} % of it ` +
        `is recommended (largest: ${safe}); a long run meets peaks that a few probe steps do not.`,
    );
  }
  return out;
}

function cutReasons(inputs: RecommendInputs): string[] {
  const out: string[] = [];
  if (inputs.phasesCut.includes('probe') && inputs.probe.stopReason === 'time') {
    out.push(`The probe used its share of the time budget before another stopping rule fired; larger sizes were not measured.`);
  }
  const otherCuts = inputs.phasesCut.filter((p) => p !== 'probe');
  if (otherCuts.length) out.push(`Cut short by the time budget or an interrupt: ${otherCuts.join(', ')}.`);
  return out;
}

/** Why this configuration: the search's summary and its decision, or why there was none. */
function choiceReasons(inputs: RecommendInputs, choice: { config: RunConfig; source: ChoiceSource }, knee: number): string[] {
  const { search, probe } = inputs;
  const b = choice.config.batchSize;
  const withinMargin = knee < probe.throughputKnee! ? ' within the safety margin' : '';
  if (choice.source === 'no-search') return [`No search was asked for (--no-search), so batch ${b} is the throughput knee${withinMargin}.`];
  if (choice.source === 'search-cut') {
    const why = search ? 'no run of the search trained without diverging or failing' : 'time ran out before the search';
    return [`No decision: ${why}, so your default stands: batch ${b} at the ${inputs.workload.optimizer.name} rate it was compiled with (${fmt(choice.config.learningRate)}), constant. Give a larger --time-budget for a search.`];
  }
  const decision = search!.decision!;
  return [`${searchSummary(search!)}Decision: ${decision.why}.`];
}

/** What the search ran, in one sentence up to its decision. */
function searchSummary(search: SearchOutcome): string {
  const { candidates, rungs, decision } = search;
  const sizes = candidates.map((c) => c.batchSize).join(', ');
  const what =
    candidates.length === 1
      ? `only batch ${sizes}, the one size the probe measured (the batch size was not searched),`
      : `${candidates.length} batch sizes (${sizes})${candidates.length < PLAN.minCandidates ? `, fewer than the ${PLAN.minCandidates} a search of sizes needs (the probe measured no more),` : ''}`;
  if (!rungs.length || !decision) return `Search: ${what}. `;
  const unit = rungs[0].unit === 'epochs' ? 'epochs' : 's';
  const top = rungs[decision.rung] ?? rungs[rungs.length - 1];
  const lengths = rungs.map((r) => fmt(r.length)).join(', ');
  const race = decision.race.runs
    ? ` The closest ${decision.race.over === 'folds' ? 'were cross-validated over' : 'trained on'} up to ${decision.race.maxReplicates} ${decision.race.over}` +
      ` (${decision.race.runs} runs; ${RACE_WORDS[decision.race.stop]}).`
    : '';
  return (
    `Search: ${what} each at rates a decade either side of its scaled range-test rate, and your default (batch ${decision.configs.find((c) => c.default)?.batchSize ?? '–'}, constant), ` +
    `every run complete in itself (from the same initial weights, the schedule over its own length), compared at equal ${unit === 'epochs' ? 'epochs' : 'training time'}: ` +
    `rungs of ${lengths} ${unit} (${rungs.map((r) => r.sizes).join(' → ')} sizes)` +
    `${Math.abs(top.fraction - 1) < 1e-9 ? ', the last your whole horizon' : `, the last ${fmt(top.fraction * 100)} % of your horizon`}.${race} `
  );
}

const RACE_WORDS: Record<RaceStop, string> = {
  settled: 'stopped once nothing else was within noise of the pick',
  replicates: 'every contender measured its most',
  budget: 'stopped by the time budget',
  interrupted: 'interrupted',
};

/** The range test's suggestion, when it made one. */
function suggestionOf(inputs: RecommendInputs): { batchSize: number; suggestion: number } | null {
  const r = inputs.lrRange;
  return r && r.suggestion !== null ? { batchSize: r.batchSize, suggestion: r.suggestion } : null;
}

function noiseReason(atInit: NoiseEstimate | null, atEnd: NoiseEstimate | null, b: number): string {
  const parts: string[] = [];
  const value = (e: NoiseEstimate) => (measurable(e) ? round(e.bSimple) : 'not measurable (the gradient lost in the noise)');
  if (atInit) parts.push(`${value(atInit)} at the initial weights`);
  if (atEnd) parts.push(`${value(atEnd)} after the search's training`);
  const used = (atEnd ?? atInit)!;
  if (!measurable(used)) {
    return `Gradient noise scale B_simple: ${parts.join(' and ')}. It is larger than this measurement can tell; the decisions use no noise-scale correction.`;
  }
  const bNoise = credibleNoiseScale(used)!;
  const ratio = bNoise / b;
  // A noisy estimate is discounted in the decisions: say so, with the value they used.
  const discount =
    noiseWeight(used) < 0.9
      ? ` Its standard error (${round(used.standardError!)}) discounts it to ${round(bNoise)} in the decisions (a precision weight: the less certain, the nearer to no noise-scale correction).`
      : '';
  const meaning =
    ratio > 1
      ? `noise dominates each step at batch ${b} (B_noise/B = ${fmt(ratio)}), so a larger batch would still buy cleaner steps`
      : `batch ${b} is past the noise scale (B_noise/B = ${fmt(ratio)}): a larger batch would mostly repeat the same step`;
  return `Gradient noise scale B_simple ≈ ${parts.join(' and ')}; it grows as the loss falls.${discount} ${meaning[0].toUpperCase()}${meaning.slice(1)}.`;
}

/** Where the peak came from: the range test's rate scaled to the batch, and the search's rates around it. */
function lrReason(inputs: RecommendInputs, b: number, lr: number, searched: boolean): string {
  const opt = inputs.workload.optimizer;
  const ranged = suggestionOf(inputs);
  if (!ranged) {
    const why = inputs.lrRange?.insufficient ? `${inputs.lrRange.insufficient}, so it suggested nothing` : 'the LR range test did not run';
    return `Peak rate ${fmt(lr)} ${searched ? 'comes from the search around' : 'is'} the ${opt.name} rate the model was compiled with (${fmt(opt.learningRate)}): ${why}.`;
  }
  const bNoise = credibleNoiseScale(inputs.noiseAtInit) ?? undefined;
  const rule = isAdaptive(opt.name)
    ? 'the square root of the noise-scale rule, for an adaptive optimizer'
    : 'the noise-scale rule η(B) = η(B₀)(1 + B_noise/B₀)/(1 + B_noise/B)';
  const scaled = scaleLearningRate(ranged.suggestion, ranged.batchSize, b, bNoise ?? 0, opt.name);
  return (
    `Peak rate: the LR range test at batch ${ranged.batchSize} suggested ${fmt(ranged.suggestion)} ` +
    `(between the steepest descent and the minimum of the smoothed loss), scaled to batch ${b} by ${rule}` +
    (bNoise !== undefined ? ` with B_noise ≈ ${round(bNoise)}` : '') +
    `: ${fmt(scaled)}` +
    (searched ? `; the search tried a decade either side of it at every rung, and ${fmt(lr)} (${fmt(lr / scaled)}×) did best.` : '.')
  );
}

/**
 * The horizon, how the search's evidence carries the peak to it, the schedule, and the
 * constant rate, in words.
 */
function horizonReasons(d: HorizonDecision, b: number, searchPeak: number, searched: boolean, ranged: boolean): string[] {
  const h = d.horizon;
  const out = [
    `Horizon: ${fmt(h.epochs)} epochs ${h.source === 'default' ? '(the default: --epochs or --train-time say how long you will train)' : '(as given)'} = ` +
      `${round(h.steps)} steps at batch ${b}${h.seconds === null ? '' : `, about ${humanDuration(h.seconds)} at the measured throughput`}.`,
  ];
  if (d.schedule.kind === 'constant') {
    const where = d.measured.atHorizon ? `measured on runs of your whole ${round(h.steps)} steps` : d.measured.extrapolation > 0 ? `measured on runs of 1/${fmt(d.measured.extrapolation)} of them` : 'not measured';
    out.push(`Schedule: a constant ${fmt(d.learningRate)} for all ${round(h.steps)} steps, as your model was compiled (${where}); learningRateSchedule(result) keeps it constant in model.fit.`);
    return out;
  }
  const t = d.trend;
  if (d.measured.atHorizon) {
    out.push(
      `Measured at your horizon: batch ${b} and its peak ${fmt(searchPeak)} were chosen on runs of the whole ${round(h.steps)} steps, with the schedule below, ` +
        `from the same initial weights; no extrapolation rule applies.`,
    );
  } else if (searched && d.measured.extrapolation > 1) {
    out.push(`Extrapolated ×${fmt(d.measured.extrapolation)}: the search's longest run at batch ${b} was ${round(h.steps / d.measured.extrapolation)} steps of the horizon's ${round(h.steps)}.`);
  }
  if (d.measured.atHorizon) {
    // Nothing to carry.
  } else if (t && t.points.length) {
    const edgeWords = { low: ', the lowest tried', high: ', the highest tried' } as const;
    const seen = t.points.map((p) => `${fmt(p.bestRate)} after ${round(p.steps)} steps${p.edge ? edgeWords[p.edge] : ''}`).join('; ');
    const longest = t.points[t.points.length - 1];
    const interval = t.exponentInterval ? ` (10–90 %: ${fmt(t.exponentInterval[0])}–${fmt(t.exponentInterval[1])})` : '';
    const source = t.exponentFrom === 'prior' ? 'the prior 0.3 ± 0.15 alone: no two run lengths of several peaks measured it' : "a model of loss over rate and length fitted on every rung's runs, from the prior 0.3 ± 0.15";
    const peak = t.peakInterval ? ` (between ${fmt(t.peakInterval[0])} and ${fmt(t.peakInterval[1])})` : '';
    const loss = t.predictedLoss ? ` Predicted validation loss at the horizon: ${fmt(t.predictedLoss.low)} (the trend over log steps continued) to ${fmt(t.predictedLoss.high)} (no gain beyond the longest runs).` : '';
    const trend =
      t.exponent === null
        ? `No model of how the best peak moves with the length of training could be fitted.`
        : `The best peak falls as steps^-${fmt(t.exponent)}${interval}, from ${source}: carried from ${round(t.fromSteps)} to ${round(h.steps)} steps, ×${fmt(t.factor)}${peak}.${loss}`;
    const limit = t.limitedByRangeTest
      ? ` For a run ${fmt(h.steps / t.fromSteps)}× longer than the search's longest, the peak is held at the LR range test's rate, ${fmt(t.rangeTestRate!)}: ` +
        `short runs reward rates past where the loss starts to fall fastest only because they end before the cost shows.`
      : '';
    out.push(`Horizon trend: the search decided on peak ${fmt(t.measuredRate)} at batch ${b} after ${round(t.fromSteps)} steps (the best of each length's runs: ${seen}). ${trend}${limit}`);
  } else if (d.heldAtRangeTestFrom !== null) {
    out.push(
      `The search's rate ${fmt(searchPeak)} comes from runs of at most ${round(d.heldAtRangeTestFrom)} steps, which did not measure how it moves with the length of training; ` +
        `for a run ${fmt(h.steps / d.heldAtRangeTestFrom)}× longer the peak is held at the LR range test's rate, ${fmt(d.schedule.peakLearningRate)}: ` +
        `short runs reward rates past where the loss starts to fall fastest only because they end before the cost shows.`,
    );
  } else if (searched || ranged) {
    out.push(`The peak is the ${searched ? "search's rate" : "LR range test's rate, scaled"} ${fmt(searchPeak)}: no run of several peaks measured how it moves with the length of training.`);
  }
  const s = d.schedule;
  out.push(
    `Schedule: linear warm-up over ${round(s.warmupSteps)} steps to a peak of ${fmt(s.peakLearningRate)}, then linear decay to ${fmt(s.finalLearningRate)} ` +
      `at step ${round(s.totalSteps)}; learningRateSchedule(result) applies it in model.fit. Decay to zero makes the best peak ` +
      `the least sensitive to the length of training. Without a schedule: a constant ${fmt(d.learningRate)}` +
      (searched || ranged
        ? `, the schedule's mean over the second half of its decay: a constant run ends on the noise floor its rate sets, where the schedule anneals.`
        : `, the optimizer's default: nothing was measured.`),
  );
  return out;
}

/**
 * The tuner's time against the training run it tuned for: "autobatch took 15 s, 2 % of
 * the 12 min your run is estimated to take at the recommended batch". Null without an estimate.
 */
export function tuningShare(tunerSeconds: number, horizonSeconds: number | null): string | null {
  if (horizonSeconds === null || !(horizonSeconds > 0) || !(tunerSeconds > 0)) return null;
  const ratio = tunerSeconds / horizonSeconds;
  const share = ratio >= 1 ? `${fmt(ratio)}× ` : `${fmt(100 * ratio)} % of `;
  return `autobatch took ${humanDuration(tunerSeconds)}, ${share}the ${humanDuration(horizonSeconds)} your training run is estimated to take at the recommended batch (the probe's throughput)`;
}

function humanDuration(seconds: number): string {
  if (seconds < 120) return `${fmt(seconds)} s`;
  if (seconds < 7200) return `${fmt(seconds / 60)} min`;
  return `${fmt(seconds / 3600)} h`;
}

/** `horizonRatio`: the constant rate for the horizon over the peak at the search's length, applied to the global batch's rate too. */
function adviseWorkers(inputs: RecommendInputs, perWorker: number, bNoise: number | null, horizonRatio: number): WorkersAdvice {
  const globalBatchSize = perWorker * inputs.workers;
  const base = suggestionOf(inputs) ?? { batchSize: perWorker, suggestion: inputs.workload.optimizer.learningRate };
  const learningRate =
    horizonRatio * scaleLearningRate(base.suggestion, base.batchSize, globalBatchSize, credibleNoiseScale(inputs.noiseAtInit) ?? 0, inputs.workload.optimizer.name);
  const warning =
    bNoise !== null && globalBatchSize > bNoise
      ? `the global batch ${globalBatchSize} is past the noise scale (≈ ${round(bNoise)}): more workers will speed up each epoch but barely the training`
      : null;
  return { workers: inputs.workers, perWorkerBatchSize: perWorker, globalBatchSize, learningRate, warning };
}

const round = (v: number) => Math.round(v).toLocaleString('en-US');
const fmt = (v: number) => (v === 0 ? '0' : Math.abs(v) >= 0.01 && Math.abs(v) < 1e4 ? Number(v.toPrecision(3)).toString() : v.toExponential(2));
