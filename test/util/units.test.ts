import { formatBytes, parseBytes, parseDuration } from '../../src/util/units';

describe('parseBytes', () => {
  test.each([
    ['1048576', 1048576],
    ['512MiB', 512 * 2 ** 20],
    ['512 mib', 512 * 2 ** 20],
    ['2GB', 2e9],
    ['1.5GiB', 1.5 * 2 ** 30],
    ['512M', 512 * 2 ** 20],
    ['2g', 2 * 2 ** 30],
    ['100KB', 100_000],
    [4096, 4096],
  ])('%p is %p bytes', (text, bytes) => {
    expect(parseBytes(text)).toBe(bytes);
  });

  test.each(['', 'lots', '-5MiB', '0', '12XB', '1.2.3GB', 'MiB'])('%p is refused with a usage error', (text) => {
    expect(() => parseBytes(text, 'maxMemory')).toThrow(expect.objectContaining({ code: 'E_USAGE', option: 'maxMemory' }));
  });
});

describe('parseDuration', () => {
  test.each([
    ['90', 90],
    ['90s', 90],
    ['2m', 120],
    ['1m30s', 90],
    ['1h', 3600],
    ['500ms', 0.5],
    ['2.5s', 2.5],
    [30, 30],
  ])('%p is %p seconds', (text, seconds) => {
    expect(parseDuration(text)).toBeCloseTo(seconds);
  });

  test.each(['', 'soon', '-1', '0s', '2 minutes', '5x', 's'])('%p is refused with a usage error', (text) => {
    expect(() => parseDuration(text)).toThrow(expect.objectContaining({ code: 'E_USAGE' }));
  });
});

test('formatBytes uses binary units', () => {
  expect(formatBytes(512)).toBe('512 B');
  expect(formatBytes(1536)).toBe('1.50 KiB');
  expect(formatBytes(3 * 2 ** 30)).toBe('3.00 GiB');
});
