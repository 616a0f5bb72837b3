import type { Job, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { QueueError, TrainingError } from '../../util/errors';
import { TrialAbortedError } from '../isolated';
import type { RunOutcome, RunSpec, RunWorker } from '../run-spec';
import { answers, connectRedis, within } from './connection';
import { KEYS, TUNING_TTL_SECONDS, decodeOutcome, encodeSpec, runJobId, type RunJobData, type RunJobResult, type TuningRecord } from './protocol';
import type { QueueUrl } from './url';

export interface RunQueueOptions {
  url: QueueUrl;
  tuning: TuningRecord;
  /**
   * Seconds to wait for a worker before the runs train here instead, and for a lost Redis
   * before the search stops (its finished runs stay in Redis for `--resume`).
   */
  waitSeconds: number;
  /** Lines the user should see at once: no worker yet, a worker refused, Redis lost and back. */
  onMessage: (message: string) => void;
  /** How often a waiting run asks after its job. @default 500 */
  pollMs?: number;
}

/** What the document says about the queue a search ran on. */
export interface QueueInfo {
  name: string;
  url: string;
  workers: number;
  retries: number;
}

/** A stalled job past BullMQ's limit: every worker that took it died. */
const STALLED = /stalled/i;

/**
 * The tuner's side of the job queue: one BullMQ queue per tuning. Each run becomes a job
 * whose id is a hash of what it is (`runJobId`): adding a run that already finished (a
 * resumed tuning) finds its result. A run waits by asking after its job, not by events,
 * so a Redis restarted without its data loses nothing: a job gone is added again.
 */
export class RunQueue {
  private retries = 0;
  private closed = false;
  private seenWorkers = 0;
  private readonly lostController = new AbortController();
  private unreachableSince: number | null = null;
  /** Runs waiting for their jobs now, and since when no worker was there to take them. */
  private waiting = 0;
  private workerlessSince: number | null = null;
  private readonly timer: NodeJS.Timeout;
  private readonly refusalsSeen = new Set<string>();

  private constructor(
    private readonly options: RunQueueOptions,
    private readonly redis: Redis,
    private readonly queue: Queue,
  ) {
    this.timer = setInterval(() => void this.heartbeat(), 2000);
    this.timer.unref();
  }

  /** Connects, and publishes the tuning for workers to find. */
  static async open(options: RunQueueOptions): Promise<RunQueue> {
    const { redis } = await connectRedis(options.url);
    const { Queue } = await import('bullmq');
    const queue = new Queue(options.tuning.name, { connection: redis });
    queue.on('error', () => {});
    const client = new RunQueue(options, redis, queue);
    await client.publish();
    return client;
  }

  get name(): string {
    return this.options.tuning.name;
  }

  /** Aborts when Redis stayed unreachable longer than the wait: the search stops as if interrupted. */
  get lost(): AbortSignal {
    return this.lostController.signal;
  }

  /**
   * Workers taking this tuning's runs, once at least one is there: says at once when none
   * is, and gives up after the wait (0: train here). A worker that refused the tuning says why.
   */
  async waitForWorkers(signal?: AbortSignal): Promise<number> {
    const until = Date.now() + this.options.waitSeconds * 1000;
    let count = await this.workerCount();
    if (count === 0) {
      this.options.onMessage(
        `no worker takes runs from ${this.options.url.shown} yet (start one: autobatch worker --queue URL); waiting up to ${this.options.waitSeconds} s, then the search trains here`,
      );
    }
    while (count === 0 && Date.now() < until && !signal?.aborted) {
      await sleep(500);
      await this.reportRefusals();
      count = await this.workerCount();
    }
    if (count > 0) {
      // Workers started together find the tuning within a poll of each other.
      await sleep(1500);
      count = Math.max(count, await this.workerCount());
    }
    this.seenWorkers = count;
    return count;
  }

  /** `n` slots for `dispatchInOrder`: each adds one job at a time and waits for it. */
  workers(n: number): RunWorker[] {
    return Array.from({ length: Math.max(1, n) }, (_, slot) => ({ slot, run: (spec, signal) => this.run(spec, slot, signal) }));
  }

  info(): QueueInfo {
    return { name: this.name, url: this.options.url.shown, workers: this.seenWorkers, retries: this.retries };
  }

  /** Takes the tuning off the list workers read; its jobs and results stay in Redis (for `--resume`). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    if (!this.lost.aborted) {
      await Promise.race([this.redis.srem(KEYS.tunings, this.name).catch(() => {}), lapse(2000)]);
    }
    await Promise.race([this.queue.close().catch(() => {}), lapse(2000)]);
    this.redis.disconnect();
  }

  private async run(spec: RunSpec, slot: number, signal?: AbortSignal): Promise<RunOutcome> {
    const id = runJobId(this.options.tuning, spec);
    const data: RunJobData = { spec: encodeSpec(spec) };
    const stop = anySignal([signal, this.lost]);
    this.waiting++;
    try {
      return await this.waitFor(id, data, slot, stop);
    } finally {
      this.waiting--;
    }
  }

  private async waitFor(id: string, data: RunJobData, slot: number, stop: AbortSignal): Promise<RunOutcome> {
    await this.abortable(this.add(id, data), stop);
    for (;;) {
      const job = await this.abortable(this.queue.getJob(id), stop);
      if (!job) {
        // Redis lost its data (restarted without persistence): the run goes in again.
        await this.abortable(this.add(id, data), stop);
        continue;
      }
      const state = await this.abortable(job.getState(), stop);
      if (state === 'completed' || state === 'failed') {
        // Read again: the job above may have been read before it ended.
        const ended = await this.abortable(this.queue.getJob(id), stop);
        if (ended && state === 'completed') return this.completed(ended, slot);
        if (!ended) continue;
        const reason = ended.failedReason ?? 'unknown';
        if (STALLED.test(reason)) {
          const retries = ended.stalledCounter ?? 0;
          this.retries += retries;
          return { failure: { status: 'crashed', error: `every worker that took it died (${retries + 1} times)` }, process: slot, pid: null, retries };
        }
        throw new TrainingError(`a run failed on a worker: ${reason}`);
      }
      await this.abortable(sleep(this.options.pollMs ?? 500), stop);
    }
  }

  private completed(job: Job, slot: number): RunOutcome {
    const value = job.returnvalue as RunJobResult;
    const outcome = decodeOutcome(value.outcome);
    const retries = (job.stalledCounter ?? 0) + Math.max(0, (job.attemptsMade ?? 1) - 1);
    this.retries += retries;
    return { ...outcome, process: slot, pid: null, worker: value.worker, ...(retries > 0 ? { retries } : {}) } as RunOutcome;
  }

  /** Adds the job, or finds it there; a job that failed before (a resumed tuning's) runs again. */
  private async add(id: string, data: RunJobData): Promise<void> {
    const job = await this.queue.add('run', data, { jobId: id, removeOnComplete: false, removeOnFail: false });
    if ((await job.getState()) === 'failed') await job.retry();
  }

  private async abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
    if (signal.aborted) throw new TrialAbortedError();
    let onAbort: (() => void) | undefined;
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(new TrialAbortedError());
      signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      return await Promise.race([promise, aborted]);
    } finally {
      signal.removeEventListener('abort', onAbort!);
      promise.catch(() => {});
    }
  }

  private async workerCount(): Promise<number> {
    return within(this.queue.getWorkersCount().catch(() => 0), 2000, 0);
  }

  private async publish(): Promise<void> {
    const { tuning } = this.options;
    await this.redis.multi().set(KEYS.tuning(tuning.name), JSON.stringify(tuning), 'EX', TUNING_TTL_SECONDS).sadd(KEYS.tunings, tuning.name).exec();
  }

  private async reportRefusals(): Promise<void> {
    const lines = await this.redis.lrange(KEYS.refusals(this.name), 0, 50).catch(() => [] as string[]);
    for (const line of lines) {
      if (this.refusalsSeen.has(line)) continue;
      this.refusalsSeen.add(line);
      this.options.onMessage(`a worker refused this tuning: ${line}`);
    }
  }

  /** Says when runs wait and no worker is there to take them (every wait, while it lasts): the search never waits without saying so. */
  private async watchWorkers(now: number): Promise<void> {
    if (this.waiting === 0 || (await this.workerCount()) > 0) {
      this.workerlessSince = null;
      return;
    }
    this.workerlessSince ??= now;
    const seconds = (now - this.workerlessSince) / 1000;
    if (seconds >= this.options.waitSeconds) {
      this.options.onMessage(
        `no worker has taken runs from ${this.options.url.shown} for ${Math.round(seconds)} s; ${this.waiting} run${this.waiting === 1 ? '' : 's'} wait in the queue (start a worker; an interrupt keeps what was measured)`,
      );
      this.workerlessSince = now;
    }
  }

  /** Keeps the tuning published, and says when Redis is lost and when it is back; stops the search after the wait. */
  private async heartbeat(): Promise<void> {
    if (this.lost.aborted) return;
    const ok = (await answers(this.redis, 1500)) && (await this.publish().then(() => true, () => false));
    const now = Date.now();
    if (ok) {
      await this.watchWorkers(now);
      if (this.unreachableSince !== null) this.options.onMessage(`Redis at ${this.options.url.shown} answers again after ${Math.round((now - this.unreachableSince) / 1000)} s; the search goes on`);
      this.unreachableSince = null;
      return;
    }
    if (this.unreachableSince === null) {
      this.unreachableSince = now;
      this.options.onMessage(`Redis at ${this.options.url.shown} does not answer; waiting up to ${this.options.waitSeconds} s for it`);
    } else if (now - this.unreachableSince > this.options.waitSeconds * 1000) {
      this.options.onMessage(
        `Redis at ${this.options.url.shown} did not answer for ${this.options.waitSeconds} s: the search stops here (its finished runs stay in Redis; --resume carries on)`,
      );
      this.lostController.abort(new QueueError(`lost Redis at ${this.options.url.shown}`));
    }
  }
}

/** A signal that aborts when any of `signals` does. */
function anySignal(signals: readonly (AbortSignal | undefined)[]): AbortSignal {
  return AbortSignal.any(signals.filter((s): s is AbortSignal => s !== undefined));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}


/** A bound on a wait that must not itself keep the process alive once the wait is over. */
function lapse(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
