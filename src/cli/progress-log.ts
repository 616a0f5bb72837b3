import type { Phase, ProgressEvent } from '../progress';
import type { Trial } from '../document';
import { formatBytes, formatSeconds } from '../util/units';

/**
 * Writes progress to a stream (stderr): one line per event worth a line. On a
 * terminal, the running trial is shown on a line that its result then replaces.
 */
export function createProgressLog(stream: NodeJS.WriteStream): (event: ProgressEvent) => void {
  const tty = stream.isTTY === true;
  let pending = false;
  // Held until a backend is chosen: if the user's input fails during the choice, the
  // error is the only line printed.
  let skipped: string[] = [];
  // The search's runs in flight, by their index in the plan.
  const flight = new Map<number, string>();
  const write = (line: string) => {
    if (pending) stream.write('\r\x1b[K');
    pending = false;
    stream.write(`${line}\n`);
  };
  // On a terminal: a line that the next one replaces.
  const show = (text: string) => {
    stream.write(text);
    pending = true;
  };
  return (event) => {
    switch (event.type) {
      case 'phase-start': {
        const line = phaseStartLine(event.phase);
        if (line !== null) write(line);
        break;
      }
      case 'backend-skipped':
        skipped.push(`autobatch: backend ${event.backend} skipped: ${event.reason}`);
        break;
      case 'backend-selected':
        skipped.forEach(write);
        skipped = [];
        write(`autobatch: backend ${event.backend} (a training step on it worked)`);
        break;
      case 'trial-start':
        if (tty) show(`  batch ${event.batchSize} …  (${formatSeconds(event.secondsLeft)} left)`);
        break;
      case 'trial-end':
        write(trialEndLine(event.trial));
        break;
      case 'search-pool':
        write(searchPoolLine(event));
        break;
      case 'candidate-start':
        flight.set(event.index, `batch ${event.batchSize}, lr ${event.learningRate.toPrecision(3)}`);
        if (tty) {
          if (pending) stream.write('\r\x1b[K');
          show(candidateStartLine(event, flight));
        }
        break;
      case 'candidate-end':
        flight.delete(event.index);
        write(candidateEndLine(event));
        if (tty && flight.size > 0) show(`  ${inFlightLine(event, flight)} …`);
        break;
      case 'phase-end':
        if (event.phase === 'noise' || event.phase === 'lr-range') write(`  done in ${formatSeconds(event.seconds)}`);
        break;
      case 'advice':
        write(`autobatch: ${event.message}`);
        break;
      case 'data-read':
        // On a terminal, a line that rewrites itself while a large file is read, and
        // goes when it is done: the notes say what the data became, and a bad file's
        // error must be the only line left.
        if (!tty) break;
        if (event.bytes === event.totalBytes) {
          if (pending) stream.write('\r\x1b[K');
          pending = false;
        } else {
          show(`\r\x1b[Kautobatch: reading ${readLine(event)} …`);
        }
        break;
      case 'lr-step':
        break;
    }
  };
}

type EventOf<T extends ProgressEvent['type']> = Extract<ProgressEvent, { type: T }>;

/** The line that announces a phase; null for the phases that have none. */
function phaseStartLine(phase: Phase): string | null {
  if (phase === 'probe') return 'autobatch: probing capacity (doubling the batch size)';
  if (phase === 'noise') return 'autobatch: measuring the gradient noise scale at the initial weights';
  if (phase === 'lr-range') return 'autobatch: LR range test';
  if (phase === 'search') return 'autobatch: search (rungs of your training length, the best sizes going on; the closest raced on more data orders or folds)';
  return null;
}

/** "  batch 64: 8.0 ms/step, 8,000 samples/s, peak 2.44 MiB": a probe trial's result. */
function trialEndLine(t: Trial): string {
  const detail =
    t.status === 'ok'
      ? `${t.stepMs!.toFixed(1)} ms/step, ${Math.round(t.samplesPerSec!).toLocaleString('en-US')} samples/s, peak ${formatBytes(t.peakBytes!)}${streamDetail(t)}`
      : t.status === 'over-budget'
        ? `over budget: peak ${formatBytes(t.peakBytes!)}`
        : `${t.status}: ${t.error ?? ''}`;
  return `  batch ${t.batchSize}${t.bisect ? ' (bisect)' : ''}: ${detail}`;
}

/** How the search trains: in one process, or side by side in several. */
function searchPoolLine(e: EventOf<'search-pool'>): string {
  return e.size === 1
    ? `autobatch: the search trains in one process (pid ${e.pids.join(', ')}), one run at a time`
    : `autobatch: the search trains ${e.size} runs side by side, one process each (pid ${e.pids.join(', ')})`;
}

/** The line a started run shows until a result replaces it: the run, or all the runs in flight. */
function candidateStartLine(e: EventOf<'candidate-start'>, flight: ReadonlyMap<number, string>): string {
  return flight.size > 1 ? `  ${inFlightLine(e, flight)} …` : `  ${runLabel(e)}: batch ${e.batchSize}, lr ${e.learningRate.toPrecision(3)}, ${formatSeconds(e.seconds)} …`;
}

/** A search run's result, with the process that trained it: its validation loss, a divergence, or its process's death. */
function candidateEndLine(e: EventOf<'candidate-end'>): string {
  const c = e.candidate;
  const result = e.failure
    ? `its process died (${e.failure.status}): ${e.failure.error}; the search goes on`
    : c.diverged || c.valLoss === null
      ? 'diverged'
      : `validation loss ${c.valLoss.toPrecision(4)} after ${c.steps} steps`;
  const where = e.process === null || e.process === undefined ? '' : ` [process ${e.process + 1}]`;
  return `  ${runLabel(e)}${where}: batch ${c.batchSize}, lr ${c.learningRate.toPrecision(3)}: ${result}`;
}

/** "train.csv: 120,000 rows, 7.1 MB of 17 MB (42 %)": how far reading a file has got. */
export function readLine(e: { file: string; bytes: number; totalBytes: number; rows: number }): string {
  const share = e.totalBytes ? ` (${Math.floor((100 * e.bytes) / e.totalBytes)} %)` : '';
  return `${e.file}: ${e.rows.toLocaleString('en-US')} rows, ${formatBytes(e.bytes)} of ${formatBytes(e.totalBytes)}${share}`;
}

/** "round 1/3, 2 runs in flight (7, 8 of 22): batch 16, lr 0.01; batch 32, lr 0.02": the runs training side by side. */
function inFlightLine(e: { count: number; round: number; rounds: number }, flight: ReadonlyMap<number, string>): string {
  const runs = [...flight.keys()].sort((a, b) => a - b);
  if (runs.length === 1) return `round ${e.round + 1}/${e.rounds}, run ${runs[0] + 1}/${e.count} in flight: ${flight.get(runs[0])}`;
  return `round ${e.round + 1}/${e.rounds}, ${runs.length} runs in flight (${runs.map((i) => i + 1).join(', ')} of ${e.count}): ${runs.map((i) => flight.get(i)).join('; ')}`;
}

/** "round 2/3, run 17/22": where a search run stands. */
function runLabel(e: { index: number; count: number; round: number; rounds: number }): string {
  return `round ${e.round + 1}/${e.rounds}, run ${e.index + 1}/${e.count}`;
}

/** For streamed data: the pipeline's memory, the share of the step spent waiting for the batch, a leak. */
function streamDetail(t: Trial): string {
  const parts: string[] = [];
  if (t.pipelineBytes !== undefined) parts.push(`+ pipeline ${formatBytes(t.pipelineBytes)}`);
  if (t.inputMs !== undefined && t.stepMs) parts.push(`${Math.round((100 * t.inputMs) / t.stepMs)} % waiting for data`);
  if (t.leakedTensors) parts.push(`${t.leakedTensors} tensors leaked a step`);
  return parts.length ? ` (${parts.join(', ')})` : '';
}
