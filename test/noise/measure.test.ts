import { estimateGradientNoise } from '../../src/noise/measure';
import { loadTf } from '../../src/platform/tf';
import { leastSquares } from '../helpers/least-squares';
import { useTestBackend } from '../helpers/backend';

const tf = loadTf();
beforeAll(async () => {
  await useTestBackend(tf, 'cpu');
});

describe('estimateGradientNoise on least squares with Gaussian inputs (closed form)', () => {
  test.each([
    [16, 0.5],
    [32, 2],
  ])('d = %i, σ = %p: B_simple within 15 %% of the closed form', async (d, sigma) => {
    const problem = leastSquares(tf, d, sigma, 16_384);
    const before = tf.memory().numTensors;
    const result = await estimateGradientNoise(tf, problem.model, problem.data, { seed: 3 });
    expect(tf.memory().numTensors).toBe(before);
    const relError = Math.abs(result.plain.bSimple - problem.expected.bSimple) / problem.expected.bSimple;
    expect(relError).toBeLessThan(0.15);
    expect(Math.abs(result.plain.gradSq - problem.expected.gradSq) / problem.expected.gradSq).toBeLessThan(0.15);
    expect(Math.abs(result.plain.traceSigma - problem.expected.traceSigma) / problem.expected.traceSigma).toBeLessThan(0.15);
    expect(result.preconditioned).toBeNull();
    problem.model.dispose();
    tf.dispose([problem.data.x, problem.data.y]);
  });

  test('leaves the weights as they were', async () => {
    const problem = leastSquares(tf, 8, 1, 2048);
    const before = problem.model.getWeights()[0].dataSync().slice();
    await estimateGradientNoise(tf, problem.model, problem.data, { batches: 16, precondition: true });
    expect(Array.from(problem.model.getWeights()[0].dataSync())).toEqual(Array.from(before));
    problem.model.dispose();
    tf.dispose([problem.data.x, problem.data.y]);
  });
});
