import type { HardwareInfo } from '../../src/document';
import { chooseSearchPool } from '../../src/search/pool';
import { MiB, trial } from '../helpers/trials';

const GiB = 2 ** 30;
const hardware = (availableBytes: number) => ({ memory: { totalBytes: 2 * availableBytes, availableBytes } }) as HardwareInfo;
/** A workload of 10 MiB of data, as the pool sizing sees it. */
const workload = { data: { residentBytes: () => 10 * MiB } } as never;
const trials = [{ ...trial(8, 1000, 1), rssBytes: 300 * MiB }, { ...trial(16, 2000, 2), rssBytes: 320 * MiB }];
const options = (extra: Partial<{ parallel: number | null; isolate: boolean; maxMemoryBytes: number | null; inline: object }> = {}) => ({
  parallel: null, isolate: true, maxMemoryBytes: null, inline: {}, ...extra,
});
const quiet = { cores: 2, load: 0.5 };

describe('chooseSearchPool', () => {
  test('a quiet 2-core machine on wasm: two processes, nothing to note', () => {
    expect(chooseSearchPool(options(), hardware(8 * GiB), 'wasm', trials, 16, workload, quiet)).toMatchObject({ size: 2, inProcess: false, note: null });
  });

  test('a core busy with other work: one process, and the notes say why', () => {
    const choice = chooseSearchPool(options(), hardware(8 * GiB), 'wasm', trials, 16, workload, { cores: 2, load: 2.2 });
    expect(choice).toMatchObject({ size: 1, inProcess: false });
    expect(choice.note).toMatch(/1 of 2 cores busy with other work \(load average 2\.2\)/);
  });

  test('memory for one copy of data and model: one process, and the notes say so', () => {
    const choice = chooseSearchPool(options({ maxMemoryBytes: 400 * MiB }), hardware(8 * GiB), 'cpu', trials, 16, workload, quiet);
    expect(choice.size).toBe(1);
    expect(choice.note).toMatch(/memory holds 1 \(320 MiB each in 400 MiB\)/);
  });

  test('a model given in code: this process, and the notes say why', () => {
    const choice = chooseSearchPool(options({ inline: { model: () => null } }), hardware(8 * GiB), 'wasm', trials, 16, workload, quiet);
    expect(choice).toMatchObject({ size: 1, inProcess: true });
    expect(choice.note).toMatch(/a model or data given in code cannot cross to a search process \(2 would have trained side by side\)/);
  });

  test('trials not isolated and one process would do: this process', () => {
    expect(chooseSearchPool(options({ isolate: false }), hardware(8 * GiB), 'tensorflow', trials, 16, workload, quiet)).toMatchObject({ size: 1, inProcess: true });
    expect(chooseSearchPool(options({ isolate: false }), hardware(8 * GiB), 'wasm', trials, 16, workload, quiet)).toMatchObject({ size: 2, inProcess: false });
  });

  test('tensorflow measured barely busy on one core: two processes of one thread each, and the notes say why', () => {
    const light = trials.map((t) => ({ ...t, cpuPerWall: 0.95 }));
    const choice = chooseSearchPool(options(), hardware(8 * GiB), 'tensorflow', light, 16, workload, quiet);
    expect(choice).toMatchObject({ size: 2, threads: 1, inProcess: false });
    expect(choice.note).toMatch(/2 search processes of 1 thread each: one tensorflow process kept 0\.95 of 2 free cores busy/);
  });

  test('cores busy elsewhere, measured, decide over a load average that still counts a run just ended', () => {
    const measured = chooseSearchPool(options(), hardware(8 * GiB), 'wasm', trials, 16, workload, { cores: 2, load: 2.4, elsewhere: 0.1 });
    expect(measured).toMatchObject({ size: 2, note: null });
    const busy = chooseSearchPool(options(), hardware(8 * GiB), 'wasm', trials, 16, workload, { cores: 2, load: 0.2, elsewhere: 0.9 });
    expect(busy.size).toBe(1);
    expect(busy.note).toMatch(/1 of 2 cores busy with other work \(0\.9 cores' CPU time taken by other programs since the tuner started\)/);
  });

  test('--parallel is kept', () => {
    expect(chooseSearchPool(options({ parallel: 3 }), hardware(8 * GiB), 'tensorflow', trials, 16, workload, { cores: 2, load: 3 })).toMatchObject({ size: 3, inProcess: false, note: null });
  });
});
