import type { AutobatchDocument } from '../document';
import { tuningShare } from '../recommend';
import { writeCache } from '../reuse/cache';
import { resumedNote } from '../reuse/resume';
import type { Tuning } from './context';

/** A resumed run's document says what it reused: the phases, and the search's runs. */
export function noteResumption(tuning: Tuning): void {
  const { resumption, doc, checkpoints } = tuning;
  if (!resumption) return;
  doc.resumed = { from: resumption.previous.createdAt, phases: resumption.phases, runs: checkpoints.reusedRuns };
  tuning.note(resumedNote(resumption, checkpoints.reusedRuns));
}

/**
 * The document, finished: whether it is complete (and, where not, the checkpoint
 * `--resume` needs), the total time and its share of the user's training run; a complete
 * one goes into the cache under `cacheKey`.
 */
export function finishDocument(tuning: Tuning, cacheKey: string | null): AutobatchDocument {
  const { doc, opts, clock } = tuning;
  // The probe stopping at its share of the time is a limit it measured up to, like the
  // memory budget; the run is incomplete only when a later phase could not finish.
  const unfinished = doc.phasesCut.filter((phase) => phase !== 'probe');
  if (tuning.aborted()) markIncomplete(doc, 'interrupted');
  else if (unfinished.length) markIncomplete(doc, `the time budget ran out: ${doc.phasesCut.join(', ')} cut short`);
  // An unfinished run keeps what --resume needs; a finished one has no use for it.
  if (!doc.complete) doc.checkpoint = tuning.checkpoints.current();
  doc.timings.total = (Date.now() - clock.started) / 1000;
  const share = tuningShare(doc.timings.total, doc.recommendation?.horizon.seconds ?? null);
  if (share) tuning.note(share);
  if (cacheKey) {
    doc.cache = { key: cacheKey, hit: false };
    writeCache(opts.cache!, cacheKey, doc);
  }
  return doc;
}

function markIncomplete(doc: AutobatchDocument, reason: string): void {
  doc.complete = false;
  doc.incompleteReason = reason;
}
