import { PROCESS_BASE_BYTES, choosePoolSize, cpuPerProcess, freeCores, perProcessBytes } from '../../src/runner/pool-size';
import { MiB, trial } from '../helpers/trials';

const GiB = 2 ** 30;

describe('choosePoolSize', () => {
  test.each([
    ['wasm: one process per free core', null, 'wasm', 2, 4 * GiB, 300 * MiB, 2, false],
    ['cpu: the same', null, 'cpu', 8, 16 * GiB, 300 * MiB, 8, false],
    ['tfjs-node, not measured: taken to use every core, one', null, 'tensorflow', 8, 16 * GiB, 300 * MiB, 1, false],
    ['memory holds three copies of data and model: three, not eight', null, 'wasm', 8, 1 * GiB, 300 * MiB, 3, true],
    ['memory holds less than one: one all the same', null, 'cpu', 4, 100 * MiB, 300 * MiB, 1, true],
    ['a size given is kept', 3, 'tensorflow', 2, 4 * GiB, 300 * MiB, 3, false],
    ['even past what memory holds (the reason says so)', 4, 'wasm', 2, 600 * MiB, 300 * MiB, 4, false],
  ] as const)('%s', (_name, requested, backend, cores, memoryBytes, each, size, limited) => {
    const chosen = choosePoolSize({ requested, backend, cores, memoryBytes, perProcessBytes: each });
    expect(chosen.size).toBe(size);
    expect(chosen.limitedByMemory).toBe(limited);
    if (limited) expect(chosen.reason).toMatch(/memory holds/);
    expect(chosen.overMemory).toBe(requested !== null && requested * each > memoryBytes);
    if (chosen.overMemory) expect(chosen.reason).toMatch(/memory would allow 2/);
  });

  // Cores one process kept busy in the probe decide, where measured.
  test.each([
    ['tensorflow barely busy on one of two cores: two processes of one thread', 'tensorflow', 2, 0.95, 2, 1],
    ['tensorflow busy on nearly both: one process, its own threads', 'tensorflow', 2, 1.9, 1, null],
    ['tensorflow on 1.3 of 2: two processes do more together than one', 'tensorflow', 2, 1.3, 2, 1],
    ['tensorflow on 3 of 8: three processes of two threads', 'tensorflow', 8, 3, 3, 2],
    ['tensorflow on 1.43 of 2 (mnist-cnn, measured): two, one core would idle 29 %', 'tensorflow', 2, 1.43, 2, 1],
    ['tensorflow on 1.8 of 2: one, 90 % of the cores busy already', 'tensorflow', 2, 1.8, 1, null],
    ['wasm on 1.1 of 8: seven keep 96 % busy', 'wasm', 8, 1.1, 7, null],
    ['wasm on 1.1 (the collector\'s threads): still one a core', 'wasm', 2, 1.1, 2, null],
    ['wasm on 2.1 of 4 (a busy collector): two', 'wasm', 4, 2.1, 2, null],
  ] as const)('%s', (_name, backend, cores, busy, size, threads) => {
    const chosen = choosePoolSize({ requested: null, backend, cores, memoryBytes: 64 * GiB, perProcessBytes: 300 * MiB, cpuPerProcess: busy });
    expect([chosen.size, chosen.threads]).toEqual([size, threads]);
    expect(chosen.reason).toContain(`kept ${busy.toFixed(2)} of ${cores} free cores busy in the probe`);
  });

  test('a size given on tensorflow splits the threads between its processes', () => {
    expect(choosePoolSize({ requested: 2, backend: 'tensorflow', cores: 8, memoryBytes: 64 * GiB, perProcessBytes: 300 * MiB, cpuPerProcess: 6 }).threads).toBe(4);
  });
});

describe('cpuPerProcess', () => {
  const at = (b: number, cpuPerWall: number | undefined, status = 'ok') => ({ batchSize: b, status, ...(cpuPerWall !== undefined ? { cpuPerWall } : {}) });
  test('the median over the sizes the search may use, failed trials left out', () => {
    expect(cpuPerProcess([at(8, 0.9), at(16, 1.0), at(32, 1.2), at(64, 1.9), at(128, 4, 'oom')], 32)).toBe(1.0);
  });
  test('null where no trial measured it (older documents)', () => {
    expect(cpuPerProcess([at(8, undefined), at(16, undefined)], 32)).toBeNull();
  });
});

test.each([
  ['a quiet machine (the tuner busy on one core)', 2, 1.0, 2],
  ['another process busy on a core', 2, 2.1, 1],
  ['more busy than there are cores: one', 2, 4.5, 1],
  ['load below the tuner\'s own', 4, 0.3, 4],
])('freeCores: %s', (_name, cores, load, expected) => {
  expect(freeCores(cores, load)).toBe(expected);
});

describe('perProcessBytes', () => {
  const withRss = (b: number, peakMiB: number, rssMiB: number) => ({ ...trial(b, 1000, peakMiB), rssBytes: rssMiB * MiB });
  test('the largest resident set of a trial the search may use', () => {
    expect(perProcessBytes([withRss(8, 1, 200), withRss(16, 2, 260), withRss(32, 4, 900)], 16, 10 * MiB)).toBe(260 * MiB);
  });
  test('or, without one, the peak plus the data plus the runtime', () => {
    expect(perProcessBytes([trial(8, 1000, 1), trial(16, 1000, 2)], 16, 10 * MiB)).toBe(2 * MiB + 10 * MiB + PROCESS_BASE_BYTES);
  });
  test('failed trials do not count', () => {
    expect(perProcessBytes([withRss(8, 1, 200), { ...trial(16, null, 2, 'oom'), rssBytes: 5000 * MiB }], 16, 0)).toBe(200 * MiB);
  });
});
