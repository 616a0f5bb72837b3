import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DocumentSchema, type AutobatchDocument, type HardwareInfo } from '../document';
import type { NormalizedOptions } from '../options';
import { InputError } from '../util/errors';
import { TOOL_VERSION } from '../util/version';
import { writeFileAtomic } from '../report/write-file';
import { Value } from '@sinclair/typebox/value';

/** What must match for a cached recommendation to be reused. */
export interface CacheKeyParts {
  toolVersion: string;
  /** The workload's fingerprint: architecture, initial weights, loss, optimizer, data. */
  workload: string;
  /** The machine, without what changes from run to run (free memory). */
  hardware: { cpu: string; cores: number; totalMemory: number; gpus: string[]; platform: string; arch: string; node: string };
  backend: string;
  /** Options that change what is measured. */
  settings: Record<string, unknown>;
}

/** Everything a cached result must match; free memory and the time of day do not count. */
export function cacheKeyParts(opts: NormalizedOptions, hardware: HardwareInfo, backend: NonNullable<AutobatchDocument['backend']>, workload: string): CacheKeyParts {
  return {
    toolVersion: TOOL_VERSION,
    workload,
    hardware: {
      cpu: hardware.cpu.model,
      cores: hardware.cpu.cores,
      totalMemory: hardware.memory.totalBytes,
      gpus: hardware.gpus.map((g) => `${g.vendor} ${g.model} ${g.memoryBytes}`),
      platform: hardware.os.platform,
      arch: hardware.os.arch,
      node: hardware.node,
    },
    // Its name and the versions that trained: another TensorFlow trains at another speed.
    backend: [backend.name, backend.tfjsVersion, backend.tensorflowVersion].filter(Boolean).join(' '),
    settings: {
      maxMemoryBytes: opts.maxMemoryBytes,
      timeBudgetSeconds: opts.timeBudgetSeconds,
      minBatch: opts.minBatch,
      maxBatch: opts.maxBatch,
      seed: opts.seed,
      warmupSteps: opts.warmupSteps,
      minSteps: opts.minSteps,
      minTrialSeconds: opts.minTrialSeconds,
      workers: opts.workers,
      horizon: opts.horizon,
      search: opts.search,
      parallel: opts.parallel,
    },
  };
}

export function cacheKey(parts: CacheKeyParts): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 32);
}

/** The cached document for `key`, or null when there is none, or it is not a complete valid document. */
export function readCache(dir: string, key: string): AutobatchDocument | null {
  const file = path.join(dir, `${key}.json`);
  if (!fs.existsSync(file)) return null;
  try {
    const doc = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
    return Value.Check(DocumentSchema, doc) && doc.complete ? doc : null;
  } catch {
    return null;
  }
}

/** Stores a complete document under `key`; incomplete runs are never cached. */
export function writeCache(dir: string, key: string, doc: AutobatchDocument): void {
  if (!doc.complete) return;
  writeFileAtomic(path.join(dir, `${key}.json`), `${JSON.stringify(doc, null, 2)}\n`);
}

/**
 * Makes sure the cache folder exists and is writable, before any measuring.
 * @throws InputError naming the folder.
 */
export function prepareCacheDir(dir: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.accessSync(dir, fs.constants.W_OK);
  } catch (err) {
    throw new InputError(`cache folder ${dir}: ${(err as NodeJS.ErrnoException).code ?? 'not writable'}`, { cause: err });
  }
}
