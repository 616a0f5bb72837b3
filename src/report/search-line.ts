import type { BackendInfo, SearchInfo } from '../document';
import { formatSeconds } from '../util/units';

/**
 * "on 2 processes side by side, 6,191 training steps in 40.6s (152 steps/s)": how the
 * search ran; and, where its runs were measured on a sample of the `valSamples`
 * validation rows, on how many.
 */
export function searchLine(s: SearchInfo, valSamples?: number): string {
  const where = s.inProcess
    ? "in the tuner's process, one run at a time"
    : s.parallel === 1
      ? 'in one search process, one run at a time'
      : `on ${s.parallel} processes side by side`;
  const speed =
    s.wallSeconds === null || s.stepsPerSecond === null
      ? ''
      : `, ${s.steps.toLocaleString('en-US')} training steps in ${formatSeconds(s.wallSeconds)} (${Math.round(s.stepsPerSecond).toLocaleString('en-US')} steps/s)`;
  const failed = s.failedRuns ? `; ${s.failedRuns} run${s.failedRuns === 1 ? '' : 's'} lost to a dead process` : '';
  const rows = s.evaluatedRows ?? [];
  const sampled =
    valSamples !== undefined && rows.some((r) => r < valSamples)
      ? `; runs measured on ${range(rows)} of the ${count(valSamples)} validation rows (a seeded sample, more in longer rounds)`
      : '';
  return `${where}${speed}${failed}${sampled}${rungsPart(s)}`;
}

/** "; rungs of 2.22, 6.67, 20 epochs, the last your whole horizon": where the search compared, in the horizon's unit. */
function rungsPart(s: SearchInfo): string {
  const rungs = s.rungs ?? [];
  if (!rungs.length) return '';
  const unit = rungs[0].unit === 'epochs' ? 'epochs' : 's of training';
  const top = rungs[rungs.length - 1];
  const lengths = rungs.map((r) => Number(r.length.toPrecision(3)).toString()).join(', ');
  const where = s.measuredAtHorizon ? 'the last your whole horizon' : `the last ${Number((100 * top.fraction).toPrecision(2))} % of your horizon`;
  return `; rungs of ${lengths} ${unit}, ${where}`;
}

const count = (n: number) => n.toLocaleString('en-US');

function range(rows: readonly number[]): string {
  const [least, most] = [Math.min(...rows), Math.max(...rows)];
  return least === most ? count(least) : `${count(least)}–${count(most)}`;
}

/** "tensorflow (TensorFlow.js 4.22.0, TensorFlow 2.21.0)": the backend and the versions that trained. */
export function backendLine(backend: BackendInfo): string {
  const versions = [backend.tfjsVersion && `TensorFlow.js ${backend.tfjsVersion}`, backend.tensorflowVersion && `TensorFlow ${backend.tensorflowVersion}`].filter(Boolean);
  const parts = [versions.join(', '), backend.fallbackReason ? `fell back: ${backend.fallbackReason}` : ''].filter(Boolean);
  return parts.length ? `${backend.name} (${parts.join('; ')})` : backend.name;
}
