import { decide, type DecisionOptions } from '../../src/search/decide';
import { compareConfigs, weighEvidence, type Measurement } from '../../src/search/evidence';
import { nextContenders } from '../../src/search/race';
import { createRandom, normalFrom } from '../../src/util/random';

/**
 * Simulated result tables whose truth is known (issue 28, item 2): each configuration
 * has a true expected loss and a spread over data orders; every run of a replicate is
 * scored on the same rows (a row's difficulty is shared), each with a little noise of
 * its own. The decision and the race run on them exactly as the search runs them.
 */
interface Truth {
  config: string;
  mean: number;
  /** Spread of a run's loss over data orders. */
  spread: number;
}

const ROWS = 200;

function simulator(seed: number) {
  const random = createRandom(seed);
  const difficulty = Float32Array.from({ length: ROWS }, () => 0.3 * normalFrom(random));
  return (truth: Truth, replicate: number): Measurement => {
    const shift = truth.mean + truth.spread * normalFrom(random);
    const losses = Float32Array.from(difficulty, (d) => Math.max(0, shift + d + 0.02 * normalFrom(random)));
    const loss = losses.reduce((s, v) => s + v, 0) / ROWS;
    return { config: truth.config, replicate: `s${replicate}`, rows: 'validation', loss, losses };
  };
}

/** One search's decisive rung: every configuration once, then the race, as the search runs it. */
function runRace(truths: Truth[], seed: number, options: Partial<DecisionOptions> & { maxReplicates?: number } = {}) {
  const draw = simulator(seed);
  const runs = truths.map((t) => draw(t, 0));
  const decisionOptions: DecisionOptions = { baseline: options.baseline ?? null, throughput: options.throughput ?? (() => 1) };
  for (let wave = 0; wave < 100; wave++) {
    const evidence = weighEvidence(runs);
    const decision = decide(evidence, decisionOptions)!;
    const next = nextContenders(evidence, decision, { maxReplicates: options.maxReplicates ?? 5, maxContenders: 4, baseline: decisionOptions.baseline });
    if (next.stop) return { decision, evidence, runs: runs.length, stop: next.stop };
    for (const config of next.configs) {
      const done = runs.filter((r) => r.config === config).length;
      runs.push(draw(truths.find((t) => t.config === config)!, done));
    }
  }
  throw new Error('the race did not stop');
}

/** Twelve configurations equally good but noisy over data orders (high rates), and one truly better and steady. */
const crowd = (better: number): Truth[] => [
  ...Array.from({ length: 12 }, (_, i) => ({ config: `noisy-${i}`, mean: 1, spread: 0.06 })),
  { config: 'better', mean: better, spread: 0.01 },
];

describe('decisions that know their noise, on tables whose truth is known', () => {
  it('many equal noisy configurations and one truly better: the noisy ones do not win (the lowest single draw would)', () => {
    let raced = 0;
    let lowestDraw = 0;
    const trials = 200;
    for (let seed = 1; seed <= trials; seed++) {
      if (runRace(crowd(0.95), seed).decision.pick === 'better') raced++;
      // The rule this replaces: the lowest of one draw each.
      const draw = simulator(seed);
      const once = crowd(0.95).map((t) => draw(t, 0));
      if (once.reduce((a, b) => (b.loss! < a.loss! ? b : a)).config === 'better') lowestDraw++;
    }
    expect(raced / trials).toBeGreaterThan(0.85);
    expect(lowestDraw / trials).toBeLessThan(0.6);
  });

  it("the user's default, as good as the rest, stays the answer however lucky another draw is", () => {
    const truths: Truth[] = [{ config: 'default', mean: 1, spread: 0.03 }, ...Array.from({ length: 10 }, (_, i) => ({ config: `tuned-${i}`, mean: 1, spread: 0.05 }))];
    let kept = 0;
    for (let seed = 1; seed <= 100; seed++) if (runRace(truths, seed, { baseline: 'default' }).decision.pick === 'default') kept++;
    expect(kept).toBeGreaterThanOrEqual(85);
  });

  it('one configuration 8 % better than the default, among ten as good as the default: it replaces the default', () => {
    const truths: Truth[] = [{ config: 'default', mean: 1, spread: 0.03 }, { config: 'tuned', mean: 0.92, spread: 0.03 }, ...Array.from({ length: 10 }, (_, i) => ({ config: `other-${i}`, mean: 1, spread: 0.05 }))];
    let replaced = 0;
    for (let seed = 1; seed <= 100; seed++) if (runRace(truths, seed, { baseline: 'default' }).decision.pick === 'tuned') replaced++;
    expect(replaced).toBeGreaterThanOrEqual(85);
  });

  it("a configuration clearly better than the default replaces it, and the decision says by how much", () => {
    const truths: Truth[] = [{ config: 'default', mean: 1, spread: 0.02 }, { config: 'tuned', mean: 0.8, spread: 0.02 }, { config: 'other', mean: 0.95, spread: 0.02 }];
    const { decision } = runRace(truths, 7, { baseline: 'default' });
    expect(decision.pick).toBe('tuned');
    expect(decision.rule).toBe('lowest-bound');
    expect(decision.versusDefault!.difference).toBeGreaterThan(0.1);
    expect(decision.versusDefault!.difference).toBeGreaterThan(2 * decision.versusDefault!.standardError);
  });

  it('the race stops once nothing is within noise of the pick, and trains the contenders only', () => {
    const truths: Truth[] = [{ config: 'a', mean: 0.5, spread: 0.01 }, { config: 'b', mean: 1, spread: 0.01 }, { config: 'c', mean: 2, spread: 0.01 }];
    const result = runRace(truths, 3);
    expect(result.stop).toBe('settled');
    // The pick measured twice: σ from replicates, not the prior.
    expect(result.runs).toBe(4);
  });

  it('close contenders are raced to their last replicate, and σ is then measured, not assumed', () => {
    const truths: Truth[] = [{ config: 'a', mean: 1, spread: 0.05 }, { config: 'b', mean: 1.001, spread: 0.05 }];
    const result = runRace(truths, 11, { maxReplicates: 3 });
    expect(result.stop).toBe('replicates');
    expect(result.runs).toBe(6);
    expect(result.evidence.sigmaFrom).toBe('replicates');
    expect(result.evidence.sigma).toBeGreaterThan(0.02);
    expect(result.evidence.sigma).toBeLessThan(0.12);
  });

  it('among tied configurations the faster wins only when its bound is as good', () => {
    const draw = simulator(5);
    const truths: Truth[] = [{ config: 'slow', mean: 1, spread: 0 }, { config: 'fast', mean: 1.004, spread: 0 }];
    const runs = [0, 1, 2].flatMap((k) => truths.map((t) => draw(t, k)));
    const decision = decide(weighEvidence(runs), { baseline: null, throughput: (c) => (c === 'fast' ? 1000 : 10) })!;
    expect(decision.tied.sort()).toEqual(['fast', 'slow']);
    expect(decision.pick).toBe('fast');
    expect(decision.rule).toBe('faster-within-noise');
    // Measured once, the fast one's bound is wide: the slow one, measured three times, stays.
    const once = [...[0, 1, 2].map((k) => draw(truths[0], k)), draw(truths[1], 0)];
    expect(decide(weighEvidence(once), { baseline: null, throughput: (c) => (c === 'fast' ? 1000 : 10) })!.pick).toBe('slow');
  });

  it('runs that did not learn decide nothing: the default is kept, with that rule', () => {
    const draw = simulator(9);
    const runs = [draw({ config: 'default', mean: 1, spread: 0 }, 0), draw({ config: 'x', mean: 0.5, spread: 0 }, 0)];
    const decision = decide(weighEvidence(runs), { baseline: 'default', throughput: () => 1, learned: () => false })!;
    expect(decision).toMatchObject({ pick: 'default', rule: 'nothing-learned' });
  });

  it('a configuration with a diverged replicate is out of the decision', () => {
    const draw = simulator(2);
    const runs = [draw({ config: 'a', mean: 0.5, spread: 0 }, 0), { ...draw({ config: 'a', mean: 0.5, spread: 0 }, 1), loss: null, losses: null }, draw({ config: 'b', mean: 0.9, spread: 0 }, 0)];
    const evidence = weighEvidence(runs);
    expect(evidence.diverged).toEqual(['a']);
    expect(decide(evidence, { baseline: null, throughput: () => 1 })!.pick).toBe('b');
  });
});

describe('weighEvidence', () => {
  it("removes what a replicate shares: a hard fold lowers no one's rank", () => {
    // a is 0.1 better than b on every fold; folds differ by 1.0 in difficulty; b was measured on the easy fold only.
    const run = (config: string, fold: number, loss: number): Measurement => ({ config, replicate: `f${fold}`, rows: `f${fold}`, loss, losses: Float32Array.from({ length: 10 }, () => loss) });
    const runs = [run('a', 0, 1.0), run('a', 1, 2.0), run('a', 2, 1.5), run('b', 0, 1.1)];
    const evidence = weighEvidence(runs);
    const a = evidence.estimates.find((e) => e.config === 'a')!;
    const b = evidence.estimates.find((e) => e.config === 'b')!;
    expect(a.mean).toBeCloseTo(1.5);
    expect(b.mean).toBeCloseTo(1.6);
    expect(compareConfigs(evidence, 'b', 'a').difference).toBeCloseTo(0.1);
  });

  it('with no configuration measured twice, σ is the prior, 2 % of the best loss', () => {
    const draw = simulator(1);
    const evidence = weighEvidence([draw({ config: 'a', mean: 1, spread: 0.1 }, 0), draw({ config: 'b', mean: 2, spread: 0.1 }, 0)]);
    expect(evidence.sigmaFrom).toBe('prior');
    expect(evidence.sigma).toBeCloseTo(0.02 * evidence.estimates[0].mean, 6);
  });
});
