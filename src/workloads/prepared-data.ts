/**
 * The workload's data as numbers, written once by the tuner and read by each trial
 * process, so no process reads a CSV again or refits a preparation. One binary file:
 *
 *   "ABDATA01"  u32 (little-endian) header length  header JSON  padding to 4 bytes
 *   then each tensor's values, little-endian, in the header's order
 *
 * Its sha256 travels with its path (`PreparedDataRef`): a file changed after it was
 * written is refused, never trained on.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import { createHash, type Hash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InputError } from '../util/errors';
import type { TF } from '../platform/tf';
import type { Preparation } from './table/preparation';
import type { DataSplit, Dataset } from './workload';

/** Where a prepared data file is, and the sha256 of its bytes. */
export interface PreparedDataRef {
  file: string;
  sha256: string;
}

/** What a process needs beside the tensors to rebuild the workload without its source. */
export interface PreparedMeta {
  /** A data file's preparation: the default model is sized by it, and the document records it. */
  preparation?: Preparation;
  trainSamples?: number;
}

/** A prepared data file read and checked: tensors are made on demand, on the active backend. */
export interface PreparedData {
  meta: PreparedMeta;
  /** The data split as the source's `loadData` gave it; the caller owns the tensors. */
  toSplit(tf: TF): DataSplit;
}

const MAGIC = 'ABDATA01';
const DTYPES = ['float32', 'int32'] as const;
type StoredDtype = (typeof DTYPES)[number];
const PARTS = ['train.x', 'train.y', 'validation.x', 'validation.y'] as const;
type Part = (typeof PARTS)[number];

interface Header {
  meta: PreparedMeta;
  tensors: { part: Part; shape: number[]; dtype: StoredDtype }[];
}

/**
 * Writes a data split to a new file in `folder`, atomically (a temporary name, then a
 * rename): a reader sees no file or the whole one. Not flushed to disk: the file lives
 * as long as the run, and a crash loses the run with it. Returns where it is and the
 * same numbers read back without reading the file (for the writer's own use).
 * @throws InputError for a tensor whose dtype cannot be stored (only float32 and int32 can).
 */
export async function writePreparedData(split: DataSplit, meta: PreparedMeta, folder: string): Promise<{ ref: PreparedDataRef; data: PreparedData }> {
  const tensors: { part: Part; tensor: tfTypes.Tensor }[] = [
    { part: 'train.x', tensor: split.train.x },
    { part: 'train.y', tensor: split.train.y },
  ];
  if (split.validation) tensors.push({ part: 'validation.x', tensor: split.validation.x }, { part: 'validation.y', tensor: split.validation.y });
  for (const { part, tensor } of tensors) {
    if (!(DTYPES as readonly string[]).includes(tensor.dtype)) throw new InputError(`the data's ${part} is ${tensor.dtype}: only float32 and int32 data can be prepared`);
  }
  const header: Header = { meta, tensors: tensors.map(({ part, tensor }) => ({ part, shape: tensor.shape, dtype: tensor.dtype as StoredDtype })) };
  const tmp = path.join(folder, `.data-${process.pid}-${Date.now()}.tmp`);
  const hash = createHash('sha256');
  const arrays: StoredArray[] = [];
  const fd = fs.openSync(tmp, 'w');
  try {
    const write = (bytes: Uint8Array) => {
      hash.update(bytes);
      let offset = 0;
      while (offset < bytes.byteLength) offset += fs.writeSync(fd, bytes, offset);
    };
    write(headerBytes(header));
    for (const { part, tensor } of tensors) {
      const values = (await tensor.data()) as Float32Array | Int32Array;
      write(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
      arrays.push({ part, shape: tensor.shape, dtype: tensor.dtype as StoredDtype, values });
    }
  } catch (err) {
    fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw err;
  }
  fs.closeSync(fd);
  const sha256 = hash.digest('hex');
  const file = path.join(folder, `data-${sha256.slice(0, 16)}.bin`);
  try {
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
  return { ref: { file, sha256 }, data: preparedData(meta, arrays) };
}

/**
 * Reads a prepared data file and checks it against the sha256 it was written with.
 * @throws InputError, one line, for a missing, truncated or changed file.
 */
export function readPreparedData(ref: PreparedDataRef): PreparedData {
  let fd: number;
  try {
    fd = fs.openSync(ref.file, 'r');
  } catch (err) {
    throw new InputError(`prepared data ${ref.file}: cannot be read (${(err as NodeJS.ErrnoException).code}); was the tuner's temporary folder removed?`, { cause: err });
  }
  const hash = createHash('sha256');
  try {
    const prefix = readExactly(fd, 0, MAGIC.length + 4, ref, hash);
    if (Buffer.from(prefix.subarray(0, MAGIC.length)).toString('latin1') !== MAGIC) throw changed(ref, 'not a prepared data file');
    const length = new DataView(prefix.buffer, prefix.byteOffset).getUint32(MAGIC.length, true);
    const padded = align4(MAGIC.length + 4 + length) - MAGIC.length - 4;
    const rest = readExactly(fd, MAGIC.length + 4, padded, ref, hash);
    let header: Header;
    try {
      header = JSON.parse(Buffer.from(rest.subarray(0, length)).toString('utf8')) as Header;
    } catch {
      throw changed(ref, 'its header is not readable');
    }
    let position = MAGIC.length + 4 + padded;
    const arrays: StoredArray[] = header.tensors.map(({ part, shape, dtype }) => {
      const count = shape.reduce((a, d) => a * d, 1);
      const values = dtype === 'int32' ? new Int32Array(count) : new Float32Array(count);
      readInto(fd, position, new Uint8Array(values.buffer), ref, hash);
      position += values.byteLength;
      return { part, shape, dtype, values };
    });
    if (fs.fstatSync(fd).size !== position) throw changed(ref, `it holds ${fs.fstatSync(fd).size} bytes where its header says ${position}`);
    const sha256 = hash.digest('hex');
    if (sha256 !== ref.sha256) throw changed(ref, `its sha256 is ${sha256.slice(0, 12)}…, not the ${ref.sha256.slice(0, 12)}… it was written with`);
    return preparedData(header.meta, arrays);
  } finally {
    fs.closeSync(fd);
  }
}

interface StoredArray {
  part: Part;
  shape: number[];
  dtype: StoredDtype;
  values: Float32Array | Int32Array;
}

function preparedData(meta: PreparedMeta, arrays: readonly StoredArray[]): PreparedData {
  return {
    meta,
    toSplit(tf) {
      // Tensors never change their values: every split made here may share the arrays.
      const made = new Map(arrays.map(({ part, shape, dtype, values }) => [part, tf.tensor(values, shape, dtype)]));
      const dataset = (x: Part, y: Part): Dataset => ({ x: made.get(x)!, y: made.get(y)! });
      return made.has('validation.x') ? { train: dataset('train.x', 'train.y'), validation: dataset('validation.x', 'validation.y') } : { train: dataset('train.x', 'train.y') };
    },
  };
}

function headerBytes(header: Header): Uint8Array {
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const bytes = new Uint8Array(align4(MAGIC.length + 4 + json.byteLength));
  bytes.set(Buffer.from(MAGIC, 'latin1'), 0);
  new DataView(bytes.buffer).setUint32(MAGIC.length, json.byteLength, true);
  bytes.set(json, MAGIC.length + 4);
  return bytes;
}

const align4 = (n: number) => Math.ceil(n / 4) * 4;

function readExactly(fd: number, position: number, length: number, ref: PreparedDataRef, hash: Hash): Uint8Array {
  const bytes = new Uint8Array(length);
  readInto(fd, position, bytes, ref, hash);
  return bytes;
}

/** Reads `into.byteLength` bytes at `position` in chunks (a file may pass 2 GiB), hashing them. */
function readInto(fd: number, position: number, into: Uint8Array, ref: PreparedDataRef, hash: Hash): void {
  const CHUNK = 1 << 26;
  let done = 0;
  while (done < into.byteLength) {
    const n = fs.readSync(fd, into, done, Math.min(CHUNK, into.byteLength - done), position + done);
    if (n === 0) throw changed(ref, 'it is shorter than its header says');
    done += n;
  }
  hash.update(into);
}

function changed(ref: PreparedDataRef, why: string): InputError {
  return new InputError(`prepared data ${ref.file} changed after the tuner wrote it (${why}); refused: run the tuner again`);
}
