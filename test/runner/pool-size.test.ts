import { PROCESS_BASE_BYTES, choosePoolSize, freeCores, perProcessBytes } from '../../src/runner/pool-size';
import { MiB, trial } from '../helpers/trials';

const GiB = 2 ** 30;

describe('choosePoolSize', () => {
  test.each([
    ['wasm: one process per free core', null, 'wasm', 2, 4 * GiB, 300 * MiB, 2, false],
    ['cpu: the same', null, 'cpu', 8, 16 * GiB, 300 * MiB, 8, false],
    ['tfjs-node is multithreaded already: one', null, 'tensorflow', 8, 16 * GiB, 300 * MiB, 1, false],
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
