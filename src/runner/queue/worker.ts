import * as os from 'node:os';
import type { Job, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { HardwareInfo } from '../../document';
import { QueueError, describeError } from '../../util/errors';
import { IsolatedRunner } from '../isolated';
import { connectRedis, isAuthError, redactError, within } from './connection';
import { hardwareFingerprint, type HardwareFingerprint } from './fingerprint';
import { KEYS, decodeSpec, encodeOutcome, type RunJobResult, type TuningRecord } from './protocol';
import type { QueueUrl } from './url';
import { localWorkload, type GivenFile } from './workload-files';

export interface QueueWorkerOptions {
  url: QueueUrl;
  /** This machine's hardware (see `snapshotHardware`): a tuning measured on other hardware is refused. */
  hardware: HardwareInfo;
  /** The files it may train from (`--model`, `--data`), hashed. */
  files: readonly GivenFile[];
  /**
   * Seconds a run's lock lasts without renewal: how soon a run whose worker died starts
   * again on another worker.
   * @default 30
   */
  lockSeconds?: number;
  /** Lines for the worker's log (stderr). */
  log: (line: string) => void;
  /** Aborting stops the worker: a run in progress goes back to the queue for another. */
  signal: AbortSignal;
  /** The trial process's script (tests). */
  entry?: string;
  /** How often it looks for tunings. @default 1000 */
  pollMs?: number;
  /** Its name in the document's runs. @default host:pid */
  name?: string;
}

/** How often a run may start again after its worker died before it counts as failed. */
export const MAX_RETRIES = 2;

interface Attached {
  tuning: TuningRecord;
  runner: IsolatedRunner;
  worker: Worker;
  connection: { disconnect(): void };
}

/**
 * `autobatch worker`: takes the search runs of tunings on the queue and trains each in its
 * own child process, exactly as the tuner's pool does. It takes one tuning at a time, and
 * only one it can measure as the tuner would: the same hardware fingerprint, the same
 * backend, and a workload it builds itself (an example, or a file it was given) into the
 * same weights and data (the same workload fingerprint). It says why it refuses one, in
 * its log and to the tuner. Resolves once `signal` aborts.
 */
export async function runQueueWorker(options: QueueWorkerOptions): Promise<void> {
  const { url, log, signal } = options;
  const me = options.name ?? `${os.hostname()}:${process.pid}`;
  const fingerprint = hardwareFingerprint(options.hardware);
  const { redis, lastError } = await connectRedis(url);
  const { Worker: BullWorker } = await import('bullmq');
  const refused = new Set<string>();
  const ctx: WorkerContext = { options, me, fingerprint, redis, BullWorker, refused };
  let attached: Attached | null = null;
  let unreachable = false;
  log(`worker ${me} on ${url.shown}: ${fingerprint.text}; waiting for runs`);

  const look = async () => {
    const names = await within(redis.smembers(KEYS.tunings), 3000, null);
    if (names === null) throw new Error(lastError() ?? 'no answer');
    if (unreachable) log(`Redis at ${url.shown} answers again`);
    unreachable = false;
    if (attached) {
      if (!names.includes(attached.tuning.name)) {
        const current = attached;
        attached = null;
        await detach(current);
        log(`done with tuning ${current.tuning.name}: its tuner finished`);
      }
      return;
    }
    for (const name of names) {
      if (refused.has(name) || signal.aborted) continue;
      const tuning = await readTuning(ctx, name);
      if (!tuning) continue;
      attached = await attach(ctx, tuning);
      if (attached) return;
    }
  };

  let refusedUs: QueueError | null = null;
  while (!signal.aborted && !refusedUs) {
    try {
      await look();
    } catch (err) {
      // A Redis not up yet is waited for; one that refuses the password will not change its mind.
      if (isAuthError(err)) refusedUs = new QueueError(`Redis at ${url.shown} refused this worker: ${redactError(describeError(err), url)}`, { cause: err });
      else if (!unreachable) log(`Redis at ${url.shown} does not answer (${redactError(describeError(err), url)}); trying again`);
      unreachable = true;
    }
    if (!refusedUs) await sleep(options.pollMs ?? 1000, signal);
  }
  if (attached) {
    // Not waiting for the run in progress: the run's lock lapses, and another worker trains it.
    await detach(attached);
    log(`stopped; the run in progress (if any) goes back to the queue`);
  }
  redis.disconnect();
  if (refusedUs) throw refusedUs;
}

/** What the worker's steps share: who it is, what it runs on, its connection, the tunings it refused. */
interface WorkerContext {
  options: QueueWorkerOptions;
  me: string;
  fingerprint: HardwareFingerprint;
  redis: Redis;
  BullWorker: typeof Worker;
  refused: Set<string>;
}

/** A tuning's record; null when it is gone, or unreadable (then it is refused, without a word). */
async function readTuning(ctx: WorkerContext, name: string): Promise<TuningRecord | null> {
  const text = await within(ctx.redis.get(KEYS.tuning(name)), 3000, null);
  if (!text) return null;
  try {
    return JSON.parse(text) as TuningRecord;
  } catch {
    ctx.refused.add(name);
    return null;
  }
}

/** Takes the tuning's runs when this worker can measure them as its tuner would; else refuses it (null). */
async function attach(ctx: WorkerContext, tuning: TuningRecord): Promise<Attached | null> {
  const started = await startRunner(ctx, tuning);
  if ('refused' in started) return refuse(ctx, tuning, started.refused);
  return takeRuns(ctx, tuning, started.runner);
}

/** Says why the tuning is refused, in the log and to its tuner, and never looks at it again. */
async function refuse(ctx: WorkerContext, tuning: TuningRecord, reason: string): Promise<null> {
  const { log } = ctx.options;
  ctx.refused.add(tuning.name);
  log(`refused tuning ${tuning.name}: ${reason}`);
  await ctx.redis.rpush(KEYS.refusals(tuning.name), `${ctx.me}: ${reason}`).catch(() => {});
  return null;
}

/**
 * The tuning's trial process, started here: the same record format, hardware, backend
 * and workload (weights and data) as the tuner's; else why not.
 */
async function startRunner(ctx: WorkerContext, tuning: TuningRecord): Promise<{ runner: IsolatedRunner } | { refused: string }> {
  const { options, fingerprint } = ctx;
  if (tuning.format !== 1) return { refused: `its record has format ${String(tuning.format)}; this worker reads format 1` };
  if (tuning.hardware.hash !== fingerprint.hash) {
    return { refused: `it was measured on other hardware (${tuning.hardware.text}; this worker: ${fingerprint.text}): its runs would not be the same measurement` };
  }
  const local = localWorkload(tuning.workload, options.files);
  if ('refused' in local) return { refused: local.refused };
  const runner = new IsolatedRunner({ workload: local.spec, backend: tuning.backend, minBatch: tuning.minBatch, entry: options.entry });
  try {
    const ready = await runner.start();
    if (ready.backend !== tuning.backend) {
      await runner.close();
      return { refused: `it trains on ${tuning.backend}, and this worker could only start ${ready.backend}${ready.fallbackReason ? ` (${ready.fallbackReason})` : ''}` };
    }
    if ((await runner.workloadFingerprint()) !== tuning.workloadFingerprint) {
      await runner.close();
      return { refused: 'the workload this worker builds (weights and data) differs from the tuner\'s' };
    }
  } catch (err) {
    await runner.close();
    return { refused: `its workload does not start here: ${describeError(err)}` };
  }
  return { runner };
}

/** A BullMQ worker on the tuning's queue, one run at a time, each trained by `runner`. */
function takeRuns(ctx: WorkerContext, tuning: TuningRecord, runner: IsolatedRunner): Attached {
  const { options, me, redis, BullWorker } = ctx;
  const { log } = options;
  const lockDuration = (options.lockSeconds ?? 30) * 1000;
  const connection = redis.duplicate();
  connection.on('error', () => {});
  const worker = new BullWorker(tuning.name, (job: Job) => train(runner, job, me, log), {
    connection,
    concurrency: 1,
    lockDuration,
    stalledInterval: lockDuration,
    maxStalledCount: MAX_RETRIES,
  });
  worker.on('error', () => {});
  worker.on('failed', (job, err) => {
    if (job) log(`run ${job.id} failed: ${describeError(err)}`);
  });
  log(`taking runs of tuning ${tuning.name} (${tuning.workload.model?.name ?? tuning.workload.data?.name ?? tuning.workload.example}, ${tuning.backend}; hardware and workload match)`);
  return { tuning, runner, worker, connection };
}

// Its tuner gone, no one waits for a run in progress: its child is killed, and closing never waits on a lost Redis.
async function detach(current: Attached): Promise<void> {
  await current.runner.close();
  await Promise.race([current.worker.close(true).catch(() => {}), lapse(2000)]);
  current.connection.disconnect();
}

/** Trains one job in the child: its death is the run's failure; any other error fails the job. */
async function train(runner: IsolatedRunner, job: Job, me: string, log: (line: string) => void): Promise<RunJobResult> {
  const spec = decodeSpec(job.data);
  log(`training run ${job.id}: batch ${spec.batchSize}, lr ${spec.learningRate.toPrecision(3)}${job.stalledCounter ? ` (again: its worker died)` : ''}`);
  const { run, failure } = await runner.runCandidate(spec);
  return { outcome: encodeOutcome(failure ? { failure } : { run: run! }), worker: me };
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}


/** A bound on a wait that must not itself keep the process alive once the wait is over. */
function lapse(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
