import * as fs from 'node:fs';

/** Linux's USER_HZ: the unit of /proc's CPU times, 100 on every platform Node supports. */
const TICKS_PER_SECOND = 100;

/** The machine's and this process tree's CPU time at one moment (Linux), to difference later. */
export interface CpuSample {
  at: number;
  /** CPU seconds every core spent busy since boot; null where /proc/stat cannot be read. */
  machineSeconds: number | null;
  /** CPU seconds of this process and every process under it (ended ones it waited for included). */
  ownSeconds: number | null;
}

export function sampleCpu(now: number = Date.now()): CpuSample {
  return { at: now, machineSeconds: machineBusySeconds(), ownSeconds: treeCpuSeconds(process.pid) };
}

/**
 * Cores other programs kept busy between two samples: the machine's busy CPU time less
 * this process tree's, per wall second. Measured where the one-minute load average only
 * lags: a run that just ended (even this tuner's own probe) still weighs on it for a
 * minute. Null where not measurable (not Linux, or under a second apart).
 */
/** The shortest window `coresBusyElsewhere` measures over. */
export const LEAST_WINDOW_MS = 1000;

export function coresBusyElsewhere(from: CpuSample, to: CpuSample): number | null {
  const wall = (to.at - from.at) / 1000;
  if (wall * 1000 < LEAST_WINDOW_MS || from.machineSeconds === null || to.machineSeconds === null || from.ownSeconds === null || to.ownSeconds === null) return null;
  const others = to.machineSeconds - from.machineSeconds - (to.ownSeconds - from.ownSeconds);
  return Math.max(0, others / wall);
}

/**
 * `coresBusyElsewhere` from `from` to now, waiting first for the rest of its least window
 * where less has passed (a resumed run reaches its pool's choice in a fraction of a second,
 * and the load average it would fall back to still holds the run before it).
 */
export async function coresBusyElsewhereSince(from: CpuSample): Promise<number | null> {
  const wait = from.at + LEAST_WINDOW_MS - Date.now();
  if (wait > 0 && from.machineSeconds !== null) await new Promise((resolve) => setTimeout(resolve, wait + 10));
  return coresBusyElsewhere(from, sampleCpu());
}

function machineBusySeconds(): number | null {
  try {
    const line = fs.readFileSync('/proc/stat', 'utf8').split('\n', 1)[0];
    // cpu  user nice system idle iowait irq softirq steal guest guest_nice (guest is inside user).
    const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
    return (user + nice + system + irq + softirq + (steal || 0)) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/**
 * CPU seconds of process `pid` and every live process under it (Linux /proc): utime,
 * stime and the cutime/cstime of the children it waited for, so a child that ended
 * still counts, in its parent. Null where /proc cannot be read.
 */
export function treeCpuSeconds(pid: number): number | null {
  let total = 0;
  let seen = false;
  for (const p of [pid, ...descendants(pid)]) {
    try {
      const stat = fs.readFileSync(`/proc/${p}/stat`, 'utf8');
      // utime, stime, cutime, cstime: fields 14–17, the 12th to 15th after the command's ")".
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      total += (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) / TICKS_PER_SECOND;
      seen = true;
    } catch {
      // Ended meanwhile: its time is in its parent's.
    }
  }
  return seen ? total : null;
}

/**
 * Every live descendant of `pid`, from /proc/<pid>/task/<tid>/children (Linux): the
 * processes it started, and theirs, without looking at anything else on the machine.
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
