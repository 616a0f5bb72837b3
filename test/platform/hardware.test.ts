import type { HardwareInfo } from '../../src/document';
import { defaultMemoryBudget } from '../../src/platform/hardware';

const GiB = 2 ** 30;
const machine = (availableGiB: number): HardwareInfo => ({
  cpu: { model: 'test', cores: 2, physicalCores: 2 },
  memory: { totalBytes: 32 * GiB, availableBytes: availableGiB * GiB },
  gpus: [],
  os: { platform: 'linux', distro: '', release: '', arch: 'x64' },
  node: 'v20',
});

describe('defaultMemoryBudget', () => {
  test.each([
    ['cpu gets half the free RAM', 'cpu', 20, 10 * GiB],
    ['tensorflow gets half the free RAM', 'tensorflow', 8, 4 * GiB],
    ['wasm is capped at half its 4 GiB heap', 'wasm', 20, 2 * GiB],
    ['wasm on a small machine gets half the free RAM', 'wasm', 2, 1 * GiB],
  ] as const)('%s', (_name, backend, free, expected) => {
    expect(defaultMemoryBudget(machine(free), backend)).toBe(expected);
  });
});
