import type { Phase } from '../document';
import type { Tuning } from './context';

/** A phase's share of the budget: when it must end (epoch ms), and a note when the share is not the usual one. */
export interface Share {
  deadline: number;
  note?: string | null;
}

/** How a phase ended: what it gives, and what the runner records of it. */
export interface Ended<Out> {
  value: Out;
  /** It ran out of its time, or was stopped: listed in `phasesCut`. */
  cut: boolean;
  /** Its result is complete: a resumed run reuses it (`checkpoint.done`). */
  done: boolean;
}

/** A phase that does not run gives `value`: skipped by choice (no search), or cut (too little time: its note says why). */
export type Start<Out, Measured> = { skip: 'by-choice' | 'cut'; value: Out } | { measure: () => Promise<Measured> };

/**
 * One phase of a tuning: it takes `In`, gives `Out`, and measures `Measured` on the way.
 * The phase decides and measures; `runPhase` does what every phase needs around that.
 */
export interface PhaseStep<In, Out, Measured = Out> {
  readonly phase: Phase;
  /** Its share of the time, from what is left when it asks for it. Without one it has no deadline. */
  share?(tuning: Tuning, input: In): Share;
  /** The result a resumed tuning holds, recorded in the document; undefined: measure it. */
  reuse?(tuning: Tuning): Ended<Out> | undefined;
  /** Whether it runs, given its share on request (`allot`), and what it measures when it does. */
  start(tuning: Tuning, input: In, allot: () => Share): Start<Out, Measured>;
  /** What it measured, recorded in the document; called once its time is recorded. */
  end(tuning: Tuning, measured: Measured, input: In): Ended<Out>;
  /** It writes its own checkpoints (the search, after each run): the runner writes none for it. */
  readonly checkpointsItself?: boolean;
}

/**
 * Runs one phase: reuses what a resumption holds for it; else starts it, times what it
 * measures (`timings`, the phase-start and phase-end events), records the share it was
 * given (`budget.planned`), lists it in `phasesCut` when it is cut, and marks it done and
 * writes a checkpoint when it is done.
 */
export async function runPhase<In, Out, Measured>(tuning: Tuning, step: PhaseStep<In, Out, Measured>, input: In): Promise<Out> {
  const reused = tuning.resumption ? step.reuse?.(tuning) : undefined;
  if (reused) return settle(tuning, step, reused, true);
  const start = step.start(tuning, input, allotter(tuning, step, input));
  if ('skip' in start) {
    if (start.skip === 'cut') cut(tuning, step.phase);
    return start.value;
  }
  const measured = await timed(tuning, step.phase, start.measure);
  return settle(tuning, step, step.end(tuning, measured, input), false);
}

/** The phase's share, computed when it first asks, and recorded beside what it used: the plan in the document. */
function allotter<In>(tuning: Tuning, step: Pick<PhaseStep<In, unknown>, 'phase' | 'share'>, input: In): () => Share {
  let share: Share | null = null;
  return () => {
    if (share) return share;
    if (!step.share) throw new Error(`the ${step.phase} phase has no share of the time`);
    share = step.share(tuning, input);
    tuning.doc.budget.planned = { ...tuning.doc.budget.planned, [step.phase]: Math.max(0, (share.deadline - Date.now()) / 1000) };
    return share;
  };
}

async function timed<T>(tuning: Tuning, phase: Phase, work: () => Promise<T>): Promise<T> {
  const { doc, opts } = tuning;
  opts.onProgress({ type: 'phase-start', phase });
  const t0 = Date.now();
  try {
    return await work();
  } finally {
    doc.timings[phase] = (Date.now() - t0) / 1000;
    opts.onProgress({ type: 'phase-end', phase, seconds: doc.timings[phase] });
  }
}

function settle<Out>(tuning: Tuning, step: Pick<PhaseStep<unknown, Out>, 'phase' | 'checkpointsItself'>, ended: Ended<Out>, reused: boolean): Out {
  if (ended.cut) cut(tuning, step.phase);
  if (ended.done) {
    tuning.checkpoints.markDone(step.phase);
    // A reused result goes with the next checkpoint; the first phase of a resumed run
    // writes one at once, so that a run stopped again still leaves a document to resume from.
    if (!step.checkpointsItself && (!reused || !tuning.checkpoints.begun)) tuning.checkpoints.write();
  }
  return ended.value;
}

function cut(tuning: Tuning, phase: Phase): void {
  if (!tuning.doc.phasesCut.includes(phase)) tuning.doc.phasesCut.push(phase);
}

/** A later phase that does not run: without the search it is skipped by choice; with it, cut. */
export function notRun<Out>(tuning: Tuning, value: Out): Start<Out, never> {
  return { skip: tuning.opts.search ? 'cut' : 'by-choice', value };
}
