/**
 * Where a workload's samples come from, as every phase reads them: batches at a size in a
 * seeded order, the validation samples in chunks, a training sample for the train loss.
 * Implemented by tensors held in memory (`tensor-source.ts`) and by streamed sources read
 * a batch at a time (a `tf.data` Dataset, a folder of images), so no phase needs the whole
 * data set as one tensor.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import type { Hash } from 'node:crypto';

/** Features and targets; the first dimension of both counts samples. */
export interface Dataset {
  x: tfTypes.Tensor;
  y: tfTypes.Tensor;
}

/** A batch is the same pair: its first dimension is the batch size. */
export type Batch = Dataset;

export const BATCH_ORDERS = ['sequential', 'shuffled', 'independent'] as const;
/**
 * How a stream of batches draws its samples:
 * - `sequential`: the training samples in their stored order, wrapping around; where only
 *   the cost of a step matters (the capacity probe).
 * - `shuffled`: without replacement in a seeded order, reshuffled each epoch, as
 *   `model.fit` does; where gradients are compared, data sorted by label must not make
 *   consecutive batches alike.
 * - `independent`: each batch a fresh sample (rows distinct within it), for the noise
 *   estimator, which assumes independent batch gradients.
 */
export type BatchOrder = (typeof BATCH_ORDERS)[number];

/** Training batches of one size; the caller disposes each batch and closes the stream. */
export interface BatchStream {
  next(): Promise<Batch>;
  /** Releases what the stream holds (buffered samples, open iterators). */
  close(): void;
}

/** What a data source is, for the document and the choices that depend on it. */
export type DataSourceKind = 'tensors' | 'dataset' | 'image-folder';

export interface DataSource {
  readonly kind: DataSourceKind;
  readonly trainSamples: number;
  readonly valSamples: number;
  /**
   * True when the user's pipeline makes the batches at the size asked for (a module's
   * batched `createDataset`), not autobatch: the user trains by asking it for the size.
   */
  readonly batchedByPipeline?: boolean;
  /** Where the validation samples came from: a seeded share held out of the user's, or a set the user gave. */
  readonly validationKind: 'held-out' | 'given';
  /** One sample's feature and target shapes (no batch dimension). */
  readonly sampleShape: { x: number[]; y: number[] };
  /**
   * Bytes of samples this source holds in every process that opens it: all of them for
   * tensors, the buffers of a batch or two for a stream.
   */
  residentBytes(maxBatch: number): number;
  /** Batches of `batchSize` training samples in `order`, seeded by `seed`. */
  batches(batchSize: number, order: BatchOrder, seed: number): BatchStream;
  /**
   * The validation samples in chunks of at most `chunk`: all of them in order, or the
   * samples at `rows` (ascending indices into them). The caller disposes each chunk.
   */
  validation(chunk: number, rows?: readonly number[]): AsyncIterable<Batch>;
  /** The first `rows` training samples in their stored order, in chunks: the train loss's sample. */
  trainSample(chunk: number, rows: number): AsyncIterable<Batch>;
  /** Adds what identifies the samples to `hash` (the workload's fingerprint); a stream works it out when opened. */
  hashInto(hash: Hash): void;
  /** Lines for the output about how the data was read (counted, skipped files). */
  readonly notes: readonly string[];
  dispose(): void;
}
