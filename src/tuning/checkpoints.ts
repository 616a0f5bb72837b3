import type { AutobatchDocument, Checkpoint, Phase } from '../document';
import type { SearchJournal } from '../search/journal';
import { describeError } from '../util/errors';

/** What a checkpoint says of its run: it may yet go on. */
export const IN_PROGRESS = 'in progress: the tuner stopped before it finished (autobatch probe --resume FILE carries on from here)';

/** The tuning's budget across its resumptions (see `tuningBudget`). */
export interface BudgetSpent {
  /** Seconds the whole tuning was given. */
  total: number;
  /** Seconds its interrupted runs had spent by their last checkpoint. */
  spent: number;
}

/**
 * What a killed tuner leaves for --resume: the document so far, with the phases done and
 * the search's record, handed to `onCheckpoint` after each phase and each search run. A
 * checkpoint is insurance: one that cannot be written (a full disk) stops the checkpoints,
 * with a note, and not the run.
 */
export class Checkpoints {
  private readonly done: Phase[] = [];
  private basis: Checkpoint['basis'] | null = null;
  private journal: SearchJournal | null = null;
  private writing: boolean;
  private attempts = 0;
  /** The search's job queue, once it has one (a resumed search goes on with its previous one's). */
  queue: string | undefined;

  constructor(
    private readonly doc: AutobatchDocument,
    private readonly onCheckpoint: ((doc: AutobatchDocument) => void) | null,
    private readonly budget: BudgetSpent,
    private readonly started: number,
    queue: string | undefined,
  ) {
    this.writing = onCheckpoint !== null;
    this.queue = queue;
  }

  /** What a resume must match (see `resumeBasis`); no checkpoint is written before it is known. */
  setBasis(basis: Checkpoint['basis']): void {
    this.basis = basis;
  }

  /** The search's record goes into every checkpoint from now on; the journal writes one after each run. */
  followSearch(journal: SearchJournal): void {
    this.journal = journal;
  }

  /** Runs of the search that a resumption reused (0 before the search starts). */
  get reusedRuns(): number {
    return this.journal?.reused ?? 0;
  }

  /** Whether this run has tried to write a checkpoint yet. */
  get begun(): boolean {
    return this.attempts > 0;
  }

  /** Records `phase` as finished: a resume reuses its result. */
  markDone(phase: Phase): void {
    this.done.push(phase);
  }

  /** The checkpoint as of now. */
  current(): Checkpoint {
    return {
      format: 1,
      basis: this.basis!,
      done: [...this.done],
      budgetSeconds: this.budget.total,
      spentSeconds: this.budget.spent + (Date.now() - this.started) / 1000,
      ...(this.queue ? { queue: this.queue } : {}),
      ...(this.journal ? { search: this.journal.toCheckpoint() } : {}),
    };
  }

  /** Hands the document so far, marked in progress, to `onCheckpoint`. */
  write(): void {
    if (!this.writing || !this.basis) return;
    this.attempts++;
    try {
      this.onCheckpoint!({ ...this.doc, complete: false, incompleteReason: IN_PROGRESS, checkpoint: this.current() });
    } catch (err) {
      this.writing = false;
      this.doc.notes.push(`checkpoints stopped: ${describeError(err)} (the result is written at the end as usual)`);
    }
  }
}
