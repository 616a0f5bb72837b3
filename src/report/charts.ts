import type { AutobatchDocument, Candidate } from '../document';
import { measurable } from '../noise/credible';

/** A Vega-Lite spec; kept loose: the compiler checks it. */
export type VegaLiteSpec = Record<string, unknown>;

export interface ChartSpec {
  id: string;
  title: string;
  spec: VegaLiteSpec;
}

const WIDTH = 560;
const HEIGHT = 260;
const log2 = { type: 'log', base: 2 };

/**
 * The report's charts, as Vega-Lite specs built from the document alone (so every
 * mark is a number from the JSON). Charts whose data is missing are left out.
 */
export function buildCharts(doc: AutobatchDocument): ChartSpec[] {
  const trained = doc.candidates.filter((c) => !c.diverged && c.valLoss !== null);
  const charts = [throughputChart(doc), lrRangeChart(doc), validationLossChart(doc, trained), lossCurvesChart(trained), noiseChart(doc)];
  return charts.filter((chart): chart is ChartSpec => chart !== null);
}

/** Throughput and peak memory against batch size, the knee and the recommendation marked: from the probe's trials that trained. */
function throughputChart(doc: AutobatchDocument): ChartSpec | null {
  const rec = doc.recommendation;
  const probe = doc.probe;
  if (!probe || !probe.trials.some((t) => t.status === 'ok')) return null;
  const ok = probe.trials.filter((t) => t.status === 'ok').sort((a, b) => a.batchSize - b.batchSize);
  const marks = [
    ...(probe.throughputKnee !== null ? [{ batchSize: probe.throughputKnee, label: `knee ${probe.throughputKnee}` }] : []),
    ...(rec ? [{ batchSize: rec.batchSize, label: `recommended ${rec.batchSize}` }] : []),
  ];
  const x = { field: 'batchSize', type: 'quantitative', scale: log2, title: 'batch size (log2)' };
  // A budget far above every peak would flatten the memory line against the axis.
  const maxPeak = Math.max(...ok.map((t) => t.peakBytes!));
  const budget = doc.budget.memoryBytes;
  const budgetOnScale = budget !== null && budget <= 3 * maxPeak;
  return {
    id: 'throughput',
    title:
      'Throughput and peak memory against batch size' +
      (budget !== null && !budgetOnScale ? ` (memory budget ${(budget / 2 ** 20).toFixed(0)} MiB, off the scale)` : ''),
    spec: {
      width: WIDTH,
      height: HEIGHT,
      resolve: { scale: { y: 'independent' } },
      layer: [
        {
          data: { values: ok.map((t) => ({ batchSize: t.batchSize, samplesPerSec: t.samplesPerSec })) },
          mark: { type: 'line', point: true, color: '#1f77b4' },
          encoding: { x, y: { field: 'samplesPerSec', type: 'quantitative', title: 'samples/s', axis: { titleColor: '#1f77b4' } } },
        },
        {
          layer: [
            {
              data: { values: ok.map((t) => ({ batchSize: t.batchSize, peakMiB: t.peakBytes! / 2 ** 20 })) },
              mark: { type: 'line', point: true, color: '#d62728', strokeDash: [4, 3] },
              encoding: { x, y: { field: 'peakMiB', type: 'quantitative', title: 'peak tensor memory (MiB)', axis: { titleColor: '#d62728' } } },
            },
            ...(budgetOnScale
              ? [
                  {
                    data: { values: [{ budgetMiB: budget / 2 ** 20 }] },
                    mark: { type: 'rule', color: '#d62728' },
                    encoding: { y: { field: 'budgetMiB', type: 'quantitative' } },
                  },
                ]
              : []),
          ],
        },
        {
          data: { values: marks },
          layer: [
            { mark: { type: 'rule', color: '#2ca02c', strokeWidth: 2 }, encoding: { x: { field: 'batchSize', type: 'quantitative' } } },
            { mark: { type: 'text', align: 'left', dx: 4, dy: -4, color: '#2ca02c' }, encoding: { x: { field: 'batchSize', type: 'quantitative' }, y: { value: 10 }, text: { field: 'label' } } },
          ],
        },
      ],
    },
  };
}

/** The LR range test's loss against the rate, its suggestion marked. */
function lrRangeChart(doc: AutobatchDocument): ChartSpec | null {
  if (!doc.lrRange || !doc.lrRange.points.length) return null;
  const { points, suggestion } = doc.lrRange;
  return {
    id: 'lr-range',
    title: `LR range test at batch ${doc.lrRange.batchSize}`,
    spec: {
      width: WIDTH,
      height: HEIGHT,
      layer: [
        {
          data: { values: points.filter((p) => Number.isFinite(p.loss)) },
          mark: { type: 'line', point: { size: 12 } },
          encoding: {
            x: { field: 'lr', type: 'quantitative', scale: { type: 'log' }, title: 'learning rate (log)' },
            y: { field: 'loss', type: 'quantitative', title: 'training loss', scale: { zero: false } },
          },
        },
        ...(suggestion === null
          ? []
          : [
              {
                data: { values: [{ lr: suggestion, label: `suggestion ${suggestion.toExponential(2)}` }] },
                layer: [
                  { mark: { type: 'rule', color: '#2ca02c', strokeWidth: 2 }, encoding: { x: { field: 'lr', type: 'quantitative' } } },
                  { mark: { type: 'text', align: 'left', dx: 4, color: '#2ca02c' }, encoding: { x: { field: 'lr', type: 'quantitative' }, y: { value: 10 }, text: { field: 'label' } } },
                ],
              },
            ]),
      ],
    },
  };
}

/** The validation loss of each candidate that trained, at the last round it reached. */
function validationLossChart(doc: AutobatchDocument, trained: Candidate[]): ChartSpec | null {
  if (!trained.length) return null;
  const rec = doc.recommendation;
  return {
    id: 'validation-loss',
    title: 'Validation loss per candidate, at the last round it reached (longer rounds reach lower losses)',
    spec: {
      width: WIDTH,
      height: HEIGHT,
      data: {
        values: trained.map((c) => ({
          batch: c.round === undefined ? String(c.batchSize) : `${c.batchSize} (round ${c.round + 1})`,
          valLoss: c.valLoss,
          recommended: rec?.batchSize === c.batchSize ? 'recommended' : c.tied ? 'tied with the best' : 'other',
        })),
      },
      mark: 'bar',
      encoding: {
        x: { field: 'batch', type: 'ordinal', sort: null, title: 'batch size' },
        y: { field: 'valLoss', type: 'quantitative', title: 'validation loss' },
        color: { field: 'recommended', type: 'nominal', title: null, scale: { domain: ['recommended', 'tied with the best', 'other'], range: ['#2ca02c', '#98df8a', '#aec7e8'] } },
      },
    },
  };
}

/** The training loss over time of each candidate that trained. */
function lossCurvesChart(trained: Candidate[]): ChartSpec | null {
  const curves = trained.flatMap((c) => c.curve.map(([seconds, loss]) => ({ batch: String(c.batchSize), seconds, loss })));
  if (!curves.length) return null;
  return {
    id: 'loss-curves',
    title: 'Training loss over time per candidate',
    spec: {
      width: WIDTH,
      height: HEIGHT,
      data: { values: curves.filter((p) => Number.isFinite(p.loss) && p.loss > 0) },
      mark: { type: 'line', clip: true },
      encoding: {
        x: { field: 'seconds', type: 'quantitative', title: 'seconds of training' },
        y: { field: 'loss', type: 'quantitative', scale: { type: 'log' }, title: 'training loss (log)' },
        color: { field: 'batch', type: 'nominal', title: 'batch', sort: null },
      },
    },
  };
}

/** The candidates' noise-to-signal against batch size, beside the line B_simple/B. */
function noiseChart(doc: AutobatchDocument): ChartSpec | null {
  const noisy = doc.candidates.filter((c) => c.noiseToSignal !== null);
  if (!doc.noise || !measurable(doc.noise) || !noisy.length) return null;
  const bSimple = doc.noise.bSimple;
  const sizes = noisy.map((c) => c.batchSize);
  const lo = Math.min(...sizes, bSimple) / 2;
  const hi = Math.max(...sizes, bSimple) * 2;
  const line = Array.from({ length: 33 }, (_, i) => lo * (hi / lo) ** (i / 32)).map((b) => ({ batchSize: b, ratio: bSimple / b }));
  return {
    id: 'noise',
    title: 'Noise-to-signal against batch size',
    spec: {
      width: WIDTH,
      height: HEIGHT,
      layer: [
        {
          data: { values: line },
          mark: { type: 'line', color: '#7f7f7f', strokeDash: [4, 3] },
          encoding: {
            x: { field: 'batchSize', type: 'quantitative', scale: log2, title: 'batch size (log2)' },
            y: { field: 'ratio', type: 'quantitative', scale: { type: 'log' }, title: 'noise-to-signal B_simple/B (log)' },
          },
        },
        {
          data: { values: noisy.map((c) => ({ batchSize: c.batchSize, ratio: c.noiseToSignal })) },
          mark: { type: 'point', filled: true, size: 60, color: '#9467bd' },
          encoding: { x: { field: 'batchSize', type: 'quantitative' }, y: { field: 'ratio', type: 'quantitative' } },
        },
        {
          data: { values: [{ batchSize: bSimple, label: `B_simple ≈ ${Math.round(bSimple)}` }] },
          layer: [
            { mark: { type: 'rule', color: '#9467bd' }, encoding: { x: { field: 'batchSize', type: 'quantitative' } } },
            { mark: { type: 'text', align: 'left', dx: 4, color: '#9467bd' }, encoding: { x: { field: 'batchSize', type: 'quantitative' }, y: { value: 10 }, text: { field: 'label' } } },
          ],
        },
      ],
    },
  };
}
