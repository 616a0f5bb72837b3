import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as path from 'node:path';

/** The built command. `npm test` builds dist/ first (pretest). */
export const BIN = path.join(__dirname, '..', '..', 'bin', 'autobatch.js');

/**
 * Starts `autobatch probe ARGS` and resolves once its progress shows a trial matching
 * `trialLine` done: the moment to interrupt it. `exited` resolves with its exit code.
 */
export async function startProbeUntilTrial(
  args: string[],
  trialLine: RegExp,
): Promise<{ child: ChildProcessWithoutNullStreams; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, [BIN, 'probe', ...args]);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let stderr = '';
  await new Promise<void>((resolve) => {
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      if (trialLine.test(stderr)) resolve();
    });
  });
  return { child, exited };
}
