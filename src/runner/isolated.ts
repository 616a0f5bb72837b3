import { fork, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BackendName, Trial, WorkloadInfo } from '../document';
import { AutobatchError, InputError, TrainingError, type ErrorCode } from '../util/errors';
import type { BackendChoice } from '../platform/backend';
import { tensorflowThreadEnv } from '../platform/threads';
import type { WorkloadSpec } from '../workloads/spec';
import { classifyChildExit } from './child-exit';
import type { FromChild, StartTimings, ToChild } from './protocol';
import type { RunOutcome, RunSpec } from './run-spec';
import type { TrialRunner, TrialSpec } from './runner';

/** The trial in flight was dropped because the run was aborted. */
export class TrialAbortedError extends Error {
  constructor() {
    super('the trial was aborted');
    this.name = 'TrialAbortedError';
  }
}

export interface IsolatedRunnerOptions {
  workload: WorkloadSpec;
  backend: BackendChoice;
  minBatch: number;
  /** The script the trial process runs. @default child.js beside this file (child.ts via ts-node in tests) */
  entry?: string;
  /** Threads the process's TensorFlow may use (see `tensorflowThreadEnv`). @default TensorFlow's own: every core */
  threads?: number | null;
}

export interface ChildReady {
  backend: BackendName;
  fallbackReason: string | null;
  skipped: { backend: BackendName; reason: string }[];
  info: WorkloadInfo;
  /** How long the first process took to start, by its own clock. */
  timings: StartTimings;
}

/** Bytes of the trial process's stderr kept to explain its death. */
const STDERR_TAIL = 8192;

/**
 * Runs each trial in a child process, reused while it stays healthy and replaced after
 * any failure (a broken wasm heap stays broken). A child that dies mid-trial becomes a
 * trial with status `oom` or `crashed` (see `classifyChildExit`), never a thrown error.
 */
export class IsolatedRunner implements TrialRunner {
  private child: ChildProcess | null = null;
  private stderr = '';
  private readyInfo: ChildReady | null = null;
  private lastPid: number | null = null;
  private pending: { resolve: (m: FromChild) => void; reject: (e: Error) => void } | null = null;

  constructor(private options: IsolatedRunnerOptions) {}

  /**
   * Starts the trial process before its workload is known: it loads TensorFlow.js and
   * activates the first backend it can while this process reads the data. `start` then
   * sends the workload (set it first with `useWorkload` if it changed).
   */
  prestart(): void {
    if (this.child) return;
    this.spawn().send({ type: 'warm', backend: this.options.backend } satisfies ToChild);
  }

  /** The workload the next start sends (the prepared data's spec, once it is written). */
  useWorkload(workload: WorkloadSpec): void {
    this.options = { ...this.options, workload };
  }

  /** Starts the trial process (or takes the prestarted one): it picks the backend with a real training step. */
  async start(): Promise<ChildReady> {
    if (this.child && this.readyInfo) return this.readyInfo;
    const child = this.child ?? this.spawn();
    const reply = await this.request(child, {
      type: 'init',
      workload: this.options.workload,
      // After the first start, the same backend again: no need to try the others.
      backend: this.readyInfo?.backend ?? this.options.backend,
      minBatch: this.options.minBatch,
    });
    if (reply.type === 'init-error') {
      this.kill();
      throw rebuildError(reply.code, reply.message);
    }
    if (reply.type === 'exit' && classifyChildExit(reply.signal, reply.code, reply.stderr).status === 'oom') {
      // The child checks the backend with one training step at the smallest size.
      throw new TrainingError(
        `batch ${this.options.minBatch} (--min-batch) ran out of memory in the trial process's first training step ` +
          `(${describeReply(reply)}): nothing fits; try a smaller --min-batch or a smaller model`,
      );
    }
    if (reply.type !== 'ready') throw new TrainingError(`the trial process failed to start: ${describeReply(reply)}`);
    // A restarted child reports no skips; keep what the first start found.
    this.readyInfo = this.readyInfo ?? { backend: reply.backend, fallbackReason: reply.fallbackReason, skipped: reply.skipped, info: reply.info, timings: reply.timings };
    return this.readyInfo;
  }

  async runTrial(spec: TrialSpec, signal?: AbortSignal): Promise<Trial> {
    const reply = await this.requestAbortably({ type: 'trial', spec }, signal);
    if (reply.type === 'result') {
      // An out-of-memory the child survived may still have broken its heap.
      if (reply.trial.status !== 'ok' && reply.trial.status !== 'over-budget') this.kill();
      return reply.trial;
    }
    if (reply.type === 'trial-error') throw rebuildError(reply.code, reply.message);
    return this.died(spec.batchSize, reply);
  }

  /**
   * Trains one run of the search in the child. The child's death is the run's failure
   * (`oom` or `crashed`), and so is an out-of-memory error (the child is replaced: its
   * heap may be broken); any other error throws, as it would in this process.
   */
  async runCandidate(spec: RunSpec, signal?: AbortSignal, slot: number | null = null): Promise<RunOutcome> {
    const reply = await this.requestAbortably({ type: 'run', spec }, signal);
    const pid = this.lastPid;
    if (reply.type === 'run-result') return { run: reply.run, process: slot, pid };
    if (reply.type === 'run-error') {
      if (!reply.oom) throw rebuildError(reply.code, reply.message);
      this.kill();
      return { failure: { status: 'oom', error: reply.message }, process: slot, pid };
    }
    if (reply.type !== 'exit') throw new TrainingError(`unexpected reply from the trial process: ${reply.type}`);
    const { status, error } = classifyChildExit(reply.signal, reply.code, reply.stderr);
    return { failure: { status: status === 'oom' ? 'oom' : 'crashed', error }, process: slot, pid };
  }

  /** The workload's fingerprint as the child built it (see `Workload.fingerprint`). */
  async workloadFingerprint(): Promise<string> {
    const reply = await this.requestAbortably({ type: 'fingerprint' });
    if (reply.type !== 'fingerprint') throw new TrainingError(`the trial process gave no workload fingerprint: ${describeReply(reply)}`);
    return reply.fingerprint;
  }

  /** The process id of the child now running, or null. */
  get pid(): number | null {
    return this.child?.pid ?? null;
  }

  /** Sends a request, starting the child first; an abort kills the child and rejects with `TrialAbortedError`. */
  private async requestAbortably(message: ToChild, signal?: AbortSignal): Promise<FromChild | ExitReply> {
    if (signal?.aborted) throw new TrialAbortedError();
    await this.start();
    const child = this.child!;
    this.lastPid = child.pid ?? null;
    const onAbort = () => {
      const pending = this.pending;
      this.pending = null;
      this.kill();
      pending?.reject(new TrialAbortedError());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      return await this.request(child, message);
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  async close(): Promise<void> {
    this.kill();
  }

  private died(batchSize: number, reply: FromChild | ExitReply): Trial {
    if (reply.type !== 'exit') throw new TrainingError(`unexpected reply from the trial process: ${reply.type}`);
    const { status, error } = classifyChildExit(reply.signal, reply.code, reply.stderr);
    return { batchSize, status, stepMs: null, samplesPerSec: null, peakBytes: null, rssBytes: null, steps: 0, error };
  }

  private spawn(): ChildProcess {
    const entry = this.options.entry ?? defaultEntry();
    const child = fork(entry, [], {
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      // Structured clone: a run's Float32Array of losses and a NaN loss cross intact.
      serialization: 'advanced',
      execArgv: entry.endsWith('.ts') ? ['-r', 'ts-node/register/transpile-only'] : [],
      ...(this.options.threads ? { env: { ...process.env, ...tensorflowThreadEnv(this.options.threads) } } : {}),
    });
    this.child = child;
    this.stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString()).slice(-STDERR_TAIL);
    });
    // A child this runner killed on purpose, or replaced, answers nothing any more.
    child.on('message', (message: FromChild) => {
      if (this.child !== child) return;
      const pending = this.pending;
      this.pending = null;
      pending?.resolve(message);
    });
    child.on('exit', (code, signal) => {
      if (this.child !== child) return;
      this.child = null;
      const pending = this.pending;
      this.pending = null;
      // Let the last stderr chunk arrive before it explains the death.
      setImmediate(() => pending?.resolve({ type: 'exit', code, signal, stderr: this.stderr } as never));
    });
    return child;
  }

  private request(child: ChildProcess, message: ToChild): Promise<FromChild | ExitReply> {
    return new Promise((resolve, reject) => {
      this.pending = { resolve: resolve as (m: FromChild) => void, reject };
      child.send(message, (err) => {
        if (err && this.pending) {
          this.pending = null;
          reject(new TrainingError(`could not reach the trial process: ${err.message}`));
        }
      });
    });
  }

  private kill(): void {
    const child = this.child;
    this.child = null;
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

type ExitReply = { type: 'exit'; code: number | null; signal: NodeJS.Signals | null; stderr: string };

/** child.js next to this file once built; child.ts through ts-node when running from source. */
function defaultEntry(): string {
  const js = path.join(__dirname, 'child.js');
  return fs.existsSync(js) ? js : path.join(__dirname, 'child.ts');
}

function rebuildError(code: string | null, message: string): AutobatchError {
  if (code === 'E_INPUT') return new InputError(message);
  if (code) return new AutobatchError(code as ErrorCode, message);
  return new TrainingError(message);
}

function describeReply(reply: FromChild | ExitReply): string {
  if (reply.type === 'exit') return classifyChildExit(reply.signal, reply.code, reply.stderr).error;
  return reply.type;
}
