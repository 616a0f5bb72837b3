import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Candidate, Trial } from '../../src/document';
import type { ProgressEvent } from '../../src/progress';
import { FIXTURES, recordedDocument } from './documents';

/**
 * The progress events of the run `recordedDocument` records, as `onProgress` received
 * them (the search's candidates without their runs and curves, which no progress output
 * reads): one backend, every trial ok, the search in the tuner's process.
 */
export function recordedProgress(): ProgressEvent[] {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES, 'recorded-progress.json'), 'utf8')) as ProgressEvent[];
}

/**
 * A run made up to take what the recorded one does not: a large file read, backends
 * skipped, failed, bisected and streamed trials, advice, a range test that blew up, and a
 * search of three processes whose runs overlap, one of which dies.
 */
export function parallelProgress(): ProgressEvent[] {
  const base = recordedDocument().candidates[0];
  const candidate = (batchSize: number, learningRate: number, rest: Partial<Candidate> = {}): Candidate => ({ ...base, batchSize, learningRate, ...rest });
  const trial = (batchSize: number, rest: Partial<Trial>): Trial => ({
    batchSize, status: 'ok', stepMs: 8, samplesPerSec: batchSize * 125, peakBytes: batchSize * 40_000, rssBytes: 3e8, steps: 20, ...rest,
  });
  const search = { count: 4, round: 0, rounds: 2 };
  const start = (index: number, batchSize: number, learningRate: number, process: number, inFlight: number): ProgressEvent => ({
    type: 'candidate-start', batchSize, learningRate, index, ...search, seconds: 4.5, searchSeconds: 30, process, inFlight,
  });
  return [
    { type: 'data-read', file: 'big.csv', bytes: 1_000_000, totalBytes: 3_000_000, rows: 12_000 },
    { type: 'data-read', file: 'big.csv', bytes: 2_000_000, totalBytes: 3_000_000, rows: 24_000 },
    { type: 'data-read', file: 'big.csv', bytes: 3_000_000, totalBytes: 3_000_000, rows: 36_000 },
    { type: 'phase-start', phase: 'backend' },
    { type: 'backend-skipped', backend: 'tensorflow', reason: 'tfjs-node is not installed' },
    { type: 'backend-skipped', backend: 'wasm', reason: 'a training step failed' },
    { type: 'backend-selected', backend: 'cpu' },
    { type: 'phase-end', phase: 'backend', seconds: 0.4 },
    { type: 'phase-start', phase: 'probe' },
    { type: 'trial-start', batchSize: 64, index: 0, secondsLeft: 20 },
    { type: 'trial-end', index: 0, trial: trial(64, { inputMs: 2, pipelineBytes: 5_000_000, leakedTensors: 3 }) },
    { type: 'trial-start', batchSize: 128, index: 1, secondsLeft: 17.5 },
    { type: 'trial-end', index: 1, trial: trial(128, { status: 'over-budget', peakBytes: 9e8 }) },
    { type: 'trial-start', batchSize: 96, index: 2, secondsLeft: 15 },
    { type: 'trial-end', index: 2, trial: trial(96, { status: 'oom', bisect: true, stepMs: null, samplesPerSec: null, peakBytes: null, error: 'out of memory (SIGKILL)' }) },
    { type: 'trial-start', batchSize: 80, index: 3, secondsLeft: 12 },
    { type: 'trial-end', index: 3, trial: trial(80, { status: 'crashed', bisect: true, stepMs: null, samplesPerSec: null, peakBytes: null }) },
    { type: 'phase-end', phase: 'probe', seconds: 8.5 },
    { type: 'advice', message: 'the budget is small for this model: the search will be short' },
    { type: 'phase-start', phase: 'noise' },
    { type: 'phase-end', phase: 'noise', seconds: 2.5 },
    { type: 'phase-start', phase: 'lr-range' },
    { type: 'lr-step', step: 0, steps: 3, lr: 1e-5, loss: 2.5 },
    { type: 'lr-step', step: 1, steps: 3, lr: 1e-3, loss: 0.75 },
    { type: 'lr-step', step: 2, steps: 3, lr: 1e-1, loss: Infinity },
    { type: 'phase-end', phase: 'lr-range', seconds: 1.25 },
    { type: 'phase-start', phase: 'search' },
    { type: 'search-pool', size: 3, pids: [101, 102, 103] },
    start(0, 64, 0.01, 0, 1),
    start(1, 64, 0.1, 1, 2),
    start(2, 128, 0.02, 2, 3),
    { type: 'candidate-end', index: 1, ...search, process: 1, inFlight: 2, candidate: candidate(64, 0.1), failure: { status: 'oom', error: 'out of memory (SIGKILL)' } },
    { type: 'candidate-end', index: 0, ...search, process: 0, inFlight: 1, candidate: candidate(64, 0.01, { valLoss: 0.123456, steps: 90 }) },
    start(3, 128, 0.2, 0, 2),
    { type: 'candidate-end', index: 2, ...search, process: 2, inFlight: 1, candidate: candidate(128, 0.02, { diverged: true }) },
    { type: 'candidate-end', index: 3, ...search, process: null, inFlight: 0, candidate: candidate(128, 0.2, { valLoss: null }) },
    { type: 'phase-end', phase: 'search', seconds: 12 },
    { type: 'search-pool', size: 1, pids: [104] },
  ];
}
