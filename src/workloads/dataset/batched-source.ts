import type { Hash } from 'node:crypto';
import type { TF } from '../../platform/tf';
import { InputError } from '../../util/errors';
import type { Batch, BatchOrder, BatchStream, DataSource } from '../data-source';
import { checkElementShape, chunkElements, filterIndexed, prefetchedStream } from './chunks';
import { onePass, type Element, type UserDataset } from './elements';

/** The module's dataset of batches of `batchSize`: `createDataset(tf, { batchSize, seed })`. */
export type BatchFactory = (batchSize: number, seed: number) => Promise<UserDataset>;

/** A batched factory as opened in one process: its sizes, its validation set, what identifies it. */
export interface OpenedBatchFactory {
  name: string;
  factory: BatchFactory;
  /** Training samples in one pass. */
  size: number;
  /** The module's validation elements (unbatched), their count and the first one's shapes. */
  validation: { dataset: UserDataset; size: number; shape: { x: number[]; y: number[] } };
  /** One sample's shapes, from the first batch (its first dimension dropped). */
  sampleShape: { x: number[]; y: number[] };
  hashes: string[];
  notes: string[];
}

/** The seed the train loss's sample is read with: the same batches in every run, as far as the pipeline is seeded. */
const SAMPLE_SEED = 0;

/**
 * A module's pipeline with batch-level steps (mixup, padding to the longest in the batch):
 * `createDataset(tf, { batchSize, seed })` is called at each size a run trains, once a
 * stream, and iterated pass after pass. Every batch's first dimension is checked against
 * the size asked for; a pass's smaller last batch is not trained on, so every step is
 * measured at its size. The pipeline orders and augments its own batches: autobatch hands
 * it the run's seed. Validation is the module's own set of unbatched elements, batched
 * here for evaluation: samples cannot be held out of batches autobatch does not make.
 */
export class BatchedDatasetSource implements DataSource {
  readonly kind = 'dataset' as const;
  readonly validationKind = 'given' as const;
  readonly batchedByPipeline = true;

  constructor(private readonly tf: TF, private readonly opened: OpenedBatchFactory) {}

  get trainSamples(): number {
    return this.opened.size;
  }

  get valSamples(): number {
    return this.opened.validation.size;
  }

  get sampleShape(): { x: number[]; y: number[] } {
    const { x, y } = this.opened.sampleShape;
    return { x, y: y.length === 0 ? [1] : y };
  }

  get notes(): readonly string[] {
    return this.opened.notes;
  }

  /** The sizes it was opened with: another process opening the same module need not count it. */
  sizes(): { elements: number; validation: number } {
    return { elements: this.opened.size, validation: this.opened.validation.size };
  }

  /** The batch training, the one read ahead, and one the pipeline is building. */
  residentBytes(maxBatch: number): number {
    const { x, y } = this.sampleShape;
    return 3 * maxBatch * 4 * (x.reduce((a, d) => a * d, 1) + y.reduce((a, d) => a * d, 1));
  }

  batches(batchSize: number, _order: BatchOrder, seed: number): BatchStream {
    if (batchSize > this.trainSamples) throw new RangeError(`batch size ${batchSize} exceeds the ${this.trainSamples} samples`);
    // The pipeline gives its batches in its own order, whatever the phase asks: the probe
    // reads them as they come, the noise scale takes them as independent.
    const batches = this.repeated(batchSize, seed);
    const take = async () => {
      const next = await batches.next();
      if (next.done) throw new InputError(`${this.opened.name}: createDataset(tf, { batchSize: ${batchSize} }) stopped giving batches`);
      return next.value;
    };
    return prefetchedStream(this.tf, take, () => void batches.return(undefined));
  }

  async *validation(chunk: number, rows?: readonly number[]): AsyncIterable<Batch> {
    const wanted = rows ? new Set(rows) : null;
    yield* chunkElements(this.tf, filterIndexed(this.validationElements(), (i) => !wanted || wanted.has(i), this.tf), chunk);
  }

  /** The first `rows` samples of one pass at batch size `chunk`, the same seed every time. */
  async *trainSample(chunk: number, rows: number): AsyncIterable<Batch> {
    let left = Math.min(rows, this.trainSamples);
    if (left < 1) return;
    const dataset = await this.opened.factory(chunk, SAMPLE_SEED);
    for await (const batch of checkedBatches(this.tf, dataset, chunk, this.opened.name)) {
      const n = batch.x.shape[0];
      if (n <= left) {
        left -= n;
        yield batch;
      } else {
        const cut = left;
        const part = this.tf.tidy(() => ({ x: batch.x.slice(0, cut), y: batch.y.slice(0, cut) }));
        this.tf.dispose([batch.x, batch.y]);
        left = 0;
        yield part;
      }
      if (left === 0) return;
    }
  }

  hashInto(hash: Hash): void {
    hash.update(JSON.stringify({ batched: true, size: this.opened.size, validation: this.opened.validation.size, hashes: this.opened.hashes }));
  }

  dispose(): void {}

  /** Pass after pass over the factory's dataset at `batchSize`, its full batches only. */
  private async *repeated(batchSize: number, seed: number): AsyncGenerator<Batch> {
    const dataset = await this.opened.factory(batchSize, seed);
    for (;;) {
      let full = 0;
      for await (const batch of checkedBatches(this.tf, dataset, batchSize, this.opened.name)) {
        if (batch.x.shape[0] < batchSize) {
          this.tf.dispose([batch.x, batch.y]);
          continue;
        }
        full++;
        yield batch;
      }
      if (full === 0) throw new InputError(`${this.opened.name}: a pass of createDataset(tf, { batchSize: ${batchSize} }) gave no batch of ${batchSize}; it must give its samples on every pass`);
    }
  }

  private async *validationElements(): AsyncGenerator<Element> {
    const { dataset, shape } = this.opened.validation;
    const name = `${this.opened.name} (validation)`;
    for await (const element of onePass(this.tf, dataset, name)) yield checkElementShape(this.tf, element, shape, name, 'a validation element');
  }
}

/**
 * One pass over a batched dataset, each batch checked: as many samples in `xs` as in
 * `ys`, and `batchSize` of them, but for the pass's last batch, which may have fewer. A
 * rank-1 `ys` becomes a column, as stacked targets do.
 * @throws InputError, one line saying what it got, for a batch of another size.
 */
export async function* checkedBatches(tf: TF, dataset: UserDataset, batchSize: number, name: string): AsyncGenerator<Batch> {
  const where = `${name}: createDataset(tf, { batchSize: ${batchSize} })`;
  let short: number | null = null;
  let index = 0;
  for await (const { x, y } of onePass(tf, dataset, where)) {
    const samples = x.rank > 0 ? x.shape[0] : 0;
    const sizeRule = "a batched factory's batches must have the size it is asked for (only the last of a pass may be smaller); build them with .batch(batchSize)";
    const why =
      x.rank === 0 || y.rank === 0 || y.shape[0] !== samples
        ? `gave a batch with xs [${x.shape.join(', ')}] and ys [${y.shape.join(', ')}]; both must have the batch's samples first`
        : short !== null
          ? `gave a batch of ${short} before the end of a pass: ${sizeRule}`
          : samples > batchSize || samples < 1
            ? `gave a batch of ${samples} (xs [${x.shape.join(', ')}]): ${sizeRule}`
            : null;
    if (why) {
      tf.dispose([x, y]);
      throw new InputError(`${where} ${why}`);
    }
    if (samples < batchSize) short = samples;
    index++;
    yield { x, y: y.rank === 1 ? column(tf, y) : y };
  }
  if (index === 0) throw new InputError(`${where} gave no batches`);
}

function column(tf: TF, y: Element['y']): Element['y'] {
  const out = y.expandDims(1);
  tf.dispose(y);
  return out;
}
