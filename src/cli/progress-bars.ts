import { SingleBar } from 'cli-progress';
import type { Trial } from '../document';
import type { Phase, ProgressEvent } from '../progress';
import { formatSeconds } from '../util/units';
import { readLine } from './progress-log';

const TITLES: Partial<Record<Phase, string>> = {
  probe: 'capacity probe',
  noise: 'noise scale   ',
  'lr-range': 'LR range test ',
  search: 'short search  ',
};

/**
 * Progress bars on a terminal (stderr), one per long phase: the probe and the search
 * against their share of the time, the LR sweep against its steps. Each shows what is
 * being tried and the time left in the budget. Returns the handler and a `stop` that
 * leaves the terminal clean.
 */
export function createProgressBars(stream: NodeJS.WriteStream, budgetSeconds: number): { onProgress: (e: ProgressEvent) => void; stop: () => void } {
  const started = Date.now();
  let bar: SingleBar | null = null;
  let timer: NodeJS.Timeout | null = null;
  let phaseStart = 0;
  let phaseSeconds = 0;
  let detail = '';
  // The search's runs in flight: index in the plan → batch size.
  const flight = new Map<number, number>();
  const left = () => formatSeconds(Math.max(0, budgetSeconds - (Date.now() - started) / 1000));

  const stopBar = () => {
    if (timer) clearInterval(timer);
    timer = null;
    bar?.stop();
    bar = null;
  };
  const startBar = (phase: Phase, total: number, timeBased: boolean) => {
    stopBar();
    bar = newBar(stream, phase);
    bar.start(total, 0, { detail, left: left() });
    if (timeBased) {
      phaseStart = Date.now();
      phaseSeconds = total;
      // Steps yield to the event loop, so this timer runs between them.
      timer = setInterval(() => bar?.update(Math.min(total, (Date.now() - phaseStart) / 1000), { detail, left: left() }), 250);
    }
  };

  const onProgress = (e: ProgressEvent) => {
    switch (e.type) {
      case 'backend-skipped':
        stream.write(`autobatch: backend ${e.backend} skipped: ${e.reason}\n`);
        break;
      case 'backend-selected':
        stream.write(`autobatch: backend ${e.backend}\n`);
        break;
      case 'trial-start':
        detail = `batch ${e.batchSize}`;
        if (!bar) startBar('probe', Math.max(1, e.secondsLeft), true);
        break;
      case 'trial-end':
        detail = trialDetail(e.trial);
        break;
      case 'lr-step':
        if (!bar) startBar('lr-range', e.steps, false);
        detail = lrStepDetail(e);
        bar!.update(e.step + 1, { detail, left: left() });
        break;
      case 'search-pool':
        stream.write(`autobatch: the search trains ${e.size} runs side by side\n`);
        break;
      case 'candidate-start':
        flight.set(e.index, e.batchSize);
        detail = flightDetail(e, flight);
        if (!bar) startBar('search', Math.max(1, e.searchSeconds), true);
        break;
      case 'candidate-end':
        flight.delete(e.index);
        detail = flight.size ? flightDetail(e, flight) : candidateEndDetail(e);
        break;
      case 'phase-start':
        if (e.phase === 'noise') startBar('noise', 1, false);
        break;
      case 'data-read':
        // Before any bar: a line that rewrites itself while a large file is read, cleared at the end.
        stream.write(e.bytes === e.totalBytes ? '\r\x1b[K' : `\r\x1b[Kautobatch: reading ${readLine(e)} …`);
        break;
      case 'advice':
        stopBar();
        stream.write(`autobatch: ${e.message}\n`);
        break;
      case 'phase-end':
        if (bar) bar.update(e.phase === 'noise' ? 1 : phaseSeconds || bar.getTotal(), { detail, left: left() });
        stopBar();
        phaseSeconds = 0;
        detail = '';
        break;
    }
  };
  return { onProgress, stop: stopBar };
}

type EventOf<T extends ProgressEvent['type']> = Extract<ProgressEvent, { type: T }>;

/** A phase's bar, titled, showing what is being tried and the time left. */
function newBar(stream: NodeJS.WriteStream, phase: Phase): SingleBar {
  return new SingleBar(
    {
      stream,
      format: `${TITLES[phase] ?? phase} [{bar}] {percentage}% | {detail} | {left} left`,
      barsize: 24,
      hideCursor: true,
      clearOnComplete: false,
      etaBuffer: 20,
    },
  );
}

/** "batch 64: 8000 samples/s": a probe trial's result. */
function trialDetail(trial: Trial): string {
  return `batch ${trial.batchSize}: ${trial.status === 'ok' ? `${Math.round(trial.samplesPerSec!)} samples/s` : trial.status}`;
}

/** "lr 1.0e-3, loss 0.750": a step of the LR range test. */
function lrStepDetail(e: EventOf<'lr-step'>): string {
  return `lr ${e.lr.toExponential(1)}, loss ${Number.isFinite(e.loss) ? e.loss.toPrecision(3) : e.loss}`;
}

/** "round 1/2, 2 in flight (runs 1, 2/4): batch 64, 64": the search's runs in flight (`flight`: index in the plan → batch size). */
function flightDetail(e: { round: number; rounds: number; count: number }, flight: ReadonlyMap<number, number>): string {
  const runs = [...flight.keys()].sort((a, b) => a - b);
  if (runs.length === 1) return `round ${e.round + 1}/${e.rounds}, run ${runs[0] + 1}/${e.count}: batch ${flight.get(runs[0])}`;
  return `round ${e.round + 1}/${e.rounds}, ${runs.length} in flight (runs ${runs.map((i) => i + 1).join(', ')}/${e.count}): batch ${runs.map((i) => flight.get(i)).join(', ')}`;
}

/** The last search run's result, once none is in flight: its validation loss, a divergence, or its process's death. */
function candidateEndDetail(e: EventOf<'candidate-end'>): string {
  const c = e.candidate;
  return `batch ${c.batchSize}: ${e.failure ? `process died (${e.failure.status})` : c.diverged || c.valLoss === null ? 'diverged' : `val loss ${c.valLoss.toPrecision(3)}`}`;
}
