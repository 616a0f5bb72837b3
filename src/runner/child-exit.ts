import type { TrialStatus } from '../document';
import { isOutOfMemoryError } from './oom';

/**
 * What the death of a trial process means. SIGKILL is what the kernel's OOM killer
 * sends, and an abort or exit after an out-of-memory message (V8's "heap out of
 * memory", a wasm heap that cannot grow) is the same limit: `oom`. Any other death is
 * `crashed`. Both are measured limits for the probe, never the end of the run.
 */
export function classifyChildExit(signal: NodeJS.Signals | null, code: number | null, stderrTail: string): { status: TrialStatus; error: string } {
  const lastLines = stderrTail.trim().split('\n').filter(Boolean).slice(-3).join(' | ');
  if (isOutOfMemoryError(stderrTail)) {
    const line = stderrTail.split('\n').find((l) => isOutOfMemoryError(l)) ?? lastLines;
    return { status: 'oom', error: `trial process ran out of memory: ${line.trim()}` };
  }
  if (signal === 'SIGKILL') return { status: 'oom', error: 'trial process killed by SIGKILL (the out-of-memory killer sends it)' };
  const how = signal ? `killed by ${signal}` : `exited with code ${code}`;
  return { status: 'crashed', error: `trial process ${how}${lastLines ? `: ${lastLines}` : ''}` };
}
