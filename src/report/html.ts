import type { AutobatchDocument, Candidate, ProbeResult } from '../document';
import { importEsm } from '../platform/esm';
import { formatBytes, formatNumber, formatSeconds } from '../util/units';
import { buildCharts, type ChartSpec } from './charts';
import { COLUMN_HEADERS, labelLine, shownColumns } from './preparation';
import { backendLine, searchLine } from './search-line';
import { kerasSnippet, snippetData, tfjsSnippet } from './snippets';

interface Vega {
  View: new (runtime: unknown, options: { renderer: 'none' }) => { toSVG(): Promise<string>; finalize(): void };
  parse(spec: unknown): unknown;
}
interface VegaLite {
  compile(spec: unknown): { spec: unknown };
}

/**
 * One self-contained HTML file: the charts rendered to inline SVG here (Vega-Lite
 * compiled, Vega's headless renderer), styles inline, no script and no network
 * reference. Every string from the user (names, columns, files, messages) is escaped.
 */
export async function renderHtmlReport(doc: AutobatchDocument): Promise<string> {
  const [vega, vl] = await Promise.all([importEsm<Vega>('vega'), importEsm<VegaLite>('vega-lite')]);
  const charts = await Promise.all(buildCharts(doc).map(async (chart) => ({ chart, svg: await renderSvg(vega, vl, chart) })));
  return page(doc, charts);
}

async function renderSvg(vega: Vega, vl: VegaLite, chart: ChartSpec): Promise<string> {
  const spec = { ...chart.spec, config: { font: 'sans-serif', view: { stroke: null } } };
  const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    // Inline SVG in HTML needs no namespace declarations; dropping them leaves the page
    // without a single URL.
    return svg.replace(/\s+xmlns(:xlink)?="[^"]*"/g, '');
  } finally {
    view.finalize();
  }
}

export function escapeHtml(text: unknown): string {
  return String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const num = (v: number | null | undefined) => formatNumber(v, '–');

function table(headers: string[], rows: (string | number)[][]): string {
  const head = headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`).join('\n');
  return `<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

function page(doc: AutobatchDocument, charts: { chart: ChartSpec; svg: string }[]): string {
  const sections: string[] = [recommendationSection(doc)];
  if (!doc.complete) sections.push(`<p class="warn">Incomplete run: ${escapeHtml(doc.incompleteReason ?? 'stopped early')}.</p>`);
  sections.push(factsSection(doc));
  if (doc.preparation) {
    const { rows, more } = shownColumns(doc.preparation);
    sections.push(
      `<section><h3>Data: ${escapeHtml(labelLine(doc.preparation))}</h3>${table([...COLUMN_HEADERS], rows)}${more ? `<p>${escapeHtml(more)}</p>` : ''}</section>`,
    );
  }
  for (const { chart, svg } of charts) {
    sections.push(`<section class="chart" id="chart-${chart.id}"><h3>${escapeHtml(chart.title)}</h3>${svg}</section>`);
  }
  if (doc.candidates.length) sections.push(candidatesSection(doc.candidates, doc.recommendation?.batchSize));
  if (doc.probe) sections.push(probeSection(doc.probe));
  const w = doc.workload;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>autobatch report: ${escapeHtml(w?.name ?? 'run')}</title>
<style>
body { font: 14px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 980px; padding: 0 1rem; color: #222; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.25rem; } h3 { font-size: 1.05rem; margin-top: 2rem; }
.rec { background: #f2f8f2; border-left: 4px solid #2ca02c; padding: .5rem 1rem; }
.warn { background: #fff4e5; border-left: 4px solid #ff9800; padding: .5rem 1rem; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; } dt { font-weight: 600; } dd { margin: 0; }
table { border-collapse: collapse; margin: .5rem 0; font-size: 13px; } th, td { border-bottom: 1px solid #ddd; padding: .25rem .6rem; text-align: right; }
th:first-child, td:first-child { text-align: left; } svg { max-width: 100%; height: auto; }
</style>
</head>
<body>
<h1>autobatch report: ${escapeHtml(w?.name ?? 'run')}</h1>
${sections.join('\n')}
</body>
</html>
`;
}

/** The recommendation in full (schedule, code for TensorFlow.js and Keras, what to expect, reasons, alternatives, workers), or why there is none. */
function recommendationSection(doc: AutobatchDocument): string {
  const rec = doc.recommendation;
  return rec
    ? `<section class="rec"><h2>Recommendation: batch size ${rec.batchSize}, ${rec.schedule.kind === 'constant' ? `a constant learning rate of ${escapeHtml(num(rec.learningRate))}` : `peak learning rate ${escapeHtml(num(rec.schedule.peakLearningRate))} with linear decay`}, for ${escapeHtml(num(rec.horizon.epochs))} epochs</h2>
<p>${rec.schedule.kind === 'constant' ? `Your model's own rate, constant for all ${rec.schedule.totalSteps} steps (${rec.horizon.source === 'default' ? 'the default horizon' : 'the horizon given'}).` : `Schedule: warm-up over ${rec.schedule.warmupSteps} steps to ${escapeHtml(num(rec.schedule.peakLearningRate))}, then linear decay to ${escapeHtml(num(rec.schedule.finalLearningRate))} at step ${rec.schedule.totalSteps} (${rec.horizon.source === 'default' ? 'the default horizon' : 'the horizon given'}). Without a schedule, a constant learning rate of ${escapeHtml(num(rec.learningRate))}.`}</p>
<p>TensorFlow.js:</p><pre>${escapeHtml(tfjsSnippet(rec, snippetData(doc)))}</pre>
<p>Keras (Python):</p><pre>${escapeHtml(kerasSnippet(rec, doc.workload?.optimizer ?? { name: 'adam', learningRate: 0.001 }, snippetData(doc)))}</pre>
<p>Expected ${escapeHtml(num(rec.expected.samplesPerSec))} samples/s and ${escapeHtml(rec.expected.peakBytes === null ? '–' : formatBytes(rec.expected.peakBytes))} peak tensor memory${rec.statisticalEfficiency === null ? '' : `; statistical efficiency ${escapeHtml(num(rec.statisticalEfficiency))}`}.</p>
<ul>${rec.reasons.map((r) => `<li>${escapeHtml(r)}</li>`).join('')}</ul>
${table(['alternative', 'batch', 'peak rate', 'constant rate', 'why'], Object.entries(rec.alternatives).map(([k, a]) => [k, a!.batchSize, num(a!.peakLearningRate ?? null), num(a!.learningRate), a!.why]))}
${rec.workers ? `<p>${rec.workers.workers} workers: ${rec.workers.perWorkerBatchSize} per worker, global batch ${rec.workers.globalBatchSize}, learning rate ${escapeHtml(num(rec.workers.learningRate))}${rec.workers.warning ? ` — ${escapeHtml(rec.workers.warning)}` : ''}</p>` : ''}</section>`
    : `<section class="rec"><h2>No recommendation</h2><p>No batch size trained successfully within the limits.</p></section>`;
}

/** What ran where, as a definition list: the workload, the notes, the hardware, the backend, the budget, the search, the run. */
function factsSection(doc: AutobatchDocument): string {
  const hw = doc.hardware;
  const w = doc.workload;
  const facts: [string, string][] = [];
  if (w) {
    facts.push(['Workload', `${w.name} (${w.source}): ${w.parameters.toLocaleString('en-US')} parameters, ${w.trainSamples} train / ${w.valSamples} validation samples, ${w.loss}, ${w.optimizer.name} lr ${w.optimizer.learningRate}`]);
  }
  for (const note of doc.notes) facts.push(['Note', note]);
  if (hw) {
    facts.push(['Hardware', `${hw.cpu.model}, ${hw.cpu.cores} cores; ${formatBytes(hw.memory.availableBytes)} free of ${formatBytes(hw.memory.totalBytes)}; GPUs: ${hw.gpus.map((g) => g.model || g.vendor).join(', ') || 'none'}; ${hw.os.distro || hw.os.platform} ${hw.os.arch}; Node ${hw.node}`]);
  }
  if (doc.backend) facts.push(['Backend', backendLine(doc.backend)]);
  facts.push(['Budget', `memory ${doc.budget.memoryBytes === null ? 'unset' : formatBytes(doc.budget.memoryBytes)} (peak tensor bytes), time ${formatSeconds(doc.budget.timeSeconds)}`]);
  if (doc.search) facts.push(['Search', searchLine(doc.search, doc.workload?.valSamples)]);
  facts.push(['Run', `${doc.tool.name} ${doc.tool.version}, ${doc.createdAt}, ${num(doc.timings.total)} s`]);
  return `<section><dl>${facts.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join('')}</dl></section>`;
}

/** The search's candidates, `recommended` (the recommended batch size) marked. */
function candidatesSection(candidates: Candidate[], recommended: number | undefined): string {
  return `<section><h3>What batch size does: convergence speed, generalization, memory, stability</h3>${table(
    ['batch', 'learning rate', 'round', 'steps', 'validation loss', 'score', 'loss drop/s', 'val − train', 'peak memory', 'loss volatility', 'noise/signal'],
    candidates.map((c) => [
      `${c.batchSize}${recommended === c.batchSize ? ' (recommended)' : ''}`,
      num(c.learningRate),
      c.round === undefined ? '–' : c.round + 1,
      c.steps,
      c.diverged ? 'diverged' : num(c.valLoss),
      c.score === null ? '–' : `${(100 * c.score).toFixed(1)} %${c.tied ? ' (tied)' : ''}`,
      num(c.lossDropPerSec),
      num(c.generalizationGap),
      c.peakBytes === null ? '–' : formatBytes(c.peakBytes),
      num(c.lossVolatility),
      num(c.noiseToSignal),
    ]),
  )}</section>`;
}

/** The capacity probe's trials, with why it stopped. */
function probeSection(probe: ProbeResult): string {
  return `<section><h3>Capacity probe — stopped by ${escapeHtml(probe.stopReason)}; largest feasible ${probe.maxFeasibleBatch ?? '–'}, knee ${probe.throughputKnee ?? '–'}</h3>${table(
    ['batch', 'status', 'ms/step', 'samples/s', 'peak memory', 'RSS', 'steps', 'error'],
    probe.trials.map((t) => [
      `${t.batchSize}${t.bisect ? ' (bisect)' : ''}`,
      t.status,
      num(t.stepMs),
      num(t.samplesPerSec),
      t.peakBytes === null ? '–' : formatBytes(t.peakBytes),
      t.rssBytes === null ? '–' : formatBytes(t.rssBytes),
      t.steps,
      t.error ?? '',
    ]),
  )}</section>`;
}
