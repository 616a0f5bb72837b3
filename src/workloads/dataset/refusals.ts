import type * as tfTypes from '@tensorflow/tfjs';
import { InputError } from '../../util/errors';

/**
 * A dataset whose elements are already batches (features with one dimension more than
 * the model's input, the rest fitting it) cannot be measured at other batch sizes:
 * refused before any training, saying what to export instead.
 * @throws InputError for such a dataset.
 */
export function refuseBatched(model: tfTypes.LayersModel, sample: { x: readonly number[] }, name: string): void {
  const input = model.inputs[0]?.shape.slice(1) ?? [];
  const fits = (expected: (number | null)[], actual: readonly number[]) => expected.length === actual.length && expected.every((d, i) => d === null || d === actual[i]);
  if (sample.x.length === input.length + 1 && fits(input, sample.x.slice(1))) {
    throw new InputError(
      `${name}: the dataset's elements are batches (xs of shape [${sample.x.join(', ')}] for a model taking [${input.map((d) => d ?? '?').join(', ')}]): ` +
        'export it unbatched (without .batch()): autobatch batches it itself at every size it measures',
    );
  }
}
