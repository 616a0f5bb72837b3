import type { TF } from '../platform/tf';
import type { Dataset } from './workload';

/**
 * Folds of the user's rows, for cross-validation on small data (issue 28, item 3). A
 * held-out validation share is the first rows of one seeded order, the training rows
 * the rest (see `holdOut`, `loadDataFile`): together, validation first, they are that
 * order again. Fold i is the i-th slice of it as long as the validation share, the last
 * taking what is left; fold 0 is the workload's own split, so a run on fold 0 is a run
 * on the split every other phase used. Every fold trains on about as many rows as the
 * workload's training set, so a run's epochs mean the same number of steps.
 */

/** Folds at most, whatever the validation share (a share of 5 % would otherwise mean 20). */
export const MAX_FOLDS = 5;

/** A fold of the user's rows: `index` of `count`. */
export interface FoldSpec {
  index: number;
  count: number;
}

/** Slices of `valRows` the `total` rows make (the last taking what is left over, half a slice to one and a half). */
function sliceCount(total: number, valRows: number): number {
  return valRows > 0 ? Math.max(1, Math.round(total / valRows)) : 1;
}

/**
 * How many folds `valRows` validation rows of `trainRows + valRows` make: the slices of
 * that size, at most `MAX_FOLDS` (a 10 % share gives 5 of its 10 slices: every fold still
 * trains on 90 % of the rows, as the workload does). 1: too few for a second fold.
 */
export function foldCount(trainRows: number, valRows: number): number {
  return Math.min(MAX_FOLDS, sliceCount(trainRows + valRows, valRows));
}

/** Fold `index`'s rows in the combined order, [start, end): a slice of `valRows`; the last slice of all takes the rest. */
export function foldRange(total: number, valRows: number, fold: FoldSpec): [number, number] {
  const start = fold.index * valRows;
  const end = fold.index === sliceCount(total, valRows) - 1 ? total : Math.min(total, start + valRows);
  return [start, end];
}

/**
 * The training and validation rows of `fold`: gathered copies the caller disposes. Fold
 * 0 is the workload's own split (copied too, so the caller disposes alike).
 */
export function foldData(tf: TF, data: { train: Dataset; validation: Dataset }, fold: FoldSpec): { train: Dataset; validation: Dataset } {
  const valRows = data.validation.x.shape[0];
  const total = valRows + data.train.x.shape[0];
  const [start, end] = foldRange(total, valRows, fold);
  return tf.tidy(() => {
    const x = tf.concat([data.validation.x, data.train.x]);
    const y = tf.concat([data.validation.y, data.train.y]);
    const held = tf.range(start, end, 1, 'int32');
    const rest = tf.concat([tf.range(0, start, 1, 'int32'), tf.range(end, total, 1, 'int32')]);
    return {
      train: { x: tf.gather(x, rest), y: tf.gather(y, rest) },
      validation: { x: tf.gather(x, held), y: tf.gather(y, held) },
    };
  });
}
