import * as fs from 'node:fs';

export { descendants } from '../../src/platform/cpu-load';

/** Those of `pids` still running `script` (a pid reused by another program does not count; a zombie has no command line). */
export function stillRunning(pids: readonly number[], script: string): number[] {
  return pids.filter((pid) => {
    try {
      return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(script);
    } catch {
      return false;
    }
  });
}
