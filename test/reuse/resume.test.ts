import { Value } from '@sinclair/typebox/value';
import { DocumentSchema, type AutobatchDocument } from '../../src/document';
import { firstDifference, tuningBudget } from '../../src/reuse/resume';
import { tune } from '../../src/tune';
import type { TuneOptions } from '../../src/options';

/** A quick, deterministic run: the synthetic example on cpu, in this process, one run at a time. */
const QUICK: TuneOptions = {
  example: 'synthetic-regression',
  backend: 'cpu',
  isolate: false,
  parallel: 1,
  minTrialSeconds: 0.1,
  minSteps: 2,
  warmupSteps: 1,
  maxBatch: 256,
  timeBudget: 40,
  epochs: 2,
};

/** What the CLI writes of each checkpoint, read back. */
const copy = (doc: AutobatchDocument): AutobatchDocument => JSON.parse(JSON.stringify(doc)) as AutobatchDocument;
const runsOf = (doc: AutobatchDocument) =>
  doc.candidates.map((c) => ({ batchSize: c.batchSize, learningRate: c.learningRate, valLoss: c.valLoss, round: c.round, runs: c.runs!.map((r) => [r.round, r.learningRate, r.steps, r.valLoss]) }));

/** Every run of the search: each candidate size's and the user's default's. */
const allRuns = (doc: AutobatchDocument) => [...doc.candidates.flatMap((c) => c.runs!), ...(doc.search?.default?.runs ?? [])];

describe('resume: a run carries on from the checkpoint an interrupted one left', () => {
  let full: AutobatchDocument;
  const checkpoints: AutobatchDocument[] = [];

  beforeAll(async () => {
    full = await tune({ ...QUICK, onCheckpoint: (doc) => checkpoints.push(copy(doc)) });
  }, 120_000);

  test('every checkpoint is a valid incomplete document; the phases and runs it holds only grow; the finished document keeps none', () => {
    expect(full.complete).toBe(true);
    expect(full.checkpoint).toBeUndefined();
    expect(checkpoints.length).toBeGreaterThan(3);
    let runs = 0;
    for (const doc of checkpoints) {
      expect(Value.Check(DocumentSchema, doc)).toBe(true);
      expect(doc).toMatchObject({ complete: false, incompleteReason: expect.stringMatching(/^in progress/) });
      const recorded = doc.checkpoint!.search?.runs.length ?? 0;
      expect(recorded).toBeGreaterThanOrEqual(runs);
      runs = recorded;
    }
    expect(checkpoints[0].checkpoint!.done).toEqual(['probe']);
    expect(checkpoints[checkpoints.length - 1].checkpoint!.done).toEqual(['probe', 'noise', 'lr-range']);
    expect(runs).toBe(allRuns(full).length);
  });

  test.each([
    ['in this process', 1],
    ['on a pool of two processes', 2],
  ])('from a checkpoint late in the search, %s: the finished runs are reused, the rest trained, and the decisions are those of the run that was not interrupted', async (_where, parallel) => {
    const total = allRuns(full).length;
    const late = [...checkpoints].reverse().find((doc) => (doc.checkpoint!.search?.runs.length ?? 0) === total - 1)!;
    // A budget is the whole tuning's: this one leaves time for a pool's start beside the last run.
    const resumed = await tune({ ...QUICK, parallel, timeBudget: 120, resume: late });
    expect(resumed.budget.timeSeconds).toBeCloseTo(120 - late.checkpoint!.spentSeconds, 6);
    expect(resumed.search!.parallel).toBe(parallel);
    expect(resumed.complete).toBe(true);
    expect(resumed.resumed).toEqual({ from: full.createdAt, phases: ['probe', 'noise', 'lr-range'], runs: total - 1 });
    expect(resumed.notes).toContain(`resumed from the run of ${full.createdAt}: reused probe, noise, lr-range, and ${total - 1} of the search's runs`);
    // The earlier phases were not measured again.
    expect(resumed.timings.probe).toBeUndefined();
    expect(resumed.probe).toEqual(full.probe);
    expect(runsOf(resumed)).toEqual(runsOf(full));
    expect(allRuns(resumed).filter((r) => r.reused).length).toBe(total - 1);
    expect(resumed.recommendation!.batchSize).toBe(full.recommendation!.batchSize);
    expect(resumed.recommendation!.learningRate).toBe(full.recommendation!.learningRate);
  }, 120_000);

  test('from a checkpoint before the search: the probe is reused, the rest measured', async () => {
    const early = checkpoints.find((doc) => doc.checkpoint!.done.length === 1)!;
    const resumed = await tune({ ...QUICK, resume: early });
    expect(resumed.complete).toBe(true);
    // What the tuning had left of its 40 s.
    expect(resumed.budget.timeSeconds).toBeCloseTo(40 - early.checkpoint!.spentSeconds, 6);
    expect(resumed.resumed).toEqual({ from: full.createdAt, phases: ['probe'], runs: 0 });
    expect(resumed.probe).toEqual(full.probe);
    expect(resumed.timings.probe).toBeUndefined();
    expect(resumed.timings.noise).toBeGreaterThan(0);
    expect(resumed.candidates.length).toBeGreaterThan(0);
  }, 120_000);

  test('another setting, a complete result or a document without a checkpoint is refused with one line', async () => {
    const late = checkpoints[checkpoints.length - 1];
    await expect(tune({ ...QUICK, seed: 7, resume: late })).rejects.toThrow(
      'the document to resume was measured with another settings.seed: give the same model, data, settings and machine to resume (or run without --resume)',
    );
    await expect(tune({ ...QUICK, resume: full })).rejects.toThrow('the document to resume is a complete result: nothing to resume');
    const { checkpoint: _checkpoint, ...bare } = late;
    await expect(tune({ ...QUICK, resume: bare })).rejects.toThrow(/holds no checkpoint to resume from/);
  }, 60_000);
});

describe('firstDifference', () => {
  test.each([
    [{ a: 1, b: { c: 2 } }, { a: 1, b: { c: 2 } }, null],
    [{ a: 1, b: { c: 2 } }, { a: 1, b: { c: 3 } }, 'b.c'],
    [{ a: 1 }, { a: 1, z: 0 }, 'z'],
    // JSON drops undefined and writes Infinity as null: a document read back still matches.
    [{ a: null }, { a: Number.POSITIVE_INFINITY, u: undefined }, null],
    [{ list: [1, 2] }, { list: [1, 3] }, 'list'],
  ])('%j against %j: %s', (a, b, expected) => {
    expect(firstDifference(a, b)).toBe(expected);
  });
});

describe('tuningBudget', () => {
  const resumption = (budgetSeconds: number, spentSeconds: number) => ({ checkpoint: { budgetSeconds, spentSeconds } }) as unknown as Parameters<typeof tuningBudget>[0];
  test("a budget is the whole tuning's: the one given, else the interrupted run's, less what was spent; at least a tenth of it", () => {
    expect(tuningBudget(resumption(120, 50), 120, false)).toEqual({ total: 120, spent: 50, seconds: 70 });
    expect(tuningBudget(resumption(120, 50), 300, true)).toEqual({ total: 300, spent: 50, seconds: 250 });
    expect(tuningBudget(resumption(120, 119.5), 120, false)).toEqual({ total: 120, spent: 119.5, seconds: 12 });
    expect(tuningBudget(null, 60, true)).toEqual({ total: 60, spent: 0, seconds: 60 });
  });
});
