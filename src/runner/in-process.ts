import type * as tfTypes from '@tensorflow/tfjs';
import type { Trial } from '../document';
import { TrainingError, describeError } from '../util/errors';
import { median } from '../util/stats';
import type { TF } from '../platform/tf';
import type { BatchStream } from '../workloads/data-source';
import { disposeModel, type Workload } from '../workloads/workload';
import { isOutOfMemoryError } from './oom';
import { PeakRss } from '../platform/peak-rss';
import { countedBytes } from './counted-bytes';
import type { TrialRunner, TrialSpec } from './runner';

/**
 * Runs trials in this process. An out-of-memory that TensorFlow.js reports as an
 * error becomes a trial with status `oom`; one that kills the process kills this
 * runner too, which is why the CLI isolates trials in a child process.
 */
export class InProcessRunner implements TrialRunner {
  /** What this process held before any trial: a streamed pipeline's memory is counted above it. */
  private readonly baseline: { rss: number; tensorBytes: number };

  constructor(
    private readonly tf: TF,
    private readonly workload: Workload,
    private readonly now: () => number = Date.now,
  ) {
    this.baseline = { rss: process.memoryUsage().rss, tensorBytes: tf.memory().numBytes };
  }

  async runTrial(spec: TrialSpec, signal?: AbortSignal): Promise<Trial> {
    const failed = (status: Trial['status'], error: string): Trial => ({
      batchSize: spec.batchSize, status, stepMs: null, samplesPerSec: null, peakBytes: null, rssBytes: null, steps: 0, error,
    });
    let model: tfTypes.LayersModel | undefined;
    let batches: BatchStream | undefined;
    try {
      model = await this.workload.createModel();
      batches = this.workload.data.batches(spec.batchSize, 'sequential', 0);
      const waited = { ms: 0 };
      const step = trainingStep(model, batches, (ms) => (waited.ms += ms));
      for (let i = 1; i < spec.warmupSteps; i++) await step();
      const memory = await this.measureMemory(step);
      if (countedBytes(memory) > spec.memoryBudgetBytes) {
        return { batchSize: spec.batchSize, status: 'over-budget', stepMs: null, samplesPerSec: null, ...memory, steps: 0 };
      }
      const timed = await this.timeSteps(step, spec, waited, signal);
      const stepMs = median(timed.times);
      return {
        batchSize: spec.batchSize,
        status: 'ok',
        stepMs,
        samplesPerSec: (spec.batchSize * 1000) / stepMs,
        ...memory,
        rssBytes: Math.max(memory.rssBytes, process.memoryUsage().rss),
        steps: timed.times.length,
        ...(timed.cpuPerWall !== null ? { cpuPerWall: timed.cpuPerWall } : {}),
        ...(this.streamed ? { inputMs: median(timed.waits) } : {}),
        ...(timed.leaked > 0 ? { leakedTensors: timed.leaked } : {}),
      };
    } catch (err) {
      if (isOutOfMemoryError(err)) return failed('oom', describeError(err));
      throw new TrainingError(`training at batch size ${spec.batchSize} failed: ${describeError(err)}`, { cause: err });
    } finally {
      batches?.close();
      if (model) disposeModel(model);
    }
  }

  async close(): Promise<void> {}

  /** Whether the data is streamed: its pipeline's buffers live beside the tensors. */
  private get streamed(): boolean {
    return this.workload.data.kind !== 'tensors';
  }

  /**
   * One profiled step: its peak tensor bytes, the process's peak resident memory, and for
   * a streamed source the pipeline's share: resident memory above what the process held
   * before any trial that the tensors' growth does not explain (decoded and prefetched
   * batches, buffers of the decoder).
   */
  private async measureMemory(step: () => Promise<number>): Promise<Pick<Trial, 'peakBytes' | 'rssBytes' | 'pipelineBytes'> & { peakBytes: number; rssBytes: number }> {
    const stepRss = PeakRss.start();
    const profile = await this.tf.profile(step);
    const rssBytes = Math.max(process.memoryUsage().rss, stepRss.read() ?? 0);
    if (!this.streamed) return { peakBytes: profile.peakBytes, rssBytes };
    const pipelineBytes = Math.max(0, rssBytes - this.baseline.rss - (profile.peakBytes - this.baseline.tensorBytes));
    return { peakBytes: profile.peakBytes, rssBytes, pipelineBytes };
  }

  /**
   * The timed steps: each step's time, each one's wait for its batch, the CPU share, and
   * the tensors left behind per step (a pipeline whose map does not release its
   * intermediates leaks a few every batch, and the process dies of it in a long run).
   */
  private async timeSteps(step: () => Promise<number>, spec: TrialSpec, waited: { ms: number }, signal?: AbortSignal) {
    const times: number[] = [];
    const waits: number[] = [];
    const start = this.now();
    const wallStart = performance.now();
    const cpuStart = process.cpuUsage();
    const tensorsBefore = this.tf.memory().numTensors;
    while (times.length < spec.minSteps || this.now() - start < spec.minSeconds * 1000) {
      const t0 = performance.now();
      const wait0 = waited.ms;
      await step();
      times.push(performance.now() - t0);
      waits.push(waited.ms - wait0);
      // Steps on the CPU backends resolve as microtasks and would starve the event
      // loop: no signal handler, no timer would run until the probe ends.
      await yieldToEventLoop();
      if (this.now() >= spec.deadline || signal?.aborted) break;
    }
    const grown = this.tf.memory().numTensors - tensorsBefore;
    return {
      times,
      waits,
      cpuPerWall: cpuShare(process.cpuUsage(cpuStart), performance.now() - wallStart),
      leaked: leakedPerStep(grown, times.length),
    };
  }
}

/**
 * Tensors left behind per step, from the growth over `steps` timed steps; 0 when the growth
 * is within what a prefetched batch or a buffer filling up holds for a while (8 tensors).
 */
export function leakedPerStep(grown: number, steps: number): number {
  if (grown <= LEAK_SLACK || steps === 0) return 0;
  return Math.max(0, Math.round(grown / steps));
}

/** Tensors a stream may hold more at one moment than at another without leaking. */
const LEAK_SLACK = 8;

/**
 * CPU time per wall time over an interval, all the process's threads together: how many
 * cores it kept busy (tfjs-node's thread pool may keep several). Null for an interval too
 * short to say (under 50 ms: the CPU clock's grain).
 */
export function cpuShare(usage: NodeJS.CpuUsage, wallMs: number): number | null {
  if (!(wallMs >= 50)) return null;
  return Math.round(((usage.user + usage.system) / 1000 / wallMs) * 100) / 100;
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * One real training step (forward, backward, optimizer update) on the next batch.
 * Slicing the batch is part of the step, as it is in `model.fit`.
 */
export function trainingStep(model: tfTypes.LayersModel, batches: BatchStream, onWait?: (ms: number) => void): () => Promise<number> {
  return async () => {
    const asked = performance.now();
    const { x, y } = await batches.next();
    onWait?.(performance.now() - asked);
    try {
      const loss = await model.trainOnBatch(x, y);
      return Array.isArray(loss) ? loss[0] : loss;
    } finally {
      x.dispose();
      y.dispose();
    }
  };
}
