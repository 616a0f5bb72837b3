import * as path from 'node:path';
import { InputError } from '../../util/errors';
import { sha256OfFile } from '../../workloads/file-hash';
import { isFolder, listImageFolder } from '../../workloads/image-folder/list';
import { withoutPreparedData, type WorkloadSpec } from '../../workloads/spec';
import type { FileRef, QueueWorkload } from './protocol';

/** A file a worker was given (`--model`, `--data`): the only files it will train from. */
export interface GivenFile {
  path: string;
  sha256: string;
}

/** A file by content, for the tuning record. */
export function fileRef(file: string, sha256?: string): FileRef {
  return { name: path.basename(file), sha256: sha256 ?? contentSha256(file) };
}

/**
 * A file's sha256, or a folder of images' (`--data DIR`): the hash of its image files'
 * names and sizes (see `listImageFolder`), so a worker with a copy of the folder finds it.
 */
function contentSha256(file: string): string {
  return isFolder(file) ? listImageFolder(file).sha256 : sha256OfFile(file);
}

/**
 * Reads the files a worker is given, once, at its start.
 * @throws InputError for a file that cannot be read.
 */
export function givenFiles(files: readonly string[]): GivenFile[] {
  return files.map((file) => {
    try {
      return { path: path.resolve(file), sha256: contentSha256(file) };
    } catch (err) {
      throw new InputError(`${file}: cannot read it (${(err as Error).message})`);
    }
  });
}

/**
 * The tuner's workload spec as a queue carries it: files by content, and nothing that
 * names a file only the tuner has (`prepared`, a table prepared on the tuner's disk: a
 * worker prepares the source file itself).
 */
export function toQueueWorkload(spec: WorkloadSpec): QueueWorkload {
  const { model, data, ...rest } = withoutPreparedData(spec);
  // The data file's hash, where the tuner took it as it read the file: not a second pass over it.
  const dataHash = spec.dataSha256 ?? spec.imagePreparation?.listingSha256;
  return { ...rest, ...(model ? { model: fileRef(model) } : {}), ...(data ? { data: fileRef(data, dataHash) } : {}) };
}

/**
 * The workload spec this worker trains a tuning's runs from: a built-in example, or its own
 * files with the contents the tuning names. A worker never trains a file it was not given:
 * jobs carry no code, and a file on a worker's disk runs only when its owner named it.
 * Returns why not, when it cannot.
 */
export function localWorkload(workload: QueueWorkload, given: readonly GivenFile[]): { spec: WorkloadSpec } | { refused: string } {
  const find = (ref: FileRef, flag: string) =>
    given.find((g) => g.sha256 === ref.sha256) ?? `it trains ${ref.name} (sha256 ${ref.sha256.slice(0, 12)}…), and this worker was given no file with that content (${flag} FILE)`;
  const model = workload.model ? find(workload.model, '--model') : undefined;
  if (typeof model === 'string') return { refused: model };
  const data = workload.data ? find(workload.data, '--data') : undefined;
  if (typeof data === 'string') return { refused: data };
  const { model: _m, data: _d, ...rest } = workload;
  return { spec: { ...rest, ...(model ? { model: model.path } : {}), ...(data ? { data: data.path } : {}) } };
}
