import type { Hash } from 'node:crypto';
import type { TF } from '../../platform/tf';
import { InputError } from '../../util/errors';
import { createRandom, shuffledIndices } from '../../util/random';
import type { Batch, BatchOrder, BatchStream, DataSource } from '../data-source';
import { checkElementShape, chunkElements, filterIndexed, prefetchedStream, stackElements } from './chunks';
import { onePass, type Element, type UserDataset } from './elements';

/** A user's dataset as opened in one process: its passes, its size, what held out. */
export interface OpenedDataset {
  name: string;
  dataset: UserDataset;
  /** Elements in one pass over `dataset`. */
  size: number;
  /** A dataset of validation elements and its size; without it, a seeded share of `dataset` is held out. */
  validation?: { dataset: UserDataset; size: number };
  validationSplit: number;
  seed: number;
  /** Hashes of the first elements (see `checkPasses`): the data's identity. */
  hashes: string[];
  sampleShape: { x: number[]; y: number[] };
  notes: string[];
}

/** Most elements the shuffle buffer holds, and most bytes: memory is the buffer's, whatever the dataset's size. */
export const SHUFFLE_BUFFER = { elements: 1024, bytes: 64 * 2 ** 20 } as const;

/**
 * A `tf.data` Dataset of unbatched `{ xs, ys }` elements, batched here at each size asked
 * for: every size is exact. A pass reads the dataset from its start; the held-out elements
 * (the same positions in every pass) are skipped in training and read in evaluation.
 * Shuffled orders go through a seeded buffer of at most `SHUFFLE_BUFFER`: memory holds the
 * buffer and a batch, not the dataset.
 */
export class DatasetSource implements DataSource {
  readonly kind = 'dataset' as const;
  readonly trainSamples: number;
  readonly valSamples: number;
  private readonly held: Uint8Array | null;

  constructor(private readonly tf: TF, private readonly opened: OpenedDataset) {
    if (opened.validation) {
      this.held = null;
      this.trainSamples = opened.size;
      this.valSamples = opened.validation.size;
    } else {
      const valCount = Math.round(opened.size * opened.validationSplit);
      if (valCount < 1 || valCount >= opened.size) {
        throw new InputError(`${opened.name}: ${opened.size} elements cannot be split ${Math.round(opened.validationSplit * 100)} % for validation; export a validation dataset or change --val-split`);
      }
      // The positions holdOut would take from tensors of the same size and seed.
      this.held = new Uint8Array(opened.size);
      for (const i of shuffledIndices(opened.size, createRandom(opened.seed ^ 0x5eed)).slice(0, valCount)) this.held[i] = 1;
      this.trainSamples = opened.size - valCount;
      this.valSamples = valCount;
    }
  }

  get sampleShape(): { x: number[]; y: number[] } {
    const { x, y } = this.opened.sampleShape;
    return { x, y: y.length === 0 ? [1] : y };
  }

  get validationKind(): 'held-out' | 'given' {
    return this.opened.validation ? 'given' : 'held-out';
  }

  get notes(): readonly string[] {
    return this.opened.notes;
  }

  /** The sizes it was opened with: another process opening the same dataset need not count it. */
  sizes(): { elements: number; validation?: number } {
    return { elements: this.opened.size, ...(this.opened.validation ? { validation: this.opened.validation.size } : {}) };
  }

  residentBytes(maxBatch: number): number {
    return (this.bufferElements(maxBatch) + 2 * maxBatch) * this.elementBytes();
  }

  batches(batchSize: number, order: BatchOrder, seed: number): BatchStream {
    if (batchSize > this.trainSamples) throw new RangeError(`batch size ${batchSize} exceeds the ${this.trainSamples} samples`);
    // Independent batches are approximated by a shuffled stream: without random access, a
    // batch cannot be drawn from the whole dataset.
    const elements = order === 'sequential' ? this.repeatedTrain() : this.shuffled(this.repeatedTrain(), this.bufferElements(batchSize), seed);
    return prefetchedStream(this.tf, () => this.collect(elements, batchSize), () => void elements.return(undefined));
  }

  async *validation(chunk: number, rows?: readonly number[]): AsyncIterable<Batch> {
    const wanted = rows ? new Set(rows) : null;
    yield* chunkElements(this.tf, filterIndexed(this.validationElements(), (i) => !wanted || wanted.has(i), this.tf), chunk);
  }

  async *trainSample(chunk: number, rows: number): AsyncIterable<Batch> {
    yield* chunkElements(this.tf, filterIndexed(this.trainPass(), (i) => i < rows, this.tf, rows), chunk);
  }

  hashInto(hash: Hash): void {
    hash.update(JSON.stringify({ size: this.opened.size, validation: this.opened.validation?.size ?? null, hashes: this.opened.hashes }));
  }

  dispose(): void {}

  private elementBytes(): number {
    const { x, y } = this.sampleShape;
    return 4 * (x.reduce((a, d) => a * d, 1) + y.reduce((a, d) => a * d, 1));
  }

  private bufferElements(batchSize: number): number {
    const byBytes = Math.floor(SHUFFLE_BUFFER.bytes / this.elementBytes());
    return Math.min(this.trainSamples, Math.max(2 * batchSize, Math.min(SHUFFLE_BUFFER.elements, byBytes)));
  }

  /** The training elements of one pass: the held-out positions skipped. */
  private async *trainPass(): AsyncGenerator<Element> {
    let index = 0;
    for await (const element of onePass(this.tf, this.opened.dataset, this.opened.name)) {
      if (this.held?.[index++]) this.tf.dispose([element.x, element.y]);
      else yield this.checked(element, index - 1);
    }
  }

  private async *validationElements(): AsyncGenerator<Element> {
    if (this.opened.validation) {
      for await (const element of onePass(this.tf, this.opened.validation.dataset, `${this.opened.name} (validation)`)) yield this.checked(element, -1);
      return;
    }
    let index = 0;
    for await (const element of onePass(this.tf, this.opened.dataset, this.opened.name)) {
      if (this.held![index++]) yield this.checked(element, index - 1);
      else this.tf.dispose([element.x, element.y]);
    }
  }

  /** Pass after pass over the training elements, for as long as batches are taken. */
  private async *repeatedTrain(): AsyncGenerator<Element> {
    for (;;) {
      let count = 0;
      for await (const element of this.trainPass()) {
        count++;
        yield element;
      }
      if (count === 0) throw new InputError(`${this.opened.name}: a later pass over the dataset is empty; it must give its elements on every pass`);
    }
  }

  /** A seeded shuffle buffer over `source`: filled first, then each element drawn from it is replaced by the next. */
  private async *shuffled(source: AsyncGenerator<Element>, capacity: number, seed: number): AsyncGenerator<Element> {
    const random = createRandom(seed);
    const buffer: Element[] = [];
    try {
      for await (const element of source) {
        if (buffer.length < capacity) {
          buffer.push(element);
          continue;
        }
        const slot = Math.floor(random() * capacity);
        const out = buffer[slot];
        buffer[slot] = element;
        yield out;
      }
    } finally {
      this.tf.dispose(buffer.flatMap((e) => [e.x, e.y]));
    }
  }

  /** The next `size` elements stacked into a batch (a rank-1 target becomes a column). */
  private async collect(elements: AsyncGenerator<Element>, size: number): Promise<Batch> {
    const taken: Element[] = [];
    try {
      while (taken.length < size) {
        const next = await elements.next();
        if (next.done) throw new InputError(`${this.opened.name}: the dataset ended inside a batch`);
        taken.push(next.value);
      }
      return stackElements(this.tf, taken);
    } finally {
      this.tf.dispose(taken.flatMap((e) => [e.x, e.y]));
    }
  }

  /** An element whose shapes are the first element's; else one line naming it. */
  private checked(element: Element, index: number): Element {
    return checkElementShape(this.tf, element, this.opened.sampleShape, this.opened.name, index < 0 ? 'a validation element' : `element ${index}`);
  }
}
