import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ProbeResult } from '../../src/document';
import type { SearchPlan } from '../../src/search/plan';
import { recommend } from '../../src/recommend';
import { dispatchInOrder } from '../../src/runner/dispatch';
import { RunPool } from '../../src/runner/pool';
import type { RunSpec } from '../../src/runner/run-spec';
import { searchBatchSizes, type SearchOutcome } from '../../src/search/search';
import { trainCandidate } from '../../src/search/train-candidate';
import { loadTf } from '../../src/platform/tf';
import { resolveWorkload, type WorkloadSpec } from '../../src/workloads/spec';
import { createWorkload, type Workload } from '../../src/workloads/workload';
import { tempDir } from '../helpers/files';
import { paperProbe, trial } from '../helpers/trials';
import { testBackend, useTestBackend } from '../helpers/backend';

const tf = loadTf();
const files = tempDir('pool');

/**
 * A small seeded module workload: a 6-16-1 MLP (seeded initializers) on 320 seeded rows.
 * The first process to train a batch of 8 while the file `marker` exists deletes it and
 * kills itself with SIGKILL (as the out-of-memory killer would).
 */
const moduleText = (marker: string) => `
  const fs = require('node:fs');
  exports.createModel = (tf) => {
    class Fuse extends tf.layers.Layer {
      static className = 'Fuse';
      computeOutputShape(s) { return s; }
      call(inputs) {
        const x = Array.isArray(inputs) ? inputs[0] : inputs;
        const marker = ${JSON.stringify(marker)};
        if (x.shape[0] === 8) {
          let mine = false;
          try { fs.unlinkSync(marker); mine = true; } catch {}
          if (mine) process.kill(process.pid, 'SIGKILL');
        }
        return tf.relu(x);
      }
    }
    const init = (seed) => tf.initializers.glorotUniform({ seed });
    return tf.sequential({ layers: [
      tf.layers.dense({ inputShape: [6], units: 16, kernelInitializer: init(1) }),
      new Fuse(),
      tf.layers.dense({ units: 1, kernelInitializer: init(2) }),
    ] });
  };
  exports.loss = 'meanSquaredError';
  exports.loadData = (tf) => {
    const make = (n, offset) => {
      const x = Array.from({ length: n }, (_, i) => [0, 1, 2, 3, 4, 5].map((j) => Math.sin(3 * (i + offset) + j)));
      return { x: tf.tensor2d(x), y: tf.tensor2d(x.map((r) => [r[0] * r[1] + r[2]])) };
    };
    return { train: make(256, 0), validation: make(64, 1000) };
  };`;

let spec: WorkloadSpec;
let workload: Workload;
let marker: string;

beforeAll(async () => {
  await useTestBackend(tf, 'cpu');
  marker = path.join(files.dir(), 'die-once');
  spec = { example: 'mnist-mlp', model: files.write('tiny.cjs', moduleText(marker)), standardize: true, validationSplit: 0.2, seed: 42 };
  workload = await createWorkload(tf, await resolveWorkload(spec), spec);
});

afterAll(() => {
  workload?.dispose();
});

const pool = (size: number) => new RunPool({ workload: spec, backend: testBackend('cpu'), minBatch: 4, size });
const run = (batchSize: number, learningRate: number): RunSpec => ({
  batchSize, learningRate, steps: 12, seconds: 60, schedule: 'linear-decay', seed: 7, precondition: true, maxBatch: 16, measureNoise: true, noiseBatches: 16,
});
/** What a run measured, without its wall times. */
const measured = (r: Awaited<ReturnType<typeof trainCandidate>>) => ({
  steps: r.steps,
  losses: r.curve.map(([, loss]) => loss),
  valLosses: Array.from(r.valLosses ?? []),
  trainLoss: r.trainLoss,
  noise: r.noise,
  diverged: r.diverged,
});

describe('the search pool', () => {
  test('a run gives the same losses, bit for bit, in this process, in a child, and with two at once', async () => {
    const jobs = [run(4, 0.01), run(8, 0.02), run(16, 0.05)];
    const before = tf.memory().numTensors;
    const here = [];
    for (const job of jobs) here.push(measured(await trainCandidate(tf, workload, job)));
    expect(tf.memory().numTensors).toBe(before);
    for (const size of [1, 2]) {
      const p = pool(size);
      try {
        await p.start();
        const outcomes = await dispatchInOrder(jobs, p.workers().map((w) => (job: RunSpec) => w.run(job)));
        expect(outcomes.map((o) => measured(o!.run!))).toEqual(here);
        if (size === 2) expect(new Set(outcomes.map((o) => o!.process)).size).toBe(2);
      } finally {
        await p.close();
      }
    }
  }, 120_000);

  describe('searchBatchSizes on a pool', () => {
    const probe = paperProbe();
    // 100 ms a step on paper: a round of t seconds is 10·t steps, and a run's wall-time cap
    // (1.5 t) is far beyond what its steps take, however busy the machine.
    const plan: SearchPlan = {
      count: 3,
      rounds: [
        { batchSizes: 3, trainSeconds: 1, lrFactors: [0.5, 1, 2] },
        { batchSizes: 3, trainSeconds: 3, lrFactors: [1] },
        { batchSizes: 2, trainSeconds: 9, lrFactors: [0.5, 1, 2] },
      ],
    };
    const search = (workers?: RunPool) =>
      searchBatchSizes(tf, workload, {
        probe, noiseAtInit: null, referenceLr: 0.01, referenceBatch: 8, optimizer: { name: 'adam', learningRate: 0.001 },
        plan, maxBatch: 16, seed: 5, precondition: true, ...(workers ? { workers: workers.workers() } : {}),
      });
    const recommendationOf = (outcome: SearchOutcome) =>
      recommend({
        probe, workload: workload.info, memoryBudgetBytes: 2 ** 30, noiseAtInit: null, lrRange: { batchSize: 8, suggestion: 0.01 },
        search: outcome, phasesCut: [], workers: 1, horizon: { epochs: 5, source: 'given' },
      });
    /** The decisions and what they rest on, without wall times or which process ran what. */
    const decisions = (outcome: SearchOutcome) => ({
      candidates: outcome.candidates.map((c) => ({
        batchSize: c.batchSize, learningRate: c.learningRate, round: c.round, valLoss: c.valLoss, trainLoss: c.trainLoss, score: c.score, tied: c.tied,
        steps: c.steps, gradientVariance: c.gradientVariance, runs: c.runs!.map(({ process: _process, ...r }) => r),
      })),
      decision: outcome.decision,
      pick: outcome.pick,
      noise: outcome.noise,
      steps: outcome.steps,
    });

    test('one process at a time or two side by side: the same candidates and recommendation, given the same plan', async () => {
      const alone = await search();
      const p = pool(2);
      let sideBySide: SearchOutcome;
      try {
        await p.start();
        sideBySide = await search(p);
      } finally {
        await p.close();
      }
      expect(decisions(sideBySide)).toEqual(decisions(alone));
      const runs = sideBySide.candidates.flatMap((c) => c.runs!);
      expect(new Set(runs.map((r) => r.process))).toEqual(new Set([0, 1]));
      const { reasons: _a, ...withoutReasons } = recommendationOf(alone)!;
      const { reasons: _b, ...poolWithoutReasons } = recommendationOf(sideBySide)!;
      expect(poolWithoutReasons).toEqual(withoutReasons);
    }, 180_000);

    test('a search process killed mid-run: that run failed (oom), the pool replaces the process, the search goes on', async () => {
      fs.writeFileSync(marker, '');
      const p = pool(2);
      try {
        await p.start();
        const outcome = await search(p);
        expect(fs.existsSync(marker)).toBe(false);
        const runs = outcome.candidates.flatMap((c) => c.runs!.map((r) => ({ ...r, batchSize: c.batchSize })));
        const failed = runs.filter((r) => r.status !== undefined);
        expect(failed).toHaveLength(1);
        expect(failed[0]).toMatchObject({ batchSize: 8, round: 0, status: 'oom', steps: 0, valLoss: null });
        expect(failed[0].error).toMatch(/SIGKILL/);
        expect(outcome.failures).toBe(1);
        // Every planned run of a size but the failed one trained: 9 + 3 + 6, and any past an edge rate at the top.
        expect(runs.filter((r) => r.status === undefined && r.valLoss !== null).length).toBeGreaterThanOrEqual(17);
        // The slot whose process died trained again afterwards, in a new process.
        expect(runs.filter((r) => r.process === failed[0].process).length).toBeGreaterThan(1);
        expect(outcome.decision).not.toBeNull();
      } finally {
        await p.close();
        fs.rmSync(marker, { force: true });
      }
    }, 180_000);
  });
});
