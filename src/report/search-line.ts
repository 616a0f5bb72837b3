import type { SearchInfo } from '../document';
import { formatSeconds } from '../units';

/** "on 2 processes side by side, 6,191 training steps in 40.6s (152 steps/s)": how the search ran. */
export function searchLine(s: SearchInfo): string {
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
  return `${where}${speed}${failed}`;
}
