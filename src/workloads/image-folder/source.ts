import type { Hash } from 'node:crypto';
import * as path from 'node:path';
import type { TF } from '../../platform/tf';
import { InputError, describeError } from '../../util/errors';
import { batchRows } from '../batch-rows';
import type { Batch, BatchOrder, BatchStream, DataSource } from '../data-source';
import { decodeConcurrency, decodeInto, mapLimited } from './decode';
import type { ImageFile } from './list';
import type { ImagePreparation } from './preparation';

/** A folder read for training: where it is, how, and which files are in each part. */
export interface ImageFolderData {
  dir: string;
  preparation: ImagePreparation;
  train: readonly ImageFile[];
  validation: readonly ImageFile[];
}

/** Pixels and labels of some files, decoded, before they become tensors. */
interface Decoded {
  pixels: Float32Array;
  labels: Float32Array;
  count: number;
}

/**
 * A folder of images streamed a batch at a time: each batch's files are decoded when it
 * is asked for, and the next batch is decoded while the current one trains (one batch of
 * prefetch), so memory follows the batch, not the folder. Pixels stay typed arrays until
 * `next` makes them tensors: a prefetched batch is resident memory, not tensors.
 */
export class ImageFolderSource implements DataSource {
  readonly kind = 'image-folder' as const;
  /** A seeded share of the files (see `splitFiles`). */
  readonly validationKind = 'held-out' as const;
  readonly notes: readonly string[] = [];
  private readonly pixelsPerImage: number;

  constructor(private readonly tf: TF, private readonly folder: ImageFolderData) {
    const { width, height, channels } = folder.preparation;
    this.pixelsPerImage = width * height * channels;
  }

  get trainSamples(): number {
    return this.folder.train.length;
  }

  get valSamples(): number {
    return this.folder.validation.length;
  }

  get sampleShape(): { x: number[]; y: number[] } {
    const { width, height, channels } = this.folder.preparation;
    return { x: [height, width, channels], y: [1] };
  }

  /** A batch decoding while another trains: two batches' pixels as float32, and the bytes sharp decodes into. */
  residentBytes(maxBatch: number): number {
    return 2 * maxBatch * this.pixelsPerImage * 5;
  }

  batches(batchSize: number, order: BatchOrder, seed: number): BatchStream {
    const rows = batchRows(this.trainSamples, batchSize, order, seed);
    const files = this.folder.train;
    let pending: Promise<Decoded> | null = null;
    const start = () => {
      const promise = this.decode(rows().map((i) => files[i]));
      // A batch decoded ahead and never taken (the stream closed) must not be an unhandled rejection.
      promise.catch(() => {});
      return promise;
    };
    return {
      next: async () => {
        const current = pending ?? start();
        pending = start();
        return this.toBatch(await current);
      },
      close: () => {
        pending = null;
      },
    };
  }

  async *validation(chunk: number, rows?: readonly number[]): AsyncIterable<Batch> {
    const files = rows ? rows.map((i) => this.folder.validation[i]) : this.folder.validation;
    yield* this.chunks(files, chunk);
  }

  async *trainSample(chunk: number, rows: number): AsyncIterable<Batch> {
    yield* this.chunks(this.folder.train.slice(0, rows), chunk);
  }

  hashInto(hash: Hash): void {
    const { folder: _where, ...preparation } = this.folder.preparation;
    hash.update(JSON.stringify(preparation));
  }

  dispose(): void {}

  /** `files` in chunks of `chunk` (the last may be short), each decoded while the one before is used. */
  async *chunks(files: readonly ImageFile[], chunk: number): AsyncGenerator<Batch> {
    let next: Promise<Decoded> | null = files.length ? this.decode(files.slice(0, chunk)) : null;
    for (let begin = 0; next; begin += chunk) {
      const current = await next;
      const after = begin + chunk;
      next = after < files.length ? this.decode(files.slice(after, after + chunk)) : null;
      next?.catch(() => {});
      yield this.toBatch(current);
    }
  }

  private async decode(files: readonly ImageFile[]): Promise<Decoded> {
    const pixels = new Float32Array(files.length * this.pixelsPerImage);
    const labels = new Float32Array(files.length);
    const { preparation, dir } = this.folder;
    await mapLimited(files, decodeConcurrency(), async (f, i) => {
      labels[i] = f.label;
      try {
        await decodeInto(path.join(dir, f.file), preparation, pixels, i * this.pixelsPerImage);
      } catch (err) {
        // The tuner decoded every file once before training: this one changed since.
        throw new InputError(`${path.join(dir, f.file)}: no longer decodes (${describeError(err)}); it changed after the folder was read: run again`, { cause: err });
      }
    });
    return { pixels, labels, count: files.length };
  }

  private toBatch(decoded: Decoded): Batch {
    const { height, width, channels } = this.folder.preparation;
    return {
      x: this.tf.tensor4d(decoded.pixels, [decoded.count, height, width, channels]),
      y: this.tf.tensor2d(decoded.labels, [decoded.count, 1]),
    };
  }
}
