import { createHash } from 'node:crypto';
import * as fs from 'node:fs';

/** Bytes read at a time: the file is never held whole. */
const CHUNK = 1 << 20;

/** The sha256 of a file's bytes, hex. */
export function sha256OfFile(file: string): string {
  const hash = createHash('sha256');
  const fd = fs.openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(CHUNK);
    for (let n = fs.readSync(fd, buffer, 0, CHUNK, null); n > 0; n = fs.readSync(fd, buffer, 0, CHUNK, null)) hash.update(buffer.subarray(0, n));
  } finally {
    fs.closeSync(fd);
  }
  return hash.digest('hex');
}
