import type { ProgressEvent } from '../progress';
import { formatBytes, formatSeconds } from '../units';

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
  const write = (line: string) => {
    if (pending) stream.write('\r\x1b[K');
    pending = false;
    stream.write(`${line}\n`);
  };
  return (event) => {
    switch (event.type) {
      case 'phase-start':
        if (event.phase === 'probe') write('autobatch: probing capacity (doubling the batch size)');
        if (event.phase === 'noise') write('autobatch: measuring the gradient noise scale at the initial weights');
        if (event.phase === 'lr-range') write('autobatch: LR range test');
        if (event.phase === 'search') write('autobatch: short search (rounds of equal-time training, the best going on)');
        break;
      case 'backend-skipped':
        skipped.push(`autobatch: backend ${event.backend} skipped: ${event.reason}`);
        break;
      case 'backend-selected':
        skipped.forEach(write);
        skipped = [];
        write(`autobatch: backend ${event.backend} (a training step on it worked)`);
        break;
      case 'trial-start':
        if (tty) {
          stream.write(`  batch ${event.batchSize} …  (${formatSeconds(event.secondsLeft)} left)`);
          pending = true;
        }
        break;
      case 'trial-end': {
        const t = event.trial;
        const detail =
          t.status === 'ok'
            ? `${t.stepMs!.toFixed(1)} ms/step, ${Math.round(t.samplesPerSec!).toLocaleString('en-US')} samples/s, peak ${formatBytes(t.peakBytes!)}`
            : t.status === 'over-budget'
              ? `over budget: peak ${formatBytes(t.peakBytes!)}`
              : `${t.status}: ${t.error ?? ''}`;
        write(`  batch ${t.batchSize}${t.bisect ? ' (bisect)' : ''}: ${detail}`);
        break;
      }
      case 'candidate-start':
        if (tty) {
          stream.write(`  ${runLabel(event)}: batch ${event.batchSize}, lr ${event.learningRate.toPrecision(3)}, ${formatSeconds(event.seconds)} …`);
          pending = true;
        }
        break;
      case 'candidate-end': {
        const c = event.candidate;
        write(
          `  ${runLabel(event)}: batch ${c.batchSize}, lr ${c.learningRate.toPrecision(3)}: ` +
            (c.diverged ? 'diverged' : `validation loss ${c.valLoss!.toPrecision(4)} after ${c.steps} steps`),
        );
        break;
      }
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
          stream.write(`\r\x1b[Kautobatch: reading ${readLine(event)} …`);
          pending = true;
        }
        break;
      case 'lr-step':
        break;
    }
  };
}

/** "train.csv: 120,000 rows, 7.1 MB of 17 MB (42 %)": how far reading a file has got. */
export function readLine(e: { file: string; bytes: number; totalBytes: number; rows: number }): string {
  const share = e.totalBytes ? ` (${Math.floor((100 * e.bytes) / e.totalBytes)} %)` : '';
  return `${e.file}: ${e.rows.toLocaleString('en-US')} rows, ${formatBytes(e.bytes)} of ${formatBytes(e.totalBytes)}${share}`;
}

/** "round 2/3, run 17/22": where a search run stands. */
function runLabel(e: { index: number; count: number; round: number; rounds: number }): string {
  return `round ${e.round + 1}/${e.rounds}, run ${e.index + 1}/${e.count}`;
}
