import type { TF } from '../platform/tf';
import { createRandom, shuffledIndices } from '../util/random';
import type { Dataset } from '../workloads/workload';

/** A source of training batches; the caller disposes each batch. */
export interface BatchSource {
  next(): Dataset;
}

/**
 * Consecutive batches of a dataset, wrapping around at the end: enough where only the
 * cost of a step matters, as in the capacity probe. Taken with `gather` over the rows'
 * indices, not `slice`: wasm's Slice reads its whole input (167 ms for a batch of 8 out
 * of 260,000 rows of 98 features), so a probe on a large data set measured the copy,
 * not the step; a gather costs the batch's rows on every backend.
 */
export class BatchCursor implements BatchSource {
  private offset = 0;
  private readonly size: number;

  constructor(private readonly tf: TF, private readonly data: Dataset, private readonly batchSize: number) {
    this.size = data.x.shape[0];
    if (batchSize > this.size) throw new RangeError(`batch size ${batchSize} exceeds the ${this.size} samples`);
  }

  next(): Dataset {
    if (this.offset + this.batchSize > this.size) this.offset = 0;
    const begin = this.offset;
    this.offset += this.batchSize;
    return this.tf.tidy(() => {
      const indices = this.tf.range(begin, begin + this.batchSize, 1, 'int32');
      return { x: this.tf.gather(this.data.x, indices), y: this.tf.gather(this.data.y, indices) };
    });
  }
}

/**
 * Batches drawn without replacement in a seeded random order, reshuffled each epoch, as
 * `model.fit` does. Where gradients are compared (noise scale, learning rate, search),
 * data sorted by label must not make consecutive batches alike.
 */
export class ShuffledBatches implements BatchSource {
  private order: number[] = [];
  private offset = 0;
  private readonly random: () => number;
  private readonly size: number;

  constructor(private readonly tf: TF, private readonly data: Dataset, private readonly batchSize: number, seed: number) {
    this.size = data.x.shape[0];
    if (batchSize > this.size) throw new RangeError(`batch size ${batchSize} exceeds the ${this.size} samples`);
    this.random = createRandom(seed);
  }

  next(): Dataset {
    if (this.offset + this.batchSize > this.order.length) {
      this.order = shuffledIndices(this.size, this.random);
      this.offset = 0;
    }
    const rows = this.order.slice(this.offset, this.offset + this.batchSize);
    this.offset += this.batchSize;
    return this.tf.tidy(() => {
      const indices = this.tf.tensor1d(rows, 'int32');
      return { x: this.tf.gather(this.data.x, indices), y: this.tf.gather(this.data.y, indices) };
    });
  }
}

/**
 * Batches drawn independently of each other (rows distinct within a batch). The noise
 * estimator assumes independent batch gradients; disjoint batches from one shuffle
 * are not (their mean is a sample without replacement), which biases |G|² low.
 */
export class IndependentBatches implements BatchSource {
  private readonly random: () => number;
  private readonly size: number;
  private readonly pool: number[];

  constructor(private readonly tf: TF, private readonly data: Dataset, private readonly batchSize: number, seed: number) {
    this.size = data.x.shape[0];
    if (batchSize > this.size) throw new RangeError(`batch size ${batchSize} exceeds the ${this.size} samples`);
    this.random = createRandom(seed);
    this.pool = Array.from({ length: this.size }, (_, i) => i);
  }

  next(): Dataset {
    // Partial Fisher–Yates: the first batchSize entries become a uniform sample.
    for (let i = 0; i < this.batchSize; i++) {
      const j = i + Math.floor(this.random() * (this.size - i));
      [this.pool[i], this.pool[j]] = [this.pool[j], this.pool[i]];
    }
    const rows = this.pool.slice(0, this.batchSize);
    return this.tf.tidy(() => {
      const indices = this.tf.tensor1d(rows, 'int32');
      return { x: this.tf.gather(this.data.x, indices), y: this.tf.gather(this.data.y, indices) };
    });
  }
}
