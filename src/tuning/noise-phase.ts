import type { NoiseEstimate } from '../document';
import { NOISE_BATCH, gradientMs, measureNoiseAtInit } from '../noise/at-init';
import { noiseDeadline, planNoise } from '../search/plan';
import type { Trainer, Tuning } from './context';
import type { Capacity } from './probe-phase';
import { notRun, type PhaseStep } from './run-phase';

export interface NoiseInput {
  trainer: Trainer;
  capacity: Capacity;
}

/** The gradient noise scale at the initial weights (see `measureNoiseAtInit`); null where not measured. */
export const noisePhase: PhaseStep<NoiseInput, NoiseEstimate | null> = {
  phase: 'noise',
  share: ({ clock }) => ({ deadline: noiseDeadline(Date.now(), clock.end) }),
  reuse(tuning) {
    if (!tuning.resumption || !('noiseAtInit' in tuning.resumption)) return undefined;
    return { value: record(tuning, tuning.resumption.noiseAtInit ?? null), cut: false, done: true };
  },
  start(tuning, { trainer, capacity }, allot) {
    if (!capacity.searching || tuning.aborted()) return notRun(tuning, null);
    const batchSize = Math.min(NOISE_BATCH, capacity.safe);
    const { skipped, ...plan } = planNoise(gradientMs(capacity.probe.trials, batchSize), allot().deadline - Date.now());
    if (skipped) {
      tuning.note(skipped);
      return { skip: 'cut', value: null };
    }
    return { measure: () => measureNoiseAtInit(trainer.tf, trainer.workload, { seed: tuning.opts.seed, batchSize, ...plan }) };
  },
  end: (tuning, noiseAtInit) => ({ value: record(tuning, noiseAtInit), cut: false, done: true }),
};

function record(tuning: Tuning, noiseAtInit: NoiseEstimate | null): NoiseEstimate | null {
  if (noiseAtInit) tuning.doc.noise = { ...noiseAtInit, atInit: noiseAtInit, preconditioned: null };
  return noiseAtInit;
}
