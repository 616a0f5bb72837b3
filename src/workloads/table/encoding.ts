import { isUtf8 } from 'node:buffer';
import * as fs from 'node:fs';
import type { TextEncoding } from './store';

/** Bytes read at a time while checking that a file is UTF-8. */
const ENCODING_CHUNK = 1 << 20;
/** The most bytes one UTF-8 character takes. */
const MAX_CHARACTER_BYTES = 4;

/**
 * The file's text encoding: UTF-8 when every byte sequence in it is valid UTF-8 (ASCII
 * is), else Windows-1252, the encoding of spreadsheets saved on Windows in Western
 * Europe and the Americas (Latin-1's superset: `é` is the single byte 0xE9). Read as UTF-8,
 * such a file turns `café` and `cafè` into the same `caf�`.
 */
export function detectEncoding(file: string): TextEncoding {
  const fd = fs.openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(MAX_CHARACTER_BYTES + ENCODING_CHUNK);
    // Bytes of the chunk before's last character, moved to the buffer's start: checked with the rest of it.
    let carried = 0;
    for (;;) {
      const end = carried + fs.readSync(fd, buffer, carried, ENCODING_CHUNK, null);
      if (end === carried) return isUtf8(buffer.subarray(0, carried)) ? 'utf-8' : 'windows-1252';
      const cut = lastCharacterStart(buffer, end);
      if (!isUtf8(buffer.subarray(0, cut))) return 'windows-1252';
      carried = buffer.copy(buffer, 0, cut, end);
    }
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Where the last character of `bytes[0, end)` may start: the last byte in its final four
 * that is not a continuation byte (10xxxxxx). Cut there, valid UTF-8 stays valid on both
 * sides and invalid UTF-8 stays invalid on one. Four continuation bytes in a row are
 * invalid anyway: then `end`, everything checked at once.
 */
function lastCharacterStart(bytes: Uint8Array, end: number): number {
  for (let i = end - 1; i >= Math.max(0, end - MAX_CHARACTER_BYTES); i--) if ((bytes[i] & 0xc0) !== 0x80) return i;
  return end;
}
