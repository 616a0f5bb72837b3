import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AutobatchDocument } from '../../src/document';

export const FIXTURES = path.join(__dirname, '..', 'fixtures');

/**
 * A real run's document, recorded once (autobatch 0.7.0, wasm, `tune({ data: 'table.csv',
 * label: 'y', timeBudget: '40s', minTrialSeconds: 0.1, workers: 4, epochs: 5 })` on a
 * 1,200-row table of a text column, numbers and gaps): every section filled, a table
 * preparation, a search with its decision, a schedule, alternatives and workers' advice.
 */
export function recordedDocument(): AutobatchDocument {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES, 'recorded-document.json'), 'utf8')) as AutobatchDocument;
}

/**
 * The recorded document and two made from it, so that every branch of the outputs that
 * read a document (the terminal summary, the HTML page, the charts) is taken by one:
 * `limits`: failed and bisected trials, a budget on the memory chart's scale, a noise
 * scale not measurable, no range-test suggestion, a diverged run, the constant default
 * standing, a workers' warning, an incomplete run; `empty`: a run stopped before it
 * measured anything.
 */
export function documentVariants(): Record<'recorded' | 'limits' | 'empty', AutobatchDocument> {
  const recorded = recordedDocument();
  return { recorded, limits: atTheLimits(recordedDocument()), empty: stoppedAtOnce(recordedDocument()) };
}

function atTheLimits(doc: AutobatchDocument): AutobatchDocument {
  const probe = doc.probe!;
  const ok = probe.trials.slice(0, 5);
  probe.trials = [
    ...ok.slice(0, 4),
    { ...ok[4], bisect: true, inputMs: 0.4, pipelineBytes: 3_000_000, leakedTensors: 2 },
    { batchSize: 256, status: 'over-budget', stepMs: 2.5, samplesPerSec: 102_400, peakBytes: 1_300_000, rssBytes: 140_000_000, steps: 12 },
    { batchSize: 512, status: 'oom', stepMs: null, samplesPerSec: null, peakBytes: null, rssBytes: null, steps: 0, error: 'the trial process ran out of memory (SIGKILL)' },
    { batchSize: 1024, status: 'crashed', stepMs: null, samplesPerSec: null, peakBytes: null, rssBytes: null, steps: 0, error: 'exit code 134' },
  ];
  probe.stopReason = 'oom';
  probe.maxFeasibleBatch = 128;
  probe.throughputKnee = null;
  doc.budget.memoryBytes = 500_000;
  const noise = doc.noise!;
  doc.noise = { ...noise, gradSq: -0.02, atInit: { ...noise.atInit!, standardError: null }, preconditioned: null };
  doc.lrRange = { ...doc.lrRange!, suggestion: null, insufficient: 'the loss never fell below its start' };
  const [first, second, third, ...rest] = doc.candidates;
  doc.candidates = [
    { ...first, score: null, noiseToSignal: null },
    { ...second, round: undefined, tied: true },
    { ...third, diverged: true, valLoss: null, score: null, peakBytes: null },
    ...rest,
  ];
  const decision = doc.search!.decision!;
  decision.rule = 'default-within-noise';
  decision.fraction = 1;
  decision.race = { ...decision.race, over: 'folds' };
  decision.configs = decision.configs.map((c, i) => (i === 1 ? { ...c, expectedLoss: null } : i === 2 ? { ...c, learned: false } : c));
  const rec = doc.recommendation!;
  rec.schedule = { ...rec.schedule, kind: 'constant', warmupSteps: 0, finalLearningRate: rec.learningRate, peakLearningRate: rec.learningRate };
  rec.expected = { samplesPerSec: null, peakBytes: null };
  rec.statisticalEfficiency = 0.42;
  rec.horizon = { ...rec.horizon, source: 'default' };
  rec.alternatives = { fastest: { batchSize: 128, learningRate: 0.004, why: 'highest measured throughput' } };
  rec.workers = { ...rec.workers!, warning: 'a global batch of 32 is past the critical batch: more workers buy little' };
  doc.workload!.savedModel = 'models/initial';
  doc.hardware!.gpus = [{ vendor: 'NVIDIA', model: '' }, { vendor: 'AMD', model: 'Radeon <Pro>' }] as NonNullable<AutobatchDocument['hardware']>['gpus'];
  doc.notes.push('a note with <markup> & "quotes"');
  delete doc.preparation;
  doc.complete = false;
  return doc;
}

function stoppedAtOnce(doc: AutobatchDocument): AutobatchDocument {
  return {
    ...doc,
    complete: false,
    incompleteReason: 'interrupted (SIGINT) before the probe',
    hardware: null,
    backend: null,
    workload: null,
    preparation: undefined,
    budget: { memoryBytes: null, timeSeconds: 40 },
    notes: [],
    probe: null,
    noise: null,
    lrRange: null,
    candidates: [],
    search: undefined,
    recommendation: null,
  };
}
