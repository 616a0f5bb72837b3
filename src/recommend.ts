import type { Alternative, Candidate, NoiseEstimate, SearchRung, Phase, ProbeResult, Recommendation, StopReason, Trial, WorkersAdvice, WorkloadInfo } from './document';
import { LONG_HORIZON, decideForHorizon, resolveHorizon, type HorizonDecision } from './lr/for-horizon';
import type { HorizonOption } from './lr/horizon';
import { isAdaptive, scaleLearningRate } from './lr/scaling';
import { credibleNoiseScale, measurable, noiseWeight } from './noise/credible';
import { PLAN, ROUND_GROWTH } from './search/plan';
import { KNEE_FRACTION, OOM_SAFETY_FRACTION } from './probe/stopping';
import { TIE_MAX_RELATIVE, TIE_STANDARD_ERRORS, statisticalEfficiency } from './search/score';
import type { SearchOutcome } from './search/search';
import { formatBytes } from './util/units';

const STOP_WORDS: Record<StopReason, string> = {
  memory: 'the memory budget',
  oom: 'an out-of-memory failure',
  'throughput-plateau': 'throughput no longer improving',
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
 * The recommendation and its reasons. With a search: the winning candidate (best
 * validation loss, ties to the highest goodput) and its learning rate. Without one
 * (cut by time): the throughput knee, with the LR range test's rate scaled to it, or
 * the optimizer's default. Only ok probe sizes are ever candidates, so the result is
 * always within the memory limit. Null when no probe trial was ok.
 */
export function recommend(inputs: RecommendInputs): Recommendation | null {
  const { probe, workload, search } = inputs;
  const safe = probe.safeMaxBatch;
  const ok = probe.trials.filter((t) => t.status === 'ok' && safe !== null && t.batchSize <= safe);
  if (ok.length === 0 || probe.throughputKnee === null) return null;
  const knee = Math.min(probe.throughputKnee, safe!);
  const optimizer = workload.optimizer;
  const ranged = suggestionOf(inputs);
  const bNoise = search?.bNoise ?? credibleNoiseScale(inputs.noiseAtInit);
  const lrFor = (b: number): number =>
    ranged
      ? scaleLearningRate(ranged.suggestion, ranged.batchSize, b, credibleNoiseScale(inputs.noiseAtInit) ?? 0, optimizer.name)
      : optimizer.learningRate;

  const at = (b: number) => ok.find((t) => t.batchSize === b) as Trial;
  const pick = search?.score ? chooseWinner(search, inputs.horizon, workload.trainSamples, (b) => at(b)?.samplesPerSec ?? null) : null;
  const winner = pick ? search!.candidates[pick.index] : null;
  const batchSize = winner?.batchSize ?? knee;
  // A size the search trained keeps the peak it trained best at; others get the scaled rate.
  const searched = (b: number) => search?.candidates.find((c) => c.batchSize === b && !c.diverged);
  // A size that trained in the search's last round, when that round was the whole horizon.
  const lastRound = Math.max(-1, ...(search?.candidates ?? []).map((c) => c.round ?? 0));
  const atHorizon = (b: number) => search?.measuredAtHorizon === true && searched(b)?.round === lastRound;
  const forHorizon = (b: number): HorizonDecision => {
    const decision = decideForHorizon({
      batchSize: b,
      horizon: inputs.horizon,
      trainSamples: workload.trainSamples,
      samplesPerSec: at(b)?.samplesPerSec ?? null,
      candidates: search?.candidates ?? [],
      fallbackPeak: searched(b)?.learningRate ?? lrFor(b),
      rangeTestRate: ranged ? lrFor(b) : null,
      measuredAtHorizon: atHorizon(b),
    });
    // With no measured rate at all, the optimizer's default stays what it is: a constant rate.
    return ranged || searched(b) ? decision : { ...decision, learningRate: optimizer.learningRate };
  };
  const decision = forHorizon(batchSize);
  const learningRate = decision.learningRate;
  const searchPeak = winner?.learningRate ?? lrFor(batchSize);
  const fastest = ok.reduce((a, b) => (b.samplesPerSec! > a.samplesPerSec! ? b : a));
  const leanest = ok.reduce((a, b) => (b.peakBytes! < a.peakBytes! ? b : a));
  const smallest = search?.candidates.length ? Math.min(...search.candidates.map((c) => c.batchSize)) : ok[0].batchSize;

  const reasons: string[] = [
    `Limits: the probe stopped at ${STOP_WORDS[probe.stopReason]}; the largest batch that trained within ` +
      `${formatBytes(inputs.memoryBudgetBytes)} was ${probe.maxFeasibleBatch}, and batch ${probe.throughputKnee} already ` +
      `reaches ${Math.round(KNEE_FRACTION * 100)} % of the best throughput (${round(fastest.samplesPerSec!)} samples/s at ${fastest.batchSize}).`,
  ];
  if (safe !== null && safe < probe.maxFeasibleBatch!) {
    const fatal = Math.min(...probe.trials.filter((t) => t.status === 'oom' || t.status === 'crashed').map((t) => t.batchSize));
    reasons.push(
      `Safety margin: batch ${fatal} ran out of memory or crashed, so nothing above ${Math.round(OOM_SAFETY_FRACTION * 100)} % of it ` +
        `is recommended (largest: ${safe}); a long run meets peaks that a few probe steps do not.`,
    );
  }
  if (bNoise !== null) reasons.push(noiseReason(inputs.noiseAtInit, search?.noise ?? null, batchSize));
  if (winner && search?.score) reasons.push(...searchReasons(search, pick!, bNoise));
  else if (inputs.phasesCut.includes('search')) reasons.push(`No search: time ran out before it, so batch ${batchSize} is the throughput knee${knee < probe.throughputKnee ? ' within the safety margin' : ''}.`);
  else reasons.push(`No search was asked for (--no-search), so batch ${batchSize} is the throughput knee${knee < probe.throughputKnee ? ' within the safety margin' : ''}.`);
  reasons.push(lrReason(inputs, batchSize, searchPeak, winner));
  reasons.push(...horizonReasons(decision, batchSize, searchPeak, winner !== null, ranged !== null));
  if (inputs.phasesCut.includes('probe') && probe.stopReason === 'time') {
    reasons.push(`The probe used its share of the time budget before another stopping rule fired; larger sizes were not measured.`);
  }
  const otherCuts = inputs.phasesCut.filter((p) => p !== 'probe');
  if (otherCuts.length) reasons.push(`Cut short by the time budget or an interrupt: ${otherCuts.join(', ')}.`);

  const bestVal = search?.score ? search.candidates[search.score.best] : null;
  const alternative = (b: number, why: string): Alternative => {
    const d = forHorizon(b);
    return { batchSize: b, learningRate: d.learningRate, peakLearningRate: d.schedule.peakLearningRate, why };
  };
  return {
    batchSize,
    learningRate,
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
      ...(bestVal
        ? { bestValLoss: alternative(bestVal.batchSize, `lowest validation loss in the search, ${fmt(bestVal.valLoss!)}`) }
        : {}),
    },
    ...(inputs.workers > 1 ? { workers: adviseWorkers(inputs, batchSize, bNoise, learningRate / searchPeak) } : {}),
  };
}

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

/**
 * The recommended candidate: the search's winner (the tied one with the highest goodput),
 * or, for a horizon at least `LONG_HORIZON` × as many epochs as the winner's last run, the
 * largest tied size. The critical batch grows as training goes on (McCandlish et al.
 * 2018; Zhang et al. 2024), so the best batch for a long run is at least as large as for a
 * short one, and where the short runs cannot tell sizes apart the larger is the better bet
 * (in bench/, at 20 epochs the best batch was 2–4× the search's tie-breaker's choice on
 * both workloads that overfit).
 */
export function chooseWinner(
  search: SearchOutcome,
  horizon: HorizonOption,
  trainSamples: number,
  samplesPerSec: (b: number) => number | null,
): { index: number; longRun: boolean } {
  const score = search.score!;
  // Measured on the user's own run: the winner is the answer; no rule about longer runs applies.
  if (search.measuredAtHorizon) return { index: score.winner, longRun: false };
  const scored = search.candidates[score.winner];
  const epochs = resolveHorizon(horizon, scored.batchSize, trainSamples, samplesPerSec(scored.batchSize)).epochs;
  const longRun = epochs >= LONG_HORIZON * (scored.samplesSeen / trainSamples);
  if (!longRun) return { index: score.winner, longRun };
  const index = score.tied.reduce((a, i) => (search.candidates[i].batchSize > search.candidates[a].batchSize ? i : a), score.winner);
  return { index, longRun };
}

function searchReasons(search: SearchOutcome, pick: { index: number; longRun: boolean }, bNoise: number | null): string[] {
  const score = search.score!;
  const best = search.candidates[score.best];
  const winner = search.candidates[pick.index];
  const b = winner.batchSize;
  const trained = search.candidates.filter((c) => !c.diverged);
  const out = [searchSummary(search.candidates, search.rungs) + `batch ${best.batchSize} reached the lowest validation loss, ${fmt(best.valLoss!)}.`];
  if (pick.index !== score.winner) {
    out.push(
      `Batch ${b} is ${winner === best ? 'the best and ' : ''}tied with ${winner === best ? `batch ${search.candidates[score.winner].batchSize}` : 'it'} ` +
        `(within ${TIE_STANDARD_ERRORS} paired standard errors and ${TIE_MAX_RELATIVE * 100} %), and for a training run at least ${LONG_HORIZON}× as long as the ` +
        `search's, ties go to the largest batch: the critical batch grows as training goes on` +
        `${bNoise !== null ? ` (the noise scale reached ${round(bNoise)} in the search alone)` : ''}, and short runs favour small batches, ` +
        `which take more steps in the same time.`,
    );
  } else if (winner !== best) {
    const direction =
      winner.batchSize > best.batchSize
        ? `Short runs favour small batches, which take more steps in the same time, and the noise scale grows as ` +
          `training goes on: where the loss cannot tell them apart, the larger batch is the better bet for a full run`
        : `At this noise scale each sample of batch ${b} still buys more progress than one of batch ${best.batchSize}, ` +
          `which its ${(winner.samplesPerSec ?? 0) >= (best.samplesPerSec ?? 0) ? 'higher' : 'lower'} throughput ` +
          `${(winner.samplesPerSec ?? 0) >= (best.samplesPerSec ?? 0) ? 'adds to' : 'does not undo'}`;
    out.push(
      `Batch ${b} is within ${TIE_STANDARD_ERRORS} paired standard errors and ${TIE_MAX_RELATIVE * 100} % of it (validation loss ${fmt(winner.valLoss!)}), a tie, ` +
        `and ties go to the highest goodput (samples/s × statistical efficiency at the end-of-search noise scale). ${direction}.`,
    );
  } else {
    const rest = trained.filter((c) => c !== best && c.round === best.round).sort((a, c) => a.valLoss! - c.valLoss!);
    if (rest.length) {
      out.push(
        `The runner-up, batch ${rest[0].batchSize}, was ${fmt(100 * (rest[0].valLoss! / best.valLoss! - 1))} % worse` +
          `${rest[0].tied ? ' (within noise, but lower in goodput: samples/s × statistical efficiency)' : ''}.`,
      );
    }
  }
  return out;
}

/** What the search ran, round by round, in one sentence up to its verdict. */
function searchSummary(candidates: readonly Candidate[], rungs: readonly SearchRung[] = []): string {
  const sizes = candidates.map((c) => c.batchSize).join(', ');
  const rounds = Math.max(...candidates.map((c) => c.round ?? 0)) + 1;
  const rates = new Set((candidates[0].runs ?? []).filter((r) => r.round === 0).map((r) => r.learningRate)).size;
  const diverged = candidates.filter((c) => c.diverged).map((c) => c.batchSize);
  // Fewer sizes than a search of sizes needs: say what was not compared.
  const what =
    candidates.length === 1
      ? `only batch ${sizes}, the one size the probe measured (the batch size was not searched),`
      : `${candidates.length} batch sizes (${sizes})${candidates.length < PLAN.minCandidates ? `, fewer than the ${PLAN.minCandidates} a search of sizes needs (the probe measured no more),` : ''}`;
  if (rungs.length) {
    const unit = rungs[0].unit === 'epochs' ? 'epochs' : 's';
    const top = rungs[rungs.length - 1];
    const lengths = rungs.map((r) => `${fmt(r.length)}`).join(', ');
    const seeds = top.seeds > 1 ? `; at the top rung its closest contenders trained on up to ${top.seeds} data orders` : '';
    return (
      `Search: ${what} ${rates > 1 ? `each at ${rates} learning rates around its scaled rate, ` : ''}every run complete in itself ` +
      `(from the same initial weights, the schedule over its own length), compared at equal ${rungs[0].unit === 'epochs' ? 'epochs' : 'training time'}: ` +
      `rungs of ${lengths} ${unit} (${rungs.map((r) => r.sizes).join(' → ')} sizes)` +
      `${Math.abs(top.fraction - 1) < 1e-9 ? ', the last your whole horizon' : `, the last ${fmt(top.fraction * 100)} % of your horizon`}${seeds}; ` +
      `${diverged.length ? `${diverged.join(', ')} diverged; ` : ''}at the top rung `
    );
  }
  const first =
    `Search: ${what} ` +
    (rates > 1 ? `each at ${rates} learning rates around its scaled rate, ` : '') +
    `trained for the same time from the same initial weights`;
  const later =
    rounds > 1
      ? `; ${rates > 1 ? 'each kept one rate; ' : ''}each round trained ${ROUND_GROWTH}× longer than the one before, ` +
        `from the start, the best going on: ${rounds} rounds (${Array.from({ length: rounds }, (_, r) => candidates.filter((c) => (c.round ?? 0) >= r).length).join(' → ')} sizes)`
      : '';
  return `${first}${later}; ${diverged.length ? `${diverged.join(', ')} diverged; ` : ''}in the last round `;
}

function lrReason(inputs: RecommendInputs, b: number, lr: number, winner: Candidate | null): string {
  const opt = inputs.workload.optimizer;
  const ranged = suggestionOf(inputs);
  if (!ranged) {
    const why = inputs.lrRange?.insufficient ? `${inputs.lrRange.insufficient}, so it suggested nothing` : 'the LR range test did not run';
    return `Peak rate ${fmt(lr)} ${winner ? 'comes from the search around' : 'is'} the ${opt.name} rate the model was compiled with (${fmt(opt.learningRate)}): ${why}.`;
  }
  const bNoise = credibleNoiseScale(inputs.noiseAtInit) ?? undefined;
  const rule = isAdaptive(opt.name)
    ? 'the square root of the noise-scale rule, for an adaptive optimizer'
    : 'the noise-scale rule η(B) = η(B₀)(1 + B_noise/B₀)/(1 + B_noise/B)';
  const tried = winner ? [...new Set((winner.runs ?? []).filter((r) => r.round === 0).map((r) => r.learningRate))] : [];
  // The rate the first round kept: the one the next round trained at (the middle of its rates).
  const later = (winner?.runs ?? []).filter((r) => r.round === 1).map((r) => r.learningRate).sort((a, c) => a - c);
  const kept = later.length ? later[later.length >> 1] : lr;
  const scaled = scaleLearningRate(ranged.suggestion, ranged.batchSize, b, bNoise ?? 0, opt.name);
  return (
    `Peak rate: the LR range test at batch ${ranged.batchSize} suggested ${fmt(ranged.suggestion)} ` +
    `(between the steepest descent and the minimum of the smoothed loss), scaled to batch ${b} by ${rule}` +
    (bNoise !== undefined ? ` with B_noise ≈ ${round(bNoise)}` : '') +
    (tried.length > 1
      ? `: ${fmt(scaled)}; of the peaks ${tried.map(fmt).join(', ')} tried in the search's first round, ${fmt(kept)} went on ` +
        `(the best, or the lowest within noise of it: short runs favour high rates).`
      : `: ${fmt(scaled)}.`)
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
    const trend =
      t.exponent === null
        ? longest.edge === 'high'
          ? `The longest runs did best at the highest peak tried, so their optimum, and how it moves with the length of training, is unknown.`
          : `No second run length measured how the best peak moves with the length of training.`
        : `The best peak falls as steps^-${fmt(t.exponent)} (measured between the search's shortest and longest rounds` +
          `${t.exponent === 0 ? '; it did not fall here' : ''}): carried from ${round(t.fromSteps)} to ${round(h.steps)} steps, ×${fmt(t.factor)}` +
          `${t.clamped ? ' (limited: never below an eighth of the measured best, never above it)' : ''}.`;
    const limit = t.limitedByRangeTest
      ? ` For a run ${fmt(h.steps / t.fromSteps)}× longer than the search's longest, the peak is held at the LR range test's rate, ${fmt(t.rangeTestRate!)}: ` +
        `short runs reward rates past where the loss starts to fall fastest only because they end before the cost shows.`
      : '';
    out.push(`Horizon trend: trained with the schedule's shape at several peaks, batch ${b} did best at ${seen}. ${trend}${limit}`);
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
