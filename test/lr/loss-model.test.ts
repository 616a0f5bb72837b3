import { EXPONENT_PRIOR, fitLossModel, type LengthRatePoint } from '../../src/lr/loss-model';
import { createRandom, normalFrom } from '../../src/util/random';

/**
 * Runs from a known landscape: at length s the loss is a parabola in log rate around
 * η*(s) = η0 · (s / 1000)^−α, its floor falling with log s; plus noise of spread σ.
 */
function landscape(alpha: number, lengths: number[], sigma: number, seed = 1): LengthRatePoint[] {
  const random = createRandom(seed);
  const rates = [0.1, 10 ** -0.5, 1, 10 ** 0.5, 10].map((f) => f * 0.01);
  return lengths.flatMap((steps) =>
    rates.map((rate) => {
      const best = Math.log(0.003) - alpha * Math.log(steps / 1000);
      const floor = 1 - 0.1 * Math.log(steps / 100);
      return { steps, rate, loss: floor + 0.08 * (Math.log(rate) - best) ** 2 + sigma * normalFrom(random) };
    }),
  );
}

describe('the loss model over (rate, length)', () => {
  test.each([0.1, 0.3, 0.6])('α = %p measured on three rungs (E/9, E/3, E): recovered within its interval', (alpha) => {
    const fit = fitLossModel(landscape(alpha, [111, 333, 1000], 0.005), 0.005)!;
    expect(fit.exponentFrom).toBe('runs');
    expect(fit.exponent.value).toBeCloseTo(alpha, 1);
    expect(fit.exponent.low).toBeLessThanOrEqual(alpha + 0.02);
    expect(fit.exponent.high).toBeGreaterThanOrEqual(alpha - 0.02);
    // The optimum at three times the longest length, against the truth.
    const truth = 0.003 * 3 ** -alpha;
    expect(fit.optimumAt(3000).rate / truth).toBeGreaterThan(0.8);
    expect(fit.optimumAt(3000).rate / truth).toBeLessThan(1.25);
  });

  test('one length of several rates: the prior alone carries α, and its interval is the prior\'s', () => {
    const fit = fitLossModel(landscape(0.6, [1000], 0.005), 0.005)!;
    expect(fit.exponentFrom).toBe('prior');
    expect(fit.exponent.value).toBeCloseTo(EXPONENT_PRIOR.mean, 1);
    expect(fit.exponent.high - fit.exponent.low).toBeGreaterThan(0.2);
    expect(fit.lossAt(3000)).toBeNull();
  });

  test('noisier runs lean on the prior more: the interval widens', () => {
    const quiet = fitLossModel(landscape(0.6, [111, 333, 1000], 0.002), 0.002)!;
    const noisy = fitLossModel(landscape(0.6, [111, 333, 1000], 0.05, 3), 0.05)!;
    expect(noisy.exponent.high - noisy.exponent.low).toBeGreaterThan(quiet.exponent.high - quiet.exponent.low);
  });

  test('the predicted loss at the horizon lies between the trend continued and the longest runs\' best', () => {
    const fit = fitLossModel(landscape(0.3, [111, 333, 1000], 0.001), 0.001)!;
    const loss = fit.lossAt(3000)!;
    const floorAt = (s: number) => 1 - 0.1 * Math.log(s / 100);
    expect(loss.high).toBeCloseTo(floorAt(1000), 1);
    expect(loss.low).toBeCloseTo(floorAt(3000), 1);
    expect(loss.value).toBeGreaterThan(loss.low);
    expect(loss.value).toBeLessThan(loss.high);
  });

  test('no fit without three finite rates around some minimum', () => {
    expect(fitLossModel([{ steps: 10, rate: 0.01, loss: 1 }, { steps: 10, rate: 0.1, loss: null }], 0.01)).toBeNull();
  });
});
