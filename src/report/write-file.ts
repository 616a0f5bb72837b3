import * as fs from 'node:fs';
import * as path from 'node:path';
import { InputError } from '../util/errors';

/**
 * Writes `text` to `file` so that readers see the old file or the whole new one, never
 * a torn write: a temporary file in the same folder, flushed, then renamed over.
 */
export function writeFileAtomic(file: string, text: string): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeSync(fd, text);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  try {
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

/**
 * Checks before a long run that `file` can be written, so a bad `--out` fails in a
 * second, not after minutes of measuring.
 * @throws InputError naming the file and what is wrong.
 */
export function assertWritable(file: string, flag: string): void {
  const dir = path.dirname(path.resolve(file));
  if (!fs.existsSync(dir)) throw new InputError(`${flag} ${file}: folder ${dir} does not exist`);
  if (fs.existsSync(file) && fs.statSync(file).isDirectory()) throw new InputError(`${flag} ${file}: is a folder`);
  try {
    fs.accessSync(dir, fs.constants.W_OK);
  } catch {
    throw new InputError(`${flag} ${file}: folder ${dir} is not writable`);
  }
}
