import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { tempDir } from './helpers/files';

/**
 * The time budget is a promise (issue 16): a model slower per step than any example
 * — a layer that waits per sample, as a big model on a CPU does — still ends within
 * the budget plus max(3 s, 3 %), as the user times the command, and every rate it
 * recommends was measured or is the compiled one.
 */
const BIN = path.join(__dirname, '..', 'bin', 'autobatch.js');
const files = tempDir('budget');

/** A module whose forward pass busy-waits `msPerSample` per sample, like a model that much slower. */
function slowModule(msPerSample: number): string {
  return files.write(
    `slow-${msPerSample}.cjs`,
    `
    exports.name = 'slow';
    exports.createModel = (tf) => {
      class Wait extends tf.layers.Layer {
        static className = 'Wait';
        computeOutputShape(shape) { return shape; }
        call(inputs) {
          const x = Array.isArray(inputs) ? inputs[0] : inputs;
          const end = Date.now() + ${msPerSample} * x.shape[0];
          while (Date.now() < end) {}
          return x;
        }
      }
      const m = tf.sequential({ layers: [
        tf.layers.dense({ inputShape: [8], units: 16, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
        new Wait({}),
        tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
      ] });
      m.compile({ optimizer: tf.train.adam(0.001), loss: 'meanSquaredError' });
      return m;
    };
    exports.loadData = (tf) => {
      const x = tf.randomNormal([2048, 8], 0, 1, 'float32', 7);
      return { x, y: x.sum(1, true) };
    };`,
  );
}

test.each([
  ['3 ms a sample', 10, 3],
  ['3 ms a sample', 20, 3],
  ['120 ms a sample (about a second a step)', 12, 120],
])('%s, --time-budget %ss: ends in time, rates measured or compiled', (_name, budget, msPerSample) => {
  const started = Date.now();
  const r = spawnSync(process.execPath, [BIN, 'probe', '--model', slowModule(msPerSample), '--time-budget', String(budget), '--backend', 'wasm', '--json'], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  const wall = (Date.now() - started) / 1000;
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect([0, 3]).toContain(r.status);
  expect(wall).toBeLessThanOrEqual(budget + Math.max(3, 0.03 * budget));
  const doc = JSON.parse(r.stdout);
  const rec = doc.recommendation;
  if (!rec) return;
  // Every recommended rate is one the run tried, or the compiled one.
  const tried = [0.001, ...(doc.lrRange?.points ?? []).map((p: { lr: number }) => p.lr), ...doc.candidates.flatMap((c: { runs?: { learningRate: number }[]; learningRate: number }) => [c.learningRate, ...(c.runs ?? []).map((run) => run.learningRate)])];
  const [low, high] = [Math.min(...tried), Math.max(...tried)];
  expect(rec.schedule.peakLearningRate).toBeGreaterThanOrEqual(low * (1 - 1e-9));
  expect(rec.schedule.peakLearningRate).toBeLessThanOrEqual(high * (1 + 1e-9));
  // The constant rate stands for the schedule, a quarter of its peak (README, "how it
  // decides") — or, when no rate was measured at all, is the compiled one.
  // Where nothing beat the user's default (or nothing was decided), it stands: the compiled rate, constant.
  const measured = doc.candidates.length > 0 || doc.lrRange?.suggestion;
  if (rec.schedule.kind === 'constant') expect([rec.learningRate, rec.schedule.peakLearningRate]).toEqual([0.001, 0.001]);
  else expect(rec.learningRate).toBeCloseTo(measured ? rec.schedule.peakLearningRate / 4 : 0.001, 12);
  if (doc.lrRange && doc.lrRange.suggestion === null) expect(rec.reasons.join(' ')).toMatch(/LR range test had|no visible descent|did not run/);
}, 130_000);
