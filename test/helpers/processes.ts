import * as fs from 'node:fs';

/**
 * Every live descendant of `pid`, from /proc/<pid>/task/<tid>/children (Linux): the
 * processes a process under test started, and theirs, without looking at anything
 * else on the machine (other autobatch runs may be going on).
 */
export function descendants(pid: number): number[] {
  const found: number[] = [];
  const visit = (parent: number) => {
    let tasks: string[] = [];
    try {
      tasks = fs.readdirSync(`/proc/${parent}/task`);
    } catch {
      return;
    }
    for (const task of tasks) {
      let children = '';
      try {
        children = fs.readFileSync(`/proc/${parent}/task/${task}/children`, 'utf8');
      } catch {
        continue;
      }
      for (const child of children.split(/\s+/).filter(Boolean).map(Number)) {
        found.push(child);
        visit(child);
      }
    }
  };
  visit(pid);
  return found;
}

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
