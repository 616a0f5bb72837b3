import { createHash } from 'node:crypto';
import type { Checkpoint } from '../document';
import { decodeOutcome, encodeOutcome, encodeSpec } from '../runner/queue/protocol';
import type { RunOutcome, RunSpec } from '../runner/run-spec';
import type { SearchPlan } from './plan';
import type { RungPlan } from './rungs';

/** What a checkpoint keeps of a search. */
export type SearchCheckpoint = NonNullable<Checkpoint['search']>;

/** A run a previous search finished: its outcome and the wall time it took then. */
export interface JournalEntry {
  outcome: RunOutcome;
  seconds: number;
}

/**
 * The search's record of itself, for a checkpoint: the plan, the factor each round was
 * shrunk by, and every run that finished. Given a previous search's record, it replays
 * it: the rounds take the factors they took then, so their runs are the same runs, and
 * a run found in the record is not trained again. The search's decisions depend only on
 * the plan, the probe, these factors and the runs' outcomes, so a resumed search makes
 * the decisions the interrupted one would have made for the runs it had finished.
 */
export class SearchJournal {
  private readonly scales: number[] = [];
  private readonly runs: SearchCheckpoint['runs'] = [];
  private readonly previous: Map<string, SearchCheckpoint['runs'][number]>;
  private readonly previousScales: readonly number[];
  private reusedRuns = 0;
  /** Each spec's key, hashed once: a run is looked up before it starts, as it starts and when it ends. */
  private readonly keys = new WeakMap<RunSpec, string>();

  constructor(
    readonly plan: SearchPlan,
    previous: SearchCheckpoint | null = null,
    private readonly onChange: () => void = () => {},
  ) {
    this.previous = new Map((previous?.runs ?? []).map((run) => [run.key, run]));
    this.previousScales = previous?.scales ?? [];
  }

  /** The factor round `round` ran at before, if it started before. */
  previousScale(round: number): number | undefined {
    return this.previousScales[round];
  }

  recordScale(round: number, scale: number): void {
    this.scales[round] = scale;
    this.onChange();
  }

  /** The run's outcome from the previous search, if it finished there. */
  reuse(spec: RunSpec): JournalEntry | undefined {
    const entry = this.previous.get(this.keyOf(spec));
    if (!entry) return undefined;
    this.reusedRuns++;
    // The outcome is the run's; where it trained then is not where it is now.
    return { outcome: { ...decodeOutcome(entry.outcome), process: null, pid: null } as RunOutcome, seconds: entry.seconds };
  }

  /** Whether `reuse` would find the run (without counting it). */
  has(spec: RunSpec): boolean {
    return this.previous.has(this.keyOf(spec));
  }

  record(spec: RunSpec, outcome: RunOutcome, seconds: number): void {
    const { process: _process, pid: _pid, ...kept } = outcome;
    this.runs.push({ key: this.keyOf(spec), seconds, outcome: encodeOutcome(kept) });
    this.onChange();
  }

  /** Runs reused from the previous search so far. */
  get reused(): number {
    return this.reusedRuns;
  }

  private keyOf(spec: RunSpec): string {
    let key = this.keys.get(spec);
    if (key === undefined) this.keys.set(spec, (key = runKey(spec)));
    return key;
  }

  toCheckpoint(): SearchCheckpoint {
    return { plan: this.plan, scales: [...this.scales], runs: [...this.runs] };
  }
}

/**
 * A run's identity: its spec, less the wall-time cap of a run with a step count (a
 * guard that depends on how many processes train side by side, not what the run is).
 */
export function runKey(spec: RunSpec): string {
  const { seconds, ...rest } = spec;
  const identity = encodeSpec(spec.steps === undefined ? spec : ({ ...rest, seconds: Number.POSITIVE_INFINITY } as RunSpec));
  return createHash('sha256').update(JSON.stringify(identity)).digest('hex').slice(0, 24);
}

/**
 * The plan a checkpoint holds, checked for the shape the search reads.
 * @throws Error when it is not a plan.
 */
export function checkpointPlan(search: SearchCheckpoint): RungPlan {
  const plan = search.plan as Partial<RungPlan> | null;
  if (!plan || typeof plan !== 'object' || !Array.isArray(plan.rounds) || typeof plan.count !== 'number' || typeof plan.shape !== 'string') {
    throw new Error('its search plan is not one autobatch wrote');
  }
  return plan as RungPlan;
}
