/** Built-in example workloads. */
export const EXAMPLE_NAMES = ['mnist-mlp', 'mnist-cnn', 'synthetic-regression'] as const;
export type ExampleName = (typeof EXAMPLE_NAMES)[number];
