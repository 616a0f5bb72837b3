import type { AutobatchDocument } from '../../src/document';
import type { TuneOptions } from '../../src/options';
import type { ProgressEvent } from '../../src/progress';
import { InProcessRunner } from '../../src/runner/in-process';
import { tune } from '../../src/tune';
import { FakeRunner, type FakeMachine } from '../helpers/fake-runner';

/**
 * The document of a seeded run, pinned: how the tuning is put together (its phases, their
 * deadlines and order, the checkpoints, what a resumption skips, what is cut) may change,
 * what it measures and decides may not, unless on purpose (then `npx jest -u` and say why).
 *
 * Timing is taken out of the decisions. The probe's trials come from a simulated machine
 * (`FakeRunner`: step times and memory as functions of the batch); the clock (`Date.now`)
 * moves only by simulated time: a second a trial, and `Simulated`'s seconds for each step
 * of the range test and each run of the search, counted at their progress events;
 * `performance.now` stands still. Every deadline, plan, round length, cut and evaluation
 * size is then a function of the seed and the options. The noise measurement, the range
 * test and the search train the real example on cpu, in this process: their numbers are
 * the seeded run's. What stays out of the comparison describes this machine or this
 * moment, not the run: `hardware`, `createdAt`, the checkpoint's `basis` (the machine's
 * fingerprint among the settings), the time a resumed run names its previous run by, and
 * the release's version (a release changes it, not the method).
 */
const MACHINE: FakeMachine = {
  throughput: (b) => (20_000 * b) / (b + 128),
  peakBytes: (b) => 2e6 + b * 5e4,
  trialSeconds: 1,
};

/** A machine a thousand times slower: no phase after the probe fits its budget. */
const SLOW: FakeMachine = { ...MACHINE, throughput: (b) => MACHINE.throughput(b) / 1000 };

/** Simulated seconds of a range-test step and of a search run. */
interface Simulated {
  lrStepSeconds: number;
  runSeconds: number;
}

const QUICK_CLOCK: Simulated = { lrStepSeconds: 0.01, runSeconds: 0.25 };

const SEEDED: TuneOptions = {
  example: 'synthetic-regression',
  backend: 'cpu',
  isolate: false,
  parallel: 1,
  seed: 42,
  minTrialSeconds: 0.1,
  minSteps: 2,
  warmupSteps: 1,
  minBatch: 32,
  maxBatch: 256,
  maxMemory: 1e9,
  timeBudget: 30,
  epochs: 0.25,
};

const START = Date.parse('2024-01-01T00:00:00Z');

/** Runs `tune` with the probe on `machine` and the clock moved only by simulated time. */
async function seededTune(options: TuneOptions, simulated = QUICK_CLOCK, machine = MACHINE, onEvent: (e: ProgressEvent) => void = () => {}) {
  const fake = new FakeRunner(machine);
  const runTrial = jest.spyOn(InProcessRunner.prototype, 'runTrial').mockImplementation((spec) => fake.runTrial(spec));
  const now = jest.spyOn(Date, 'now').mockImplementation(() => START + fake.clock);
  const still = jest.spyOn(performance, 'now').mockImplementation(() => 0);
  const events: ProgressEvent[] = [];
  const checkpoints: AutobatchDocument[] = [];
  try {
    const doc = await tune({
      ...options,
      onProgress: (e) => {
        if (e.type === 'lr-step') fake.clock += simulated.lrStepSeconds * 1000;
        if (e.type === 'candidate-end') fake.clock += simulated.runSeconds * 1000;
        events.push(e);
        onEvent(e);
      },
      onCheckpoint: (d) => checkpoints.push(JSON.parse(JSON.stringify(d)) as AutobatchDocument),
    });
    return { doc, events, checkpoints };
  } finally {
    runTrial.mockRestore();
    now.mockRestore();
    still.mockRestore();
  }
}

/** The document less what describes this machine or this moment, as JSON writes it. */
function comparable(doc: AutobatchDocument): unknown {
  const { hardware: _hardware, createdAt: _createdAt, ...rest } = JSON.parse(JSON.stringify(doc)) as AutobatchDocument;
  if (rest.checkpoint) rest.checkpoint = { ...rest.checkpoint, basis: {} };
  rest.tool = { ...rest.tool, version: 'the release' };
  if (rest.resumed) rest.resumed = { ...rest.resumed, from: 'the previous run' };
  rest.notes = rest.notes.map((note) => note.replace(/the run of \S+:/, 'the run of the previous run:'));
  return rest;
}

/** The progress a reader sees, less the range test's steps (its points are in the document). */
function stream(events: ProgressEvent[]): unknown[] {
  return events.flatMap((e): unknown[] => {
    switch (e.type) {
      case 'lr-step':
      case 'data-read':
        return [];
      case 'trial-end':
        return [{ type: e.type, index: e.index, batchSize: e.trial.batchSize, status: e.trial.status }];
      case 'candidate-end':
        return [{ type: e.type, index: e.index, batchSize: e.candidate.batchSize, learningRate: e.candidate.learningRate, valLoss: e.candidate.valLoss }];
      default:
        return [e];
    }
  });
}

/** Each checkpoint's record of its run: the phases done, the time spent, the search's runs. */
function checkpointed(checkpoints: AutobatchDocument[]): unknown[] {
  return checkpoints.map((d) => ({
    done: d.checkpoint!.done,
    budgetSeconds: d.checkpoint!.budgetSeconds,
    spentSeconds: d.checkpoint!.spentSeconds,
    runs: d.checkpoint!.search?.runs.length ?? null,
    phasesCut: d.phasesCut,
    planned: d.budget.planned,
  }));
}

describe('a seeded run gives the same document', () => {
  let first: Awaited<ReturnType<typeof seededTune>>;

  beforeAll(async () => {
    first = await seededTune(SEEDED);
  }, 180_000);

  test('the whole run: probe, noise, range test, search, recommendation', () => {
    expect(first.doc.complete).toBe(true);
    expect(comparable(first.doc)).toMatchSnapshot();
  });

  test('its progress: the phases in order, each timed', () => {
    expect(stream(first.events)).toMatchSnapshot();
  });

  test('its checkpoints: one after each phase and each search run', () => {
    expect(checkpointed(first.checkpoints)).toMatchSnapshot();
  });

  test('resumed after the probe: the probe reused, the rest measured again', async () => {
    const afterProbe = first.checkpoints.find((d) => d.checkpoint!.done.length === 1)!;
    const resumed = await seededTune({ ...SEEDED, resume: afterProbe });
    expect(resumed.doc.resumed).toMatchObject({ phases: ['probe'] });
    expect(comparable(resumed.doc)).toMatchSnapshot();
    expect(stream(resumed.events)).toMatchSnapshot();
  }, 180_000);

  test('resumed late in the search: its finished runs reused', async () => {
    const late = [...first.checkpoints].reverse().find((d) => (d.checkpoint!.search?.runs.length ?? 0) > 1)!;
    const resumed = await seededTune({ ...SEEDED, resume: late });
    expect(comparable(resumed.doc)).toMatchSnapshot();
    expect(checkpointed(resumed.checkpoints)).toMatchSnapshot();
  }, 180_000);
});

describe('a seeded run cut short gives the same document', () => {
  test('a budget the probe runs out of: the probe cut, the later phases in what is left', async () => {
    const { doc, events, checkpoints } = await seededTune({ ...SEEDED, timeBudget: 6 });
    expect(doc.phasesCut).toContain('probe');
    expect(comparable(doc)).toMatchSnapshot();
    expect(stream(events)).toMatchSnapshot();
    expect(checkpointed(checkpoints)).toMatchSnapshot();
  }, 120_000);

  test('slow range-test steps: the range test runs out of its time, and leaves none for the search', async () => {
    const { doc, events, checkpoints } = await seededTune({ ...SEEDED, timeBudget: 14 }, { lrStepSeconds: 0.1, runSeconds: 2 });
    expect(doc.phasesCut).toEqual(expect.arrayContaining(['lr-range', 'search']));
    expect(comparable(doc)).toMatchSnapshot();
    expect(stream(events)).toMatchSnapshot();
    expect(checkpointed(checkpoints)).toMatchSnapshot();
  }, 120_000);

  test('slow runs: the search runs out of its time after its first rung', async () => {
    const { doc, events, checkpoints } = await seededTune({ ...SEEDED, timeBudget: 16 }, { lrStepSeconds: 0.02, runSeconds: 2 });
    expect(doc.phasesCut).toEqual(['search']);
    expect(doc.candidates.length).toBeGreaterThan(0);
    expect(comparable(doc)).toMatchSnapshot();
    expect(stream(events)).toMatchSnapshot();
    expect(checkpointed(checkpoints)).toMatchSnapshot();
  }, 120_000);

  test('a machine too slow for anything after the probe: each later phase skipped for time, and said why', async () => {
    const { doc, events, checkpoints } = await seededTune({ ...SEEDED, timeBudget: 20 }, QUICK_CLOCK, SLOW);
    expect(doc.complete).toBe(false);
    expect(comparable(doc)).toMatchSnapshot();
    expect(stream(events)).toMatchSnapshot();
    expect(checkpointed(checkpoints)).toMatchSnapshot();
  }, 120_000);

  test('a probe stopped by memory', async () => {
    const { doc, events } = await seededTune({ ...SEEDED, maxMemory: 6e6, timeBudget: 14 });
    expect(doc.probe!.stopReason).toBe('memory');
    expect(comparable(doc)).toMatchSnapshot();
    expect(stream(events)).toMatchSnapshot();
  }, 120_000);

  test('no search, by choice: nothing cut', async () => {
    const { doc, events, checkpoints } = await seededTune({ ...SEEDED, search: false });
    expect(doc).toMatchObject({ complete: true, phasesCut: [] });
    expect(comparable(doc)).toMatchSnapshot();
    expect(stream(events)).toMatchSnapshot();
    expect(checkpointed(checkpoints)).toMatchSnapshot();
  }, 120_000);

  test('interrupted during the probe', async () => {
    const controller = new AbortController();
    const { doc, checkpoints } = await seededTune({ ...SEEDED, signal: controller.signal }, QUICK_CLOCK, MACHINE, (e) => {
      if (e.type === 'trial-end' && e.index === 1) controller.abort();
    });
    expect(doc).toMatchObject({ complete: false, incompleteReason: 'interrupted' });
    expect(comparable(doc)).toMatchSnapshot();
    expect(checkpointed(checkpoints)).toMatchSnapshot();
  }, 120_000);
});
