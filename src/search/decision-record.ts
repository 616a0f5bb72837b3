import type { DecisionConfig, SearchDecision } from '../document';
import { beatDefaultZ, type Decision } from './decide';
import type { Evidence } from './evidence';
import type { RunConfig } from './configs';
import type { RaceStop } from './race';

/** What the search knows of its decisive rung, for the document (see `recordDecision`). */
export interface DecisionInputs {
  evidence: Evidence;
  decision: Decision;
  /** Every configuration of the rung, by key. */
  configs: ReadonlyMap<string, RunConfig>;
  /** Each configuration's runs: their replicate and loss (null: diverged or failed). */
  replicates: (key: string) => { seed: number; fold?: number; loss: number | null }[];
  learned: (key: string) => boolean;
  rung: number;
  fraction: number;
  race: { stop: RaceStop; over: 'folds' | 'data orders'; maxReplicates: number; waves: number; runs: number };
  folds?: { count: number; rows: number[] };
}

/** The decision as the document records it: every configuration with its noise, the rule, the race. */
export function recordDecision(inputs: DecisionInputs): SearchDecision {
  const { evidence, decision } = inputs;
  const ref = (key: string) => {
    const c = inputs.configs.get(key)!;
    return { batchSize: c.batchSize, learningRate: c.learningRate, schedule: c.schedule, ...(c.default ? { default: true } : {}) };
  };
  const configs: DecisionConfig[] = [
    ...evidence.estimates.map((e) => ({
      ...ref(e.config),
      expectedLoss: e.mean,
      standardError: e.standardError,
      spread: e.sigma,
      learned: inputs.learned(e.config),
      replicates: inputs.replicates(e.config),
    })),
    ...evidence.diverged.map((key) => ({ ...ref(key), expectedLoss: null, standardError: null, spread: null, learned: false, replicates: inputs.replicates(key) })),
  ];
  return {
    rung: inputs.rung,
    fraction: inputs.fraction,
    rule: decision.rule,
    why: explainDecision(inputs),
    pick: ref(decision.pick),
    best: ref(decision.best),
    tied: decision.tied.map(ref),
    runnerUp: decision.runnerUp && { ...ref(decision.runnerUp.config), difference: decision.runnerUp.difference, standardError: decision.runnerUp.standardError },
    versusDefault: decision.versusDefault && {
      ...ref(decision.versusDefault.config),
      difference: decision.versusDefault.difference,
      standardError: decision.versusDefault.standardError,
      threshold: beatDefaultZ(decision.competitors),
    },
    noise: { sigma: evidence.sigma, from: evidence.sigmaFrom, degreesOfFreedom: evidence.degreesOfFreedom },
    race: inputs.race,
    ...(inputs.folds ? { folds: inputs.folds } : {}),
    configs,
  };
}

const fmt = (v: number) => (v === 0 ? '0' : Math.abs(v) >= 0.01 && Math.abs(v) < 1e4 ? Number(v.toPrecision(3)).toString() : v.toExponential(2));

/** The decision in one sentence: which rule picked, on what evidence. */
export function explainDecision(inputs: DecisionInputs): string {
  const { decision, evidence } = inputs;
  const name = (key: string) => {
    const c = inputs.configs.get(key)!;
    return c.default ? `your default (batch ${c.batchSize}, ${fmt(c.learningRate)} constant)` : `batch ${c.batchSize} at peak ${fmt(c.learningRate)}`;
  };
  const est = (key: string) => evidence.estimates.find((e) => e.config === key)!;
  const pick = est(decision.pick);
  const measured = `${fmt(pick.mean)} ± ${fmt(pick.standardError)} over ${pick.replicates} ${inputs.race.over === 'folds' ? 'fold' : 'data order'}${pick.replicates === 1 ? '' : 's'}`;
  switch (decision.rule) {
    case 'nothing-learned':
      return `no run left the initial loss by more than its noise: the runs were too short to learn, so nothing was decided, and ${name(decision.pick)} stands`;
    case 'default-within-noise': {
      const vs = decision.versusDefault!;
      return (
        `${name(decision.pick)} stands (${measured}): ${name(vs.config)} did better by ${fmt(vs.difference)}, ${fmt(vs.difference / vs.standardError)} standard errors, ` +
        `not the ${beatDefaultZ(decision.competitors).toFixed(2)} needed to replace it as the best of ${decision.competitors} compared`
      );
    }
    case 'faster-within-noise':
      return `${name(decision.pick)} (${measured}) trains fastest among those within noise of the best and within 1 % of its upper bound`;
    case 'lowest-bound': {
      const vs = decision.versusDefault;
      const beats = vs && vs.config === decision.pick ? `; it beats your default by ${fmt(vs.difference)} (${fmt(vs.difference / vs.standardError)} standard errors)` : '';
      const tied = decision.tied.length > 1 ? `, the lowest upper bound of the ${decision.tied.length} within noise of the best` : ', alone within noise of the best';
      return `${name(decision.pick)} (${measured})${tied}${beats}`;
    }
  }
}
