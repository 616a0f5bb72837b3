import type { Recommendation } from '../../src/document';
import { kerasSnippet } from '../../src/report/snippets';
import { linearDecaySchedule } from '../../src/lr/schedule';

const rec = { batchSize: 64, learningRate: 0.01, horizon: { epochs: 10, steps: 1000, seconds: null, source: 'given' }, schedule: linearDecaySchedule(0.04, 1000) } as unknown as Recommendation;

describe('the Keras lines carry the optimizer as compiled', () => {
  it('momentum with Nesterov: SGD with both', () => {
    const line = kerasSnippet(rec, { name: 'momentum', learningRate: 0.05, settings: { momentum: 0.95, useNesterov: true } }).split('\n').find((l) => l.startsWith('model.compile'));
    expect(line).toContain('keras.optimizers.SGD(learning_rate=WarmupLinearDecay(), momentum=0.95, nesterov=True)');
  });

  it("Adam's betas and epsilon by their Keras names; RMSProp's decay is Keras's rho", () => {
    expect(kerasSnippet(rec, { name: 'adam', learningRate: 3e-4, settings: { beta1: 0.9, beta2: 0.98, epsilon: 1e-6 } })).toContain('Adam(learning_rate=WarmupLinearDecay(), beta_1=0.9, beta_2=0.98, epsilon=0.000001)');
    expect(kerasSnippet(rec, { name: 'rmsprop', learningRate: 1e-3, settings: { decay: 0.8, centered: true } })).toContain('RMSprop(learning_rate=WarmupLinearDecay(), rho=0.8, centered=True)');
  });

  it('momentum without recorded settings: 0.9, as TensorFlow.js rebuilds it', () => {
    expect(kerasSnippet(rec, { name: 'momentum', learningRate: 0.05 })).toContain('SGD(learning_rate=WarmupLinearDecay(), momentum=0.9)');
  });
});
