import type * as tfTypes from '@tensorflow/tfjs';
import type { Trial } from '../document';
import { TrainingError, describeError } from '../util/errors';
import { median } from '../util/stats';
import type { TF } from '../platform/tf';
import type { BatchStream } from '../workloads/data-source';
import { disposeModel, type Workload } from '../workloads/workload';
import { isOutOfMemoryError } from './oom';
import { PeakRss } from '../platform/peak-rss';
import type { TrialRunner, TrialSpec } from './runner';

/**
 * Runs trials in this process. An out-of-memory that TensorFlow.js reports as an
 * error becomes a trial with status `oom`; one that kills the process kills this
 * runner too, which is why the CLI isolates trials in a child process.
 */
export class InProcessRunner implements TrialRunner {
  constructor(
    private readonly tf: TF,
    private readonly workload: Workload,
    private readonly now: () => number = Date.now,
  ) {}

  async runTrial(spec: TrialSpec, signal?: AbortSignal): Promise<Trial> {
    const { tf } = this;
    const failed = (status: Trial['status'], error: string): Trial => ({
      batchSize: spec.batchSize, status, stepMs: null, samplesPerSec: null, peakBytes: null, rssBytes: null, steps: 0, error,
    });
    let model: tfTypes.LayersModel | undefined;
    let batches: BatchStream | undefined;
    try {
      model = await this.workload.createModel();
      batches = this.workload.data.batches(spec.batchSize, 'sequential', 0);
      const step = trainingStep(model, batches);
      for (let i = 1; i < spec.warmupSteps; i++) await step();
      const stepRss = PeakRss.start();
      const profile = await tf.profile(step);
      const peakBytes = profile.peakBytes;
      let rssBytes = Math.max(process.memoryUsage().rss, stepRss.read() ?? 0);
      if (peakBytes > spec.memoryBudgetBytes) {
        return { batchSize: spec.batchSize, status: 'over-budget', stepMs: null, samplesPerSec: null, peakBytes, rssBytes, steps: 0 };
      }
      const times: number[] = [];
      const start = this.now();
      const wallStart = performance.now();
      const cpuStart = process.cpuUsage();
      while (times.length < spec.minSteps || this.now() - start < spec.minSeconds * 1000) {
        const t0 = performance.now();
        await step();
        times.push(performance.now() - t0);
        // Steps on the CPU backends resolve as microtasks and would starve the event
        // loop: no signal handler, no timer would run until the probe ends.
        await yieldToEventLoop();
        if (this.now() >= spec.deadline || signal?.aborted) break;
      }
      rssBytes = Math.max(rssBytes, process.memoryUsage().rss);
      const cpuPerWall = cpuShare(process.cpuUsage(cpuStart), performance.now() - wallStart);
      const stepMs = median(times);
      return {
        batchSize: spec.batchSize,
        status: 'ok',
        stepMs,
        samplesPerSec: (spec.batchSize * 1000) / stepMs,
        peakBytes,
        rssBytes,
        steps: times.length,
        ...(cpuPerWall !== null ? { cpuPerWall } : {}),
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
}

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
export function trainingStep(model: tfTypes.LayersModel, batches: BatchStream): () => Promise<number> {
  return async () => {
    const { x, y } = await batches.next();
    try {
      const loss = await model.trainOnBatch(x, y);
      return Array.isArray(loss) ? loss[0] : loss;
    } finally {
      x.dispose();
      y.dispose();
    }
  };
}
