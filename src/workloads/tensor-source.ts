import type { Hash } from 'node:crypto';
import type { TF } from '../platform/tf';
import { createRandom, shuffledIndices } from '../util/random';
import type { Batch, BatchOrder, BatchStream, DataSource, Dataset } from './data-source';

/** Training and validation tensors, held whole in memory (arrays, tensors, tables). */
export interface TensorSplit {
  train: Dataset;
  validation: Dataset;
}

/**
 * The data source of tensors held in memory: batches and chunks are gathered rows. Taken
 * with `gather` over the rows' indices, not `slice`: wasm's Slice reads its whole input
 * (167 ms for a batch of 8 out of 260,000 rows of 98 features), so a probe on a large data
 * set measured the copy, not the step; a gather costs the batch's rows on every backend.
 */
export class TensorSource implements DataSource {
  readonly kind = 'tensors' as const;
  readonly notes: readonly string[] = [];

  constructor(
    private readonly tf: TF,
    readonly split: TensorSplit,
    readonly validationKind: 'held-out' | 'given' = 'held-out',
  ) {}

  get trainSamples(): number {
    return this.split.train.x.shape[0];
  }

  get valSamples(): number {
    return this.split.validation.x.shape[0];
  }

  get sampleShape(): { x: number[]; y: number[] } {
    return { x: this.split.train.x.shape.slice(1), y: this.split.train.y.shape.slice(1) };
  }

  residentBytes(): number {
    const { train, validation } = this.split;
    return [train.x, train.y, validation.x, validation.y].reduce((sum, t) => sum + t.size * 4, 0);
  }

  batches(batchSize: number, order: BatchOrder, seed: number): BatchStream {
    const { tf } = this;
    const data = this.split.train;
    const source = order === 'sequential' ? new BatchCursor(tf, data, batchSize) : order === 'shuffled' ? new ShuffledBatches(tf, data, batchSize, seed) : new IndependentBatches(tf, data, batchSize, seed);
    return { next: async () => source.next(), close: () => {} };
  }

  async *validation(chunk: number, rows?: readonly number[]): AsyncIterable<Batch> {
    yield* chunksOf(this.tf, this.split.validation, rows ?? null, chunk);
  }

  async *trainSample(chunk: number, rows: number): AsyncIterable<Batch> {
    const count = Math.min(rows, this.trainSamples);
    yield* chunksOf(this.tf, this.split.train, Array.from({ length: count }, (_, i) => i), chunk);
  }

  hashInto(hash: Hash): void {
    const { train, validation } = this.split;
    for (const t of [train.x, train.y, validation.x, validation.y]) {
      hash.update(JSON.stringify(t.shape));
      const values = t.dataSync();
      hash.update(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
    }
  }

  dispose(): void {
    const { train, validation } = this.split;
    this.tf.dispose([train.x, train.y, validation.x, validation.y]);
  }
}

/** The in-memory tensors of a workload whose data is held whole; throws for a streamed one (tests, benches). */
export function tensorsOf(workload: { data: DataSource }): TensorSplit {
  if (!(workload.data instanceof TensorSource)) throw new TypeError(`the workload's data is streamed (${workload.data.kind}), not held in memory`);
  return workload.data.split;
}

/** Rows of `data` (all in order when `rows` is null) in chunks of at most `chunk`, each gathered. */
function* chunksOf(tf: TF, data: Dataset, rows: readonly number[] | null, chunk: number): Generator<Batch> {
  const n = rows ? rows.length : data.x.shape[0];
  for (let begin = 0; begin < n; begin += chunk) {
    const size = Math.min(chunk, n - begin);
    yield tf.tidy(() => {
      const index = rows ? tf.tensor1d(rows.slice(begin, begin + size) as number[], 'int32') : tf.range(begin, begin + size, 1, 'int32');
      return { x: tf.gather(data.x, index), y: tf.gather(data.y, index) };
    });
  }
}

/** A source of training batches over tensors; the caller disposes each batch. */
interface BatchSource {
  next(): Dataset;
}

/**
 * Consecutive batches of a dataset, wrapping around at the end: enough where only the
 * cost of a step matters, as in the capacity probe.
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
 * `model.fit` does.
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
