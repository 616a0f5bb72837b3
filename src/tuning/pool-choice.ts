import * as os from 'node:os';
import type { HardwareInfo } from '../document';
import { coresBusyElsewhereSince } from '../platform/cpu-load';
import { chooseSearchPool, type SearchPoolChoice } from '../search/pool';
import type { Trainer, Tuning } from './context';
import type { Capacity } from './probe-phase';

export interface PoolInput {
  trainer: Trainer;
  hardware: HardwareInfo;
  capacity: Capacity;
}

/**
 * Where the search's runs will train (see `chooseSearchPool`): its size also sizes the
 * range test's share. The cores other programs keep busy are measured over the tuner's
 * run so far.
 */
export async function choosePool(tuning: Tuning, { trainer, hardware, capacity }: PoolInput): Promise<SearchPoolChoice> {
  const machine = { cores: os.availableParallelism(), load: os.loadavg()[0], elsewhere: await coresBusyElsewhereSince(tuning.cpuAtStart) };
  return chooseSearchPool(tuning.opts, hardware, trainer.backend, capacity.probe.trials, capacity.safe, trainer.workload, machine);
}
