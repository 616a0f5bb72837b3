import { selectBackend } from './backend';
import { SCHEMA_VERSION, type AutobatchDocument } from './document';
import { defaultMemoryBudget, snapshotHardware } from './hardware';
import { normalizeOptions, type NormalizedOptions, type TuneOptions } from './options';
import { probeCapacity } from './probe/probe';
import type { Phase } from './progress';
import { recommendFromProbe } from './recommend';
import { BatchCursor } from './runner/batches';
import { InProcessRunner, trainingStep } from './runner/in-process';
import { loadTf, type TF } from './tf';
import { TOOL_VERSION } from './version';
import { exampleWorkload } from './workloads/examples';
import { createWorkload, disposeModel, type Workload } from './workloads/workload';

/** Seconds kept back from the probe for building the recommendation and writing output. */
const RESERVE_SECONDS = 2;

/**
 * Measures the model on this machine and recommends a batch size and learning rate.
 * Returns the same document the CLI writes as JSON. When `options.signal` aborts or
 * time runs out, it still returns, with `complete: false` and what was measured.
 * @throws UsageError for bad options, BackendError when no backend can train the model.
 */
export async function tune(options: TuneOptions = {}): Promise<AutobatchDocument> {
  const opts = normalizeOptions(options);
  const started = Date.now();
  const deadline = started + opts.timeBudgetSeconds * 1000;
  const doc = emptyDocument(opts);
  const timed = async <T>(phase: Phase, work: () => Promise<T>): Promise<T> => {
    opts.onProgress({ type: 'phase-start', phase });
    const t0 = Date.now();
    try {
      return await work();
    } finally {
      doc.timings[phase] = (Date.now() - t0) / 1000;
      opts.onProgress({ type: 'phase-end', phase, seconds: doc.timings[phase] });
    }
  };

  const tf = loadTf();
  doc.hardware = await timed('hardware', snapshotHardware);
  const { name, fallbackReason, value: workload } = await timed('backend', () => prepareWorkload(tf, opts));
  doc.backend = { name, fallbackReason };
  doc.workload = workload.info;
  const memoryBudgetBytes = opts.maxMemoryBytes ?? defaultMemoryBudget(doc.hardware, name);
  doc.budget.memoryBytes = memoryBudgetBytes;

  const runner = new InProcessRunner(tf, workload);
  try {
    const probe = await timed('probe', () =>
      probeCapacity(runner, {
        minBatch: opts.minBatch,
        maxBatch: opts.maxBatch,
        datasetSize: workload.info.trainSamples,
        memoryBudgetBytes,
        warmupSteps: opts.warmupSteps,
        minSteps: opts.minSteps,
        minSeconds: opts.minTrialSeconds,
        deadline: deadline - RESERVE_SECONDS * 1000,
        signal: opts.signal,
        onProgress: opts.onProgress,
      }),
    );
    const { interrupted, ...probeResult } = probe;
    doc.probe = probeResult;
    if (interrupted) markIncomplete(doc, 'interrupted');
    else if (probe.stopReason === 'time') markIncomplete(doc, 'the time budget ran out during the capacity probe');
    doc.recommendation = await timed('recommend', async () => recommendFromProbe(probeResult, workload.info, memoryBudgetBytes));
  } finally {
    await runner.close();
    workload.dispose();
  }
  doc.timings.total = (Date.now() - started) / 1000;
  return doc;
}

/**
 * Picks the backend and builds the workload on it. One real training step at the
 * smallest batch proves the backend has every kernel the model needs; a backend that
 * fails it is skipped with the reason recorded.
 */
async function prepareWorkload(tf: TF, opts: NormalizedOptions) {
  const definition = exampleWorkload(opts.example, opts.seed);
  const selection = await selectBackend(
    tf,
    opts.backend,
    async () => {
      const workload = createWorkload(tf, definition);
      try {
        await checkTrainingStep(tf, workload, Math.min(opts.minBatch, workload.info.trainSamples));
        return workload;
      } catch (err) {
        workload.dispose();
        throw err;
      }
    },
    (backend, reason) => opts.onProgress({ type: 'backend-skipped', backend, reason }),
  );
  opts.onProgress({ type: 'backend-selected', backend: selection.name });
  return selection;
}

async function checkTrainingStep(tf: TF, workload: Workload, batchSize: number): Promise<void> {
  const model = workload.createModel();
  try {
    await trainingStep(model, new BatchCursor(tf, workload.train, batchSize))();
  } finally {
    disposeModel(model);
  }
}

function emptyDocument(opts: NormalizedOptions): AutobatchDocument {
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'autobatch', version: TOOL_VERSION },
    createdAt: new Date().toISOString(),
    complete: true,
    hardware: null,
    backend: null,
    workload: null,
    budget: { memoryBytes: opts.maxMemoryBytes, timeSeconds: opts.timeBudgetSeconds },
    probe: null,
    noise: null,
    lrRange: null,
    candidates: [],
    recommendation: null,
    timings: {},
  };
}

function markIncomplete(doc: AutobatchDocument, reason: string): void {
  doc.complete = false;
  doc.incompleteReason = reason;
}
