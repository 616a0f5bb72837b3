import { SCHEMA_VERSION, readResult, type AutobatchDocument, type Checkpoint, type Timings, type NoiseEstimate, type Phase } from './document';
import * as os from 'node:os';
import { activateBackend, backendVersions } from './platform/backend';
import { coresBusyElsewhereSince, sampleCpu } from './platform/cpu-load';
import { cacheKey, cacheKeyParts, prepareCacheDir, readCache, writeCache } from './reuse/cache';
import { BackendError, describeError } from './util/errors';
import { assertEnoughSamples, prepareWorkload } from './platform/prepare';
import { IsolatedRunner } from './runner/isolated';
import type { TrialRunner } from './runner/runner';
import { defaultMemoryBudget, snapshotHardware } from './platform/hardware';
import type { RunPool } from './runner/pool';
import { chooseSearchPool, openSearchPool } from './search/pool';
import { openSearchQueue } from './search/queue';
import { assertQueueReachable } from './runner/queue/connection';
import type { RunQueue } from './runner/queue/client';
import { isAdaptive } from './lr/scaling';
import { findLearningRate } from './lr/range-test';
import { NOISE_BATCH, gradientMs, measureNoiseAtInit } from './noise/at-init';
import { normalizeOptions, type NormalizedOptions, type TuneOptions } from './options';
import { assertSameBasis, openResumption, resumeBasis, resumedNote, tuningBudget } from './reuse/resume';
import { SearchJournal } from './search/journal';
import { PLAN, adviseBudget, kneeStepMs, lrRangeDeadline, noiseDeadline, planLrRange, planNoise, probeDeadline } from './search/plan';
import { NO_PLAN, planForHorizon } from './search/rungs';
import { probeCapacity } from './probe/probe';
import { recommend, tuningShare } from './recommend';
import { InProcessRunner } from './runner/in-process';
import { searchBatchSizes, type SearchOutcome } from './search/search';
import { searchCannotStart } from './search/evaluation-cost';
import { loadTf, type TF } from './platform/tf';
import { TOOL_VERSION } from './util/version';
import { resolveWorkload, withoutPreparedData } from './workloads/spec';
import { RunFolder, countingLoads, shareOrLoadEach } from './workloads/shared-data';
import { createWorkload, type WorkloadDefinition } from './workloads/workload';
import { assertModelFolder, saveWorkloadModel } from './workloads/save-model';

/**
 * Measures the model on this machine and recommends a batch size and learning rate:
 * capacity probe, gradient noise at the initial weights, LR range test, short search,
 * recommendation. Returns the same document the CLI writes as JSON. When
 * `options.signal` aborts or time runs out, it still returns, with `complete: false`,
 * what was measured and the best recommendation available.
 * @throws UsageError for bad options, BackendError when no backend can train the model.
 */
export async function tune(options: TuneOptions = {}): Promise<AutobatchDocument> {
  // The data prepared for the trial processes lives in the folder, and the first trial
  // process starts before the data is read: both go however the run ends.
  const start: StartUp = { folder: new RunFolder(), early: null };
  try {
    return await measure(options, start);
  } finally {
    start.folder.remove();
    await start.early?.close();
  }
}

/** What the start-up leaves for `tune` to clean up. */
interface StartUp {
  folder: RunFolder;
  /** The probe's trial process, started early; its runner closes it. */
  early: IsolatedRunner | null;
}

async function measure(options: TuneOptions, start: StartUp): Promise<AutobatchDocument> {
  const given = normalizeOptions(options);
  const resumeSource = typeof given.resume === 'string' ? given.resume : 'the document to resume';
  const resumption = given.resume === null ? null : openResumption(typeof given.resume === 'string' ? readResult(given.resume) : given.resume, resumeSource);
  // A budget is the whole tuning's: a resumed run has what is left of it.
  const budget = tuningBudget(resumption, given.timeBudgetSeconds, given.timeBudgetGiven);
  const opts = { ...given, timeBudgetSeconds: budget.seconds };
  const started = Date.now();
  // What other programs take of the cores is measured over the tuner's own run.
  const cpuAtStart = sampleCpu(started);
  const end = started + opts.timeBudgetSeconds * 1000;
  const doc = emptyDocument(opts);
  const aborted = () => opts.signal?.aborted === true;
  const cut = (phase: Phase) => {
    if (!doc.phasesCut.includes(phase)) doc.phasesCut.push(phase);
  };
  // What each phase was given when it started, beside what it used (timings): the plan in the document.
  const allot = (phase: Phase, deadline: number): number => {
    doc.budget.planned = { ...doc.budget.planned, [phase]: Math.max(0, (deadline - Date.now()) / 1000) };
    return deadline;
  };
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

  // What a killed tuner leaves for --resume: the phases done, the search's record, written after each.
  const done: Phase[] = [];
  let basis: Checkpoint['basis'] | null = null;
  // Set inside the search's phase (a closure: declared so that it is not narrowed to null).
  let journal = null as SearchJournal | null;
  let queueName: string | undefined = resumption?.checkpoint.queue;
  const checkpointOf = (): Checkpoint => ({
    format: 1,
    basis: basis!,
    done: [...done],
    budgetSeconds: budget.total,
    spentSeconds: budget.spent + (Date.now() - started) / 1000,
    ...(queueName ? { queue: queueName } : {}),
    ...(journal ? { search: journal.toCheckpoint() } : {}),
  });
  let checkpointing = opts.onCheckpoint !== null;
  const checkpoint = () => {
    if (!checkpointing || !basis) return;
    try {
      opts.onCheckpoint!({ ...doc, complete: false, incompleteReason: IN_PROGRESS, checkpoint: checkpointOf() });
    } catch (err) {
      // A checkpoint is insurance: one that cannot be written (a full disk) does not end the run.
      checkpointing = false;
      doc.notes.push(`checkpoints stopped: ${describeError(err)} (the result is written at the end as usual)`);
    }
  };
  const finished = (phase: Phase) => {
    done.push(phase);
    checkpoint();
  };

  // Files first: a bad one should fail in a moment, before TensorFlow.js starts.
  if (opts.cache) prepareCacheDir(opts.cache);
  if (opts.saveModel) assertModelFolder(opts.saveModel);
  if (opts.queue) await assertQueueReachable(opts.queue);
  // Both overlap reading the data: the machine's description (other processes answer
  // it), and the trial process's start (Node, TensorFlow.js, the first backend).
  const hardware = snapshotHardware();
  // Awaited below; a failure there must not surface as unhandled if the data fails first.
  hardware.catch(() => {});
  if (opts.isolate && !opts.inline.model && !opts.inline.data) {
    start.early = new IsolatedRunner({ workload: opts.workload, backend: opts.backend, minBatch: opts.minBatch });
    start.early.prestart();
  }
  const readStarted = Date.now();
  const definition = await resolveWorkload(opts.workload, opts.inline, (progress) => opts.onProgress({ type: 'data-read', ...progress }));
  if (opts.workload.data) doc.timings.data = (Date.now() - readStarted) / 1000;
  if (definition.preparation) doc.preparation = definition.preparation;
  if (definition.trainSamples !== undefined) assertEnoughSamples(definition.name, definition.trainSamples, opts.minBatch);
  const tf = loadTf();
  // Read once: trial processes get the prepared numbers, not the source.
  const sharing = Date.now();
  const shared = opts.inline.model || opts.inline.data ? null : await shareOrLoadEach(tf, definition, opts.workload, start.folder);
  doc.timings.dataWrite = (Date.now() - sharing) / 1000;
  const spec = shared?.spec ?? opts.workload;
  doc.hardware = await timed('hardware', () => hardware);
  const { name, fallbackReason, workload, runner, timings } = await timed('backend', () => startRunner(tf, { ...opts, workload: spec }, shared?.definition ?? definition, start.early));
  Object.assign(doc.timings, timings);
  doc.notes = workload.notes;
  doc.backend = { name, fallbackReason, ...backendVersions(tf, name) };
  doc.workload = workload.info;
  try {
    const parts = cacheKeyParts(opts, doc.hardware, doc.backend, workload.fingerprint());
    basis = resumeBasis(parts);
    if (resumption) assertSameBasis(resumption, basis, resumeSource);
    if (opts.saveModel) {
      // Before any measuring: an interrupted run still leaves the model it was tuning.
      doc.workload = { ...workload.info, savedModel: await saveWorkloadModel(tf, workload, opts.saveModel) };
    }
    const memoryBudgetBytes = opts.maxMemoryBytes ?? defaultMemoryBudget(doc.hardware, name);
    doc.budget.memoryBytes = memoryBudgetBytes;

    const key = opts.cache ? cacheKey(parts) : null;
    const cached = key && !opts.refresh && !resumption ? readCache(opts.cache!, key) : null;
    if (cached) {
      cached.notes = [...cached.notes, `cached result from ${cached.createdAt} reused (--refresh measures again)`];
      cached.cache = { key: key!, hit: true };
      cached.workload = doc.workload;
      return cached;
    }

    // A resumed tuning reuses each phase its previous run finished.
    const { interrupted, ...probe } = resumption?.probe
      ? { ...resumption.probe, interrupted: false }
      : await timed('probe', () =>
      probeCapacity(runner, {
        minBatch: opts.minBatch,
        maxBatch: opts.maxBatch,
        datasetSize: workload.info.trainSamples,
        memoryBudgetBytes,
        warmupSteps: opts.warmupSteps,
        minSteps: opts.minSteps,
        minSeconds: opts.minTrialSeconds,
        deadline: allot('probe', probeDeadline(Date.now(), end, opts.search)),
        signal: opts.signal,
        onProgress: opts.onProgress,
      }),
    );
    doc.probe = probe;
    if (interrupted || probe.stopReason === 'time') cut('probe');
    if (!interrupted) finished('probe');
    // Without the search the later phases are skipped by choice, not cut.
    const feasible = probe.throughputKnee !== null;
    // Every size this process trains or evaluates at stays within what the probe proved
    // safe: a model that kills its process at some batch must not kill this one.
    const safe = probe.safeMaxBatch ?? opts.minBatch;
    const knee = Math.min(probe.throughputKnee ?? safe, safe);
    const searching = feasible && opts.search;
    if (searching) {
      const advice = adviseBudget(probe.trials, knee, (Date.now() - started) / 1000, opts.timeBudgetSeconds);
      if (advice) {
        doc.notes.push(advice);
        opts.onProgress({ type: 'advice', message: advice });
      }
    }
    const cutUnlessSkipped = (phase: Phase) => {
      if (opts.search) cut(phase);
    };

    let noiseAtInit: NoiseEstimate | null = null;
    if (resumption && 'noiseAtInit' in resumption) {
      noiseAtInit = resumption.noiseAtInit ?? null;
      if (noiseAtInit) doc.noise = { ...noiseAtInit, atInit: noiseAtInit, preconditioned: null };
      done.push('noise');
    } else if (searching && !aborted()) {
      const batchSize = Math.min(NOISE_BATCH, safe);
      const { skipped, ...noisePlan } = planNoise(gradientMs(probe.trials, batchSize), allot('noise', noiseDeadline(Date.now(), end)) - Date.now());
      if (skipped) {
        cut('noise');
        doc.notes.push(skipped);
      } else {
        noiseAtInit = await timed('noise', () => measureNoiseAtInit(tf, workload, { seed: opts.seed, batchSize, ...noisePlan }));
        doc.noise = { ...noiseAtInit, atInit: noiseAtInit, preconditioned: null };
        finished('noise');
      }
    } else cutUnlessSkipped('noise');

    const machine = { cores: os.availableParallelism(), load: os.loadavg()[0], elsewhere: await coresBusyElsewhereSince(cpuAtStart) };
    const choice = chooseSearchPool(opts, doc.hardware, name, probe.trials, safe, workload, machine);
    let lrRange: AutobatchDocument['lrRange'] = null;
    if (resumption && 'lrRange' in resumption) {
      lrRange = resumption.lrRange ?? null;
      doc.lrRange = lrRange;
      done.push('lr-range');
    } else if (searching && !aborted()) {
      const share = lrRangeDeadline(Date.now(), end, kneeStepMs(probe.trials, knee), choice.size);
      const deadline = allot('lr-range', share.deadline);
      const { batchSize, steps, skipped } = planLrRange(probe.trials, knee, deadline - Date.now());
      if (skipped) {
        cut('lr-range');
        doc.notes.push(skipped);
      } else {
        if (share.note) doc.notes.push(share.note);
        lrRange = await timed('lr-range', () =>
          findLearningRate(tf, workload, {
            batchSize,
            steps,
            deadline,
            seed: opts.seed,
            signal: opts.signal,
            onStep: (step, total, lr, loss) => opts.onProgress({ type: 'lr-step', step, steps: total, lr, loss }),
          }),
        );
        doc.lrRange = lrRange;
        if (lrRange.ended === 'time') cut('lr-range');
        if (!aborted()) finished('lr-range');
      }
    } else cutUnlessSkipped('lr-range');

    let search: SearchOutcome | null = null;
    const planFor = (parallel: number) =>
      planForHorizon({
        probe,
        noiseAtInit,
        data: workload.info,
        maxBatch: safe,
        horizon: opts.horizon,
        parallel,
        secondsAvailable: (end - Date.now()) / 1000 - PLAN.reserveSeconds,
      });
    // A resumed search keeps its plan: its rounds are the same rounds, its runs the same runs.
    const resumedPlan = resumption?.search?.plan ?? null;
    let plan = resumedPlan ?? planFor(choice.size);
    const cannotStart = resumedPlan ? null : plan ? searchCannotStart(plan, probe.trials, workload.info, safe, (end - Date.now()) / 1000 - PLAN.reserveSeconds) : NO_PLAN;
    if (searching && cannotStart) doc.notes.push(cannotStart);
    if (searching && !aborted() && plan && plan.count > 0 && !cannotStart) {
      if (choice.note) doc.notes.push(choice.note);
      const { outcome, parallel, queued } = await timed('search', async () => {
        let pool: RunPool | null = null;
        let queue: RunQueue | null = null;
        if (opts.queue) {
          // The probe's process is done; the runs train on the workers, or here if none comes.
          await runner.close();
          const context = { backend: name, hardware: doc.hardware!, workloadFingerprint: workload.fingerprint(), createdAt: doc.createdAt };
          // Workers on other machines cannot read this one's prepared file: they load the source, checked by its hash.
          queue = await openSearchQueue({ ...opts, workload: withoutPreparedData(spec) }, { ...context, name: queueName }, doc.notes, opts.onProgress);
          queueName = queue?.name ?? queueName;
          if (queue && !resumedPlan) plan = planFor(queue.info().workers) ?? plan;
        }
        if (!queue && !choice.inProcess) {
          // The probe's process is done: its memory goes to the pool.
          await runner.close();
          const poolStarted = Date.now();
          pool = await openSearchPool({ ...opts, workload: spec }, name, choice, doc.notes);
          doc.timings.poolStart = (Date.now() - poolStarted) / 1000;
          if (pool) opts.onProgress({ type: 'search-pool', size: pool.size, pids: pool.pids() });
          // Its start took time: plan again for what is left.
          if (!resumedPlan) plan = planFor(pool?.size ?? 1) ?? plan;
        }
        journal = new SearchJournal(plan!, resumption?.search?.record ?? null, checkpoint);
        try {
          const searched = await searchBatchSizes(tf, workload, {
            probe,
            noiseAtInit,
            // No suggestion (a sweep too short or without a descent): the compiled rate, not a guess.
            referenceLr: lrRange?.suggestion ?? workload.info.optimizer.learningRate,
            referenceBatch: lrRange?.batchSize ?? knee,
            maxBatch: safe,
            optimizer: workload.info.optimizer,
            plan: plan!,
            deadline: allot('search', end - PLAN.reserveSeconds * 1000),
            seed: opts.seed,
            precondition: isAdaptive(workload.info.optimizer.name),
            signal: opts.signal,
            onProgress: opts.onProgress,
            journal,
            ...(pool ? { workers: pool.workers() } : {}),
            ...(queue ? { workers: queue.workers(queue.info().workers), signal: AbortSignal.any([queue.lost, ...(opts.signal ? [opts.signal] : [])]) } : {}),
          });
          return { outcome: searched, parallel: queue?.info().workers ?? pool?.size ?? null, queued: queue && { ...queue.info(), lost: queue.lost.aborted } };
        } finally {
          await queue?.close();
          await pool?.close();
        }
      });
      search = outcome;
      doc.candidates = search.candidates;
      const wallSeconds = doc.timings.search ?? null;
      doc.search = {
        parallel: parallel ?? 1,
        inProcess: parallel === null,
        reason: queued
          ? `jobs on queue ${queued.name}: ${queued.workers} worker${queued.workers === 1 ? '' : 's'} took them`
          : parallel !== null || choice.inProcess ? choice.reason : 'the pool could not start: the runs trained in this process',
        ...(queued ? { queue: { name: queued.name, url: queued.url, workers: queued.workers, retries: queued.retries } } : {}),
        wallSeconds,
        steps: search.steps,
        stepsPerSecond: wallSeconds ? search.steps / wallSeconds : null,
        failedRuns: search.failures,
        evaluatedRows: search.evaluatedRows,
        rungs: search.rungs,
        measuredAtHorizon: search.measuredAtHorizon,
        ...(search.decision ? { decision: search.decision } : {}),
        plan: { shape: plan!.shape, estimatedSeconds: plan!.estimatedSeconds, why: plan!.why },
      };
      if (search.noise && doc.noise) {
        doc.noise = { ...search.noise, atInit: noiseAtInit, preconditioned: search.preconditioned };
      }
      if (aborted() || search.cut || queued?.lost) cut('search');
      else done.push('search');
    } else cutUnlessSkipped('search');
    if (resumption) {
      doc.resumed = { from: resumption.previous.createdAt, phases: resumption.phases, runs: journal?.reused ?? 0 };
      doc.notes.push(resumedNote(resumption, journal?.reused ?? 0));
    }

    doc.recommendation = await timed('recommend', async () =>
      recommend({
        probe,
        workload: workload.info,
        memoryBudgetBytes,
        noiseAtInit,
        lrRange,
        search,
        phasesCut: doc.phasesCut,
        workers: opts.workers,
        horizon: opts.horizon,
      }),
    );
    // The probe stopping at its share of the time is a limit it measured up to, like the
    // memory budget; the run is incomplete only when a later phase could not finish.
    const unfinished = doc.phasesCut.filter((phase) => phase !== 'probe');
    if (aborted()) markIncomplete(doc, 'interrupted');
    else if (unfinished.length) markIncomplete(doc, `the time budget ran out: ${doc.phasesCut.join(', ')} cut short`);
    // An unfinished run keeps what --resume needs; a finished one has no use for it.
    if (!doc.complete) doc.checkpoint = checkpointOf();
    doc.timings.total = (Date.now() - started) / 1000;
    const share = tuningShare(doc.timings.total, doc.recommendation?.horizon.seconds ?? null);
    if (share) doc.notes.push(share);
    if (key) {
      doc.cache = { key, hit: false };
      writeCache(opts.cache!, key, doc);
    }
    return doc;
  } finally {
    await runner.close();
    workload.dispose();
  }
}

/**
 * The trial runner and the workload this process uses for the later phases. Isolated:
 * the trial process (`early`, when it was started before the data was read) picks the
 * backend (its training step may be the one that dies), then this process takes the
 * same backend without a second check. In-process: this process picks it.
 */
async function startRunner(tf: TF, opts: NormalizedOptions, definition: WorkloadDefinition, early: IsolatedRunner | null) {
  if (opts.isolate && (opts.inline.model || opts.inline.data)) {
    definition.notes = [...(definition.notes ?? []), 'trials ran in this process: a model or data given in code cannot cross to a trial process'];
  } else if (opts.isolate) {
    const runner = early ?? new IsolatedRunner({ workload: opts.workload, backend: opts.backend, minBatch: opts.minBatch });
    runner.useWorkload(opts.workload);
    try {
      const ready = await runner.start();
      for (const s of ready.skipped) opts.onProgress({ type: 'backend-skipped', backend: s.backend, reason: s.reason });
      const reason = await activateBackend(tf, ready.backend);
      if (reason) throw new BackendError(`the trial process trains on ${ready.backend}, but this process cannot: ${reason}`);
      opts.onProgress({ type: 'backend-selected', backend: ready.backend });
      const workload = await createWorkload(tf, definition, opts.workload);
      return { name: ready.backend, fallbackReason: ready.fallbackReason, workload, runner: runner as TrialRunner, timings: { ...ready.timings } };
    } catch (err) {
      await runner.close();
      throw err;
    }
  }
  const loads = countingLoads(definition);
  const checkStarted = Date.now();
  const selection = await prepareWorkload(tf, loads.definition, opts.workload, opts.backend, opts.minBatch, opts.onProgress);
  const timings: Timings = { dataLoad: loads.seconds(), backendCheck: (Date.now() - checkStarted) / 1000 - loads.seconds() };
  const runner: TrialRunner = new InProcessRunner(tf, selection.value);
  return { name: selection.name, fallbackReason: selection.fallbackReason, workload: selection.value, runner, timings };
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
    phasesCut: [],
    notes: [],
    probe: null,
    noise: null,
    lrRange: null,
    candidates: [],
    recommendation: null,
    timings: {},
  };
}

/** What a checkpoint says of its run: it may yet go on. */
const IN_PROGRESS = 'in progress: the tuner stopped before it finished (autobatch probe --resume FILE carries on from here)';

function markIncomplete(doc: AutobatchDocument, reason: string): void {
  doc.complete = false;
  doc.incompleteReason = reason;
}
