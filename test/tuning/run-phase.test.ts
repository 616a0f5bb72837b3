import type { AutobatchDocument, Checkpoint } from '../../src/document';
import type { ProgressEvent } from '../../src/progress';
import type { Resumption } from '../../src/reuse/resume';
import { openTuning, type Tuning } from '../../src/tuning/context';
import { notRun, runPhase, type Ended, type PhaseStep } from '../../src/tuning/run-phase';

/** A tuning on a clock that moves only when a test moves it, with its checkpoints and events kept. */
function testTuning(options: { search?: boolean; resumption?: Partial<Resumption> } = {}) {
  let now = 1_000_000;
  jest.spyOn(Date, 'now').mockImplementation(() => now);
  const events: ProgressEvent[] = [];
  const written: Checkpoint[] = [];
  const tuning = openTuning({
    timeBudget: 100,
    search: options.search ?? true,
    onProgress: (e) => events.push(e),
    onCheckpoint: (doc: AutobatchDocument) => written.push(doc.checkpoint!),
  });
  tuning.checkpoints.setBasis({ test: true });
  const resumed = options.resumption ? (Object.assign(tuning, { resumption: options.resumption as Resumption }) as Tuning) : tuning;
  return { tuning: resumed, events, written, advance: (seconds: number) => (now += seconds * 1000) };
}

afterEach(() => jest.restoreAllMocks());

/** A step that takes `seconds` of the test clock and ends as `ending` says. */
function step(advance: (seconds: number) => void, seconds: number, ending: Omit<Ended<string>, 'value'>, extra: Partial<PhaseStep<number, string>> = {}): PhaseStep<number, string> {
  return {
    phase: 'noise',
    share: ({ clock }) => ({ deadline: clock.started + 10_000 }),
    start: (_tuning, input, allot) => ({
      measure: async () => {
        allot();
        advance(seconds);
        return `measured ${input}`;
      },
    }),
    end: (_tuning, measured) => ({ value: measured, ...ending }),
    ...extra,
  };
}

describe('runPhase', () => {
  test('times a phase, records its share, and writes a checkpoint when it is done', async () => {
    const { tuning, events, written, advance } = testTuning();
    const value = await runPhase(tuning, step(advance, 2.5, { cut: false, done: true }), 7);
    expect(value).toBe('measured 7');
    expect(tuning.doc.timings.noise).toBe(2.5);
    expect(tuning.doc.budget.planned).toEqual({ noise: 10 });
    expect(events).toEqual([
      { type: 'phase-start', phase: 'noise' },
      { type: 'phase-end', phase: 'noise', seconds: 2.5 },
    ]);
    expect(tuning.doc.phasesCut).toEqual([]);
    expect(written.map((c) => c.done)).toEqual([['noise']]);
  });

  test.each([
    ['cut and not done (interrupted)', { cut: true, done: false }, ['noise'], []],
    ['cut and done (it ran out of its time and kept what it measured)', { cut: true, done: true }, ['noise'], [['noise']]],
    ['neither (the recommendation)', { cut: false, done: false }, [], []],
  ])('a phase %s', async (_name, ending, phasesCut, checkpoints) => {
    const { tuning, written, advance } = testTuning();
    await runPhase(tuning, step(advance, 1, ending), 0);
    expect(tuning.doc.phasesCut).toEqual(phasesCut);
    expect(written.map((c) => c.done)).toEqual(checkpoints);
  });

  test('a phase that writes its own checkpoints is marked done without one from the runner', async () => {
    const { tuning, written, advance } = testTuning();
    await runPhase(tuning, step(advance, 1, { cut: false, done: true }, { checkpointsItself: true }), 0);
    expect(written).toEqual([]);
    expect(tuning.checkpoints.current().done).toEqual(['noise']);
  });

  test('a phase that does not ask for its share has no plan recorded', async () => {
    const { tuning, advance } = testTuning();
    const unplanned = step(advance, 1, { cut: false, done: false }, { start: () => ({ measure: async () => 'no deadline' }) });
    expect(await runPhase(tuning, unplanned, 0)).toBe('no deadline');
    expect(tuning.doc.budget.planned).toBeUndefined();
  });

  test.each([
    ['with the search: cut', true, ['noise']],
    ['without it: skipped by choice', false, []],
  ])('a phase that does not run, %s; not timed', async (_name, search, phasesCut) => {
    const { tuning, events, written, advance } = testTuning({ search });
    const skipped = step(advance, 1, { cut: false, done: true }, { start: (t) => notRun(t, 'none') });
    expect(await runPhase(tuning, skipped, 0)).toBe('none');
    expect(tuning.doc.phasesCut).toEqual(phasesCut);
    expect(events).toEqual([]);
    expect(written).toEqual([]);
  });

  test('a result a resumption holds is reused, untimed; only the first reused phase writes a checkpoint', async () => {
    const { tuning, events, written, advance } = testTuning({ resumption: {} });
    const reusing = (phase: 'probe' | 'noise') => step(advance, 1, { cut: false, done: true }, { phase, reuse: () => ({ value: `reused ${phase}`, cut: false, done: true }) });
    expect(await runPhase(tuning, reusing('probe'), 0)).toBe('reused probe');
    expect(await runPhase(tuning, reusing('noise'), 0)).toBe('reused noise');
    expect(events).toEqual([]);
    expect(tuning.doc.timings).toEqual({});
    expect(written.map((c) => c.done)).toEqual([['probe']]);
    expect(tuning.checkpoints.current().done).toEqual(['probe', 'noise']);
    // A phase measured after them writes one as usual.
    await runPhase(tuning, { ...step(advance, 1, { cut: false, done: true }), phase: 'lr-range' }, 0);
    expect(written.map((c) => c.done)).toEqual([['probe'], ['probe', 'noise', 'lr-range']]);
  });

  test('a checkpoint that cannot be written stops the checkpoints with a note, not the run', async () => {
    const { advance } = testTuning();
    const failing = openTuning({
      onCheckpoint: () => {
        throw new Error('disk full');
      },
    });
    failing.checkpoints.setBasis({});
    await runPhase(failing, step(advance, 1, { cut: false, done: true }), 0);
    await runPhase(failing, { ...step(advance, 1, { cut: false, done: true }), phase: 'lr-range' }, 0);
    // One note: the second phase's checkpoint was not tried.
    expect(failing.doc.notes).toEqual(['checkpoints stopped: disk full (the result is written at the end as usual)']);
  });
});
