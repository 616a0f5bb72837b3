import { createHash } from 'node:crypto';
import * as v8 from 'node:v8';
import type { BackendName } from '../../document';
import type { WorkloadSpec } from '../../workloads/spec';
import type { RunOutcome, RunSpec } from '../run-spec';

/*
 * What crosses Redis between a tuner and its workers, in plain data: no code. A tuning is
 * published once (what to train, on what); each run is a job holding only its spec.
 */

/** A file a workload names, by content: a worker trains it only from a file of its own with this hash. */
export interface FileRef {
  /** Its base name, for messages: workers' paths differ. */
  name: string;
  sha256: string;
}

/** A workload spec as it crosses to another machine: files by content, nothing local (no `prepared` table). */
export type QueueWorkload = Omit<WorkloadSpec, 'model' | 'data' | 'prepared'> & { model?: FileRef; data?: FileRef };

/** One tuning's runs: what every job of its queue trains, and on what. */
export interface TuningRecord {
  format: 1;
  /** The queue's name: one queue per tuning. */
  name: string;
  workload: QueueWorkload;
  /** The tuner's workload fingerprint (architecture, initial weights, data): a worker's must equal it. */
  workloadFingerprint: string;
  backend: BackendName;
  minBatch: number;
  hardware: { hash: string; text: string };
  toolVersion: string;
}

/** A job's data: the run's spec; `seconds` null where the spec had no finite cap (JSON has no Infinity). */
export interface RunJobData {
  spec: Omit<RunSpec, 'seconds'> & { seconds: number | null };
}

/** A finished job's value: the outcome (structured clone, base64: its Float32Array and NaN losses intact) and who trained it. */
export interface RunJobResult {
  outcome: string;
  worker: string;
}

/** Redis keys beside BullMQ's own. */
export const KEYS = {
  /** The set of tunings whose queues take runs now. */
  tunings: 'autobatch:tunings',
  tuning: (name: string) => `autobatch:tuning:${name}`,
  /** Why workers refused a tuning, one line each. */
  refusals: (name: string) => `autobatch:refusals:${name}`,
} as const;

/** How long a published tuning outlives its tuner's last refresh: a tuner killed leaves no tuning forever. */
export const TUNING_TTL_SECONDS = 60;

/** The job's id: a hash of what the run is, so adding the same run again (a resumed tuning) finds the stored result. */
export function runJobId(tuning: Pick<TuningRecord, 'workloadFingerprint' | 'backend' | 'hardware'>, spec: RunSpec): string {
  return createHash('sha256')
    .update(JSON.stringify([tuning.workloadFingerprint, tuning.backend, tuning.hardware.hash, encodeSpec(spec)]))
    .digest('hex')
    .slice(0, 32);
}

export function encodeSpec(spec: RunSpec): RunJobData['spec'] {
  const keys = Object.keys(spec).sort() as (keyof RunSpec)[];
  const sorted = Object.fromEntries(keys.map((k) => [k, spec[k]])) as RunSpec;
  return { ...sorted, seconds: Number.isFinite(spec.seconds) ? spec.seconds : null };
}

const NUMBER_FIELDS = ['batchSize', 'learningRate', 'seed', 'maxBatch'] as const;
const OPTIONAL_NUMBERS = ['steps', 'noiseBatches', 'evaluationRows', 'evaluationSeed'] as const;

/**
 * A job's spec back as a `RunSpec`, checked field by field: a job is data from the
 * network, and a worker trains nothing it cannot read as a run.
 * @throws Error naming the first bad field.
 */
export function decodeSpec(data: unknown): RunSpec {
  const spec = (data as RunJobData | null)?.spec as Record<string, unknown> | undefined;
  if (!spec || typeof spec !== 'object') throw new Error('the job holds no run spec');
  const bad = (field: string) => new Error(`the job's run spec has a bad ${field}`);
  for (const field of NUMBER_FIELDS) if (typeof spec[field] !== 'number' || !Number.isFinite(spec[field])) throw bad(field);
  for (const field of OPTIONAL_NUMBERS) if (spec[field] !== undefined && (typeof spec[field] !== 'number' || !Number.isFinite(spec[field]))) throw bad(field);
  if (spec.seconds !== null && (typeof spec.seconds !== 'number' || !(spec.seconds > 0))) throw bad('seconds');
  if (typeof spec.precondition !== 'boolean') throw bad('precondition');
  if (spec.measureNoise !== undefined && typeof spec.measureNoise !== 'boolean') throw bad('measureNoise');
  if (spec.schedule !== undefined && spec.schedule !== 'constant' && spec.schedule !== 'linear-decay') throw bad('schedule');
  const known = new Set<string>([...NUMBER_FIELDS, ...OPTIONAL_NUMBERS, 'seconds', 'precondition', 'measureNoise', 'schedule']);
  const unknown = Object.keys(spec).find((k) => !known.has(k));
  if (unknown) throw new Error(`the job's run spec has an unknown field "${unknown}"`);
  return { ...(spec as unknown as RunSpec), seconds: spec.seconds === null ? Number.POSITIVE_INFINITY : (spec.seconds as number) };
}

/** Outcome fields that only the tuner sets: the slot and the process are the tuner's view. */
type WorkerOutcome = Omit<RunOutcome, 'process' | 'pid'>;

export function encodeOutcome(outcome: WorkerOutcome): string {
  const { run, failure } = outcome;
  return v8.serialize(failure ? { failure } : { run }).toString('base64');
}

export function decodeOutcome(encoded: string): WorkerOutcome {
  return v8.deserialize(Buffer.from(encoded, 'base64')) as WorkerOutcome;
}
