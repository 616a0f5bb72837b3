import { detectEncoding } from '../../../src/workloads/table/encoding';
import { tempDir } from '../../helpers/files';

const files = tempDir('encoding');

/** The file is checked a MiB at a time: these put a character across that boundary. */
const MIB = 1 << 20;

/** `bytes` ending exactly at `end` after ASCII filler (`a`). */
const endingAt = (end: number, bytes: number[]) => Buffer.concat([Buffer.alloc(end - bytes.length, 'a'), Buffer.from(bytes)]);

describe('detectEncoding', () => {
  test.each([
    ['ASCII', Buffer.from('a,b\n1,2\n'), 'utf-8'],
    ['an empty file', Buffer.alloc(0), 'utf-8'],
    ['UTF-8 with a BOM', Buffer.from('\uFEFFé,€\n'), 'utf-8'],
    ['Windows-1252 é', Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]), 'windows-1252'],
    ['a lone continuation byte', Buffer.from([0x61, 0x80]), 'windows-1252'],
    ['a sequence cut at the end of the file', Buffer.from([0x61, 0xe2, 0x82]), 'windows-1252'],
    ['an overlong slash', Buffer.from([0xc0, 0xaf]), 'windows-1252'],
    ['a surrogate', Buffer.from([0xed, 0xa0, 0x80]), 'windows-1252'],
  ])('%s: %s', (_name, bytes, encoding) => {
    expect(detectEncoding(files.write('e.csv', bytes))).toBe(encoding);
  });

  test.each([1, 2, 3])('a 4-byte character whose first %p bytes end the first MiB is valid UTF-8', (before) => {
    const emoji = [...Buffer.from('😀')];
    const bytes = Buffer.concat([endingAt(MIB, emoji.slice(0, before)), Buffer.from(emoji.slice(before)), Buffer.from('\n')]);
    expect(detectEncoding(files.write('straddle.csv', bytes))).toBe('utf-8');
  });

  test('a character cut by an invalid byte across the first MiB is not', () => {
    const bytes = Buffer.concat([endingAt(MIB, [0xe2, 0x82]), Buffer.from([0x41])]);
    expect(detectEncoding(files.write('cut.csv', bytes))).toBe('windows-1252');
  });

  test('an invalid byte after the first MiB is found', () => {
    const bytes = Buffer.concat([Buffer.alloc(MIB + 10, 'a'), Buffer.from([0xe9, 0x0a])]);
    expect(detectEncoding(files.write('late.csv', bytes))).toBe('windows-1252');
  });

  test('four continuation bytes ending the first MiB are invalid', () => {
    const bytes = Buffer.concat([endingAt(MIB, [0x80, 0x80, 0x80, 0x80]), Buffer.from('a')]);
    expect(detectEncoding(files.write('run.csv', bytes))).toBe('windows-1252');
  });
});
