import type { AutobatchDocument, LrRange, NoiseEstimate, NoiseResult, ProbeResult, Recommendation, SearchDecision, Trial } from '../document';
import { measurable } from '../noise/credible';
import { formatBytes, formatNumber, formatSeconds } from '../util/units';
import { formatTable } from './table';
import { COLUMN_HEADERS, labelLine, shownColumns } from './preparation';
import { backendLine, searchLine } from './search-line';
import { snippetData, tfjsSnippet } from './snippets';

const STATUS_WORDS: Record<Trial['status'], string> = {
  ok: 'ok',
  'over-budget': 'over budget',
  oom: 'out of memory',
  crashed: 'crashed',
  error: 'error',
};

/** The human summary printed at the end of `autobatch probe`. */
export function formatSummary(doc: AutobatchDocument): string {
  const out = [
    ...runLines(doc),
    ...(doc.probe ? probeLines(doc.probe) : []),
    ...(doc.noise ? noiseLines(doc.noise, doc.candidates.length > 0) : []),
    ...(doc.lrRange ? lrRangeLines(doc.lrRange) : []),
    ...(doc.candidates.length ? searchLines(doc) : []),
    '',
    ...(doc.recommendation ? recommendationLines(doc.recommendation, doc) : ['No recommendation: no batch size trained successfully within the limits.']),
  ];
  if (!doc.complete) out.push(`Incomplete run: ${doc.incompleteReason ?? 'stopped early'}.`);
  return out.join('\n');
}

/** What ran where: the hardware, the backend, the workload and its notes, the data's preparation, the budget. */
function runLines(doc: AutobatchDocument): string[] {
  const out: string[] = [];
  const { hardware: hw, backend, workload } = doc;
  if (hw) {
    const gpus = hw.gpus.length ? hw.gpus.map((g) => g.model || g.vendor).join(', ') : 'none';
    out.push(
      `Hardware  ${hw.cpu.model}, ${hw.cpu.cores} cores; ${formatBytes(hw.memory.availableBytes)} free of ` +
        `${formatBytes(hw.memory.totalBytes)}; GPUs: ${gpus}; ${hw.os.distro || hw.os.platform} ${hw.os.arch}; Node ${hw.node}`,
    );
  }
  if (backend) {
    out.push(`Backend   ${backendLine(backend)}`);
  }
  if (workload) {
    out.push(
      `Workload  ${workload.name}: ${workload.parameters.toLocaleString('en-US')} parameters, ` +
        `${workload.trainSamples} train / ${workload.valSamples} validation samples, ` +
        `${workload.loss}, ${workload.optimizer.name} lr ${workload.optimizer.learningRate}`,
    );
    if (workload.savedModel) out.push(`          saved untrained (its initial weights) to ${workload.savedModel}: load it with tf.loadLayersModel`);
  }
  for (const note of doc.notes) out.push(`          ${note}`);
  if (doc.preparation) {
    const { rows, more } = shownColumns(doc.preparation);
    out.push(`Data      ${labelLine(doc.preparation)}`);
    out.push(indent(formatTable([...COLUMN_HEADERS], rows), '          '));
    if (more) out.push(`          ${more}`);
  }
  const budget = doc.budget.memoryBytes === null ? 'unset' : formatBytes(doc.budget.memoryBytes);
  out.push(`Budget    memory ${budget} (peak tensor bytes), time ${formatSeconds(doc.budget.timeSeconds)}`);
  return out;
}

/** The capacity probe's trials, why it stopped, and the failures' errors. */
function probeLines(probe: ProbeResult): string[] {
  const out: string[] = ['', 'Capacity probe'];
  out.push(
    formatTable(
      ['batch', 'status', 'ms/step', 'samples/s', 'peak memory', 'RSS', 'steps'],
      probe.trials.map((t) => [
        `${t.batchSize}${t.bisect ? '*' : ''}`,
        STATUS_WORDS[t.status],
        t.stepMs === null ? '-' : t.stepMs.toFixed(1),
        t.samplesPerSec === null ? '-' : Math.round(t.samplesPerSec).toLocaleString('en-US'),
        t.peakBytes === null ? '-' : formatBytes(t.peakBytes),
        t.rssBytes === null ? '-' : formatBytes(t.rssBytes),
        String(t.steps),
      ]),
    ),
  );
  if (probe.trials.some((t) => t.bisect)) out.push('* found by bisecting towards the memory limit');
  out.push(
    `Stopped by ${probe.stopReason}; largest feasible batch ${probe.maxFeasibleBatch ?? 'none'}, ` +
      `throughput knee ${probe.throughputKnee ?? 'none'}`,
  );
  const failures = probe.trials.filter((t) => t.error);
  for (const t of failures) out.push(`  batch ${t.batchSize}: ${t.error}`);
  return out;
}

/** The gradient noise scale at the initial weights, after the search (`searched`: the search trained), Adam-preconditioned. */
function noiseLines(n: NoiseResult, searched: boolean): string[] {
  const value = (e: NoiseEstimate) =>
    measurable(e)
      ? `${num(e.bSimple)}${e.standardError === null ? '' : ` ± ${num(e.standardError)}`}`
      : 'not measurable: the gradient was lost in the noise of this measurement (|G|² estimated ≤ 0)';
  const out: string[] = ['', 'Gradient noise scale (B_simple = tr(Σ)/|G|²)'];
  if (n.atInit) out.push(`  at the initial weights   ${value(n.atInit)}`);
  if (n !== n.atInit && searched) out.push(`  after the search         ${value(n)}`);
  if (n.preconditioned) out.push(`  Adam-preconditioned      ${value(n.preconditioned)}`);
  return out;
}

/** The LR range test in one line: its sweep, how it ended, its suggestion. */
function lrRangeLines(r: LrRange): string[] {
  return [
    '',
    `LR range test at batch ${r.batchSize}: ${r.points.length} steps from ${sci(r.points[0].lr)} to ` +
      `${sci(r.points[r.points.length - 1].lr)} (${r.ended}); ${r.suggestion === null ? `no suggestion: ${r.insufficient}` : `suggestion ${sci(r.suggestion)}`}`,
  ];
}

/** The search's candidates, the legend, how it ran, and its decision. */
function searchLines(doc: AutobatchDocument): string[] {
  const out: string[] = ['', 'Short search: what batch size does to convergence speed, generalization, memory and stability'];
  out.push(
    formatTable(
      ['batch', 'lr', 'round', 'steps', 'val loss', 'score', 'loss drop/s', 'val - train', 'peak memory', 'volatility', 'noise/signal'],
      doc.candidates.map((c) => [
        `${c.batchSize}${doc.recommendation?.batchSize === c.batchSize ? ' <' : ''}`,
        sci(c.learningRate),
        c.round === undefined ? '-' : String(c.round + 1),
        String(c.steps),
        c.diverged ? 'diverged' : num(c.valLoss),
        c.score === null ? '-' : `${c.score > 0 ? '+' : ''}${(100 * c.score).toFixed(1)} %${c.tied ? ' =' : ''}`,
        num(c.lossDropPerSec),
        num(c.generalizationGap),
        c.peakBytes === null ? '-' : formatBytes(c.peakBytes),
        num(c.lossVolatility),
        num(c.noiseToSignal),
      ]),
    ),
  );
  out.push(
    'round: the last search rung the size trained in (values from it); ' +
      'score: expected validation loss above the best; = tied with the best within noise; < recommended',
  );
  if (doc.search) out.push(`search: ${searchLine(doc.search, doc.workload?.valSamples)}`);
  if (doc.search?.decision) out.push(...decisionTable(doc.search.decision));
  return out;
}

/** The batch size, the schedule or constant rate, the TensorFlow.js line, what to expect, the reasons, the alternatives, the workers' advice. */
function recommendationLines(rec: Recommendation, doc: AutobatchDocument): string[] {
  const out: string[] = [];
  const sched = rec.schedule;
  out.push(
    `Recommendation: batch size ${rec.batchSize}, for ${formatNumber(rec.horizon.epochs)} epochs (${rec.horizon.steps.toLocaleString('en-US')} steps` +
      `${rec.horizon.source === 'default' ? ', the default' : ''})`,
  );
  if (sched.kind === 'constant') {
    out.push(`  learning rate: a constant ${sci(rec.learningRate)}, your model's own${doc.search?.decision?.rule === 'default-within-noise' ? ': nothing the search measured beat it beyond the noise' : ''}`);
  } else {
    out.push(
      `  schedule: warm-up ${sched.warmupSteps.toLocaleString('en-US')} steps to a peak of ${sci(sched.peakLearningRate)}, ` +
        `linear decay to ${sched.finalLearningRate === 0 ? '0' : sci(sched.finalLearningRate)} at step ${sched.totalSteps.toLocaleString('en-US')}`,
    );
    out.push(`  or a constant learning rate of ${sci(rec.learningRate)}`);
  }
  out.push(`  in TensorFlow.js: ${tfjsSnippet(rec, snippetData(doc)).split('\n')[1]}`);
  if (rec.expected.samplesPerSec !== null && rec.expected.peakBytes !== null) {
    out.push(
      `  expect about ${Math.round(rec.expected.samplesPerSec).toLocaleString('en-US')} samples/s ` +
        `and ${formatBytes(rec.expected.peakBytes)} peak tensor memory`,
    );
  }
  for (const reason of rec.reasons) out.push(`  - ${reason}`);
  const alternatives = Object.entries(rec.alternatives);
  if (alternatives.length) {
    out.push('  Alternatives:');
    for (const [kind, alt] of alternatives) {
      const peak = alt.peakLearningRate === undefined ? '' : `peak ${sci(alt.peakLearningRate)}, `;
      out.push(`    ${kind}: batch ${alt.batchSize}, ${peak}constant lr ${sci(alt.learningRate)} (${alt.why})`);
    }
  }
  if (rec.workers) {
    const w = rec.workers;
    out.push(
      `  ${w.workers} workers: ${w.perWorkerBatchSize} per worker, global batch ${w.globalBatchSize}, learning rate ${sci(w.learningRate)}` +
        (w.warning ? `\n  warning: ${w.warning}` : ''),
    );
  }
  return out;
}

const num = (value: number | null) => formatNumber(value);

function sci(value: number): string {
  return value.toExponential(2);
}

function indent(text: string, prefix: string): string {
  return text
    .split('\n')
    .map((line) => prefix + line)
    .join('\n');
}

/** The decisive rung's closest configurations with their noise, and the rule that picked. */
function decisionTable(d: SearchDecision): string[] {
  const same = (c: { batchSize: number; learningRate: number; schedule: string }, r: { batchSize: number; learningRate: number; schedule: string }) =>
    c.batchSize === r.batchSize && c.learningRate === r.learningRate && c.schedule === r.schedule;
  const shown = d.configs.filter((c, i) => i < DECISION_ROWS || c.default || same(c, d.pick));
  const over = d.race.over === 'folds' ? 'folds' : 'data orders';
  return [
    '',
    `Decision (rung ${d.rung + 1}, ${d.fraction >= 1 - 1e-9 ? 'your whole horizon' : `${Number((100 * d.fraction).toPrecision(2))} % of your horizon`}; the closest measured again on ${over}, ${d.race.stop})`,
    formatTable(
      ['batch', 'rate', 'schedule', 'expected val loss', 'runs', ''],
      shown.map((c) => [
        String(c.batchSize),
        sci(c.learningRate),
        c.default ? 'constant (your default)' : c.schedule,
        c.expectedLoss === null ? 'diverged' : `${num(c.expectedLoss)} ± ${num(c.standardError)}${c.learned ? '' : ' (did not learn)'}`,
        String(c.replicates.length),
        same(c, d.pick) ? '< picked' : '',
      ]),
    ),
    `  ${d.why}`,
  ];
}

/** Configurations the decision table shows besides the pick and the default. */
const DECISION_ROWS = 5;
