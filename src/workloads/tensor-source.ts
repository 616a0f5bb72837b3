import type { Hash } from 'node:crypto';
import type { TF } from '../platform/tf';
import { batchRows } from './batch-rows';
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
    return tensorBatches(this.tf, this.split.train, batchSize, order, seed);
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

/** Batches of `data`'s rows in `order` (see `batchRows`), each gathered; the caller disposes each batch. */
export function tensorBatches(tf: TF, data: Dataset, batchSize: number, order: BatchOrder, seed: number): BatchStream {
  const rows = batchRows(data.x.shape[0], batchSize, order, seed);
  return {
    next: async () =>
      tf.tidy(() => {
        const indices = tf.tensor1d(rows(), 'int32');
        return { x: tf.gather(data.x, indices), y: tf.gather(data.y, indices) };
      }),
    close: () => {},
  };
}
