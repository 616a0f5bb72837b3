import type { ExampleName } from './names';
import type { WorkloadDefinition } from '../workload';
import { mnistCnn } from './mnist-cnn';
import { mnistMlp } from './mnist-mlp';
import { syntheticRegression } from './synthetic-regression';

const EXAMPLES: Record<ExampleName, (seed: number) => WorkloadDefinition> = {
  'mnist-mlp': mnistMlp,
  'mnist-cnn': mnistCnn,
  'synthetic-regression': syntheticRegression,
};

export function exampleWorkload(name: ExampleName, seed: number): WorkloadDefinition {
  return EXAMPLES[name](seed);
}
