import { createRandom, shuffledIndices } from '../util/random';
import type { BatchOrder } from './data-source';

/**
 * The rows of each next batch of `batchSize` out of `size`, in `order` (see `BatchOrder`):
 * one rule for every source, so a run's seed draws the same samples from tensors in memory
 * and from files on disk.
 * @throws RangeError when the batch is larger than the samples.
 */
export function batchRows(size: number, batchSize: number, order: BatchOrder, seed: number): () => number[] {
  if (batchSize > size) throw new RangeError(`batch size ${batchSize} exceeds the ${size} samples`);
  if (order === 'sequential') {
    // Consecutive rows, starting again at the front when a batch would run past the end.
    let offset = 0;
    return () => {
      if (offset + batchSize > size) offset = 0;
      const begin = offset;
      offset += batchSize;
      return Array.from({ length: batchSize }, (_, i) => begin + i);
    };
  }
  const random = createRandom(seed);
  if (order === 'shuffled') {
    // Without replacement, reshuffled each epoch, as `model.fit` does.
    let rows: number[] = [];
    let offset = 0;
    return () => {
      if (offset + batchSize > rows.length) {
        rows = shuffledIndices(size, random);
        offset = 0;
      }
      offset += batchSize;
      return rows.slice(offset - batchSize, offset);
    };
  }
  // Independent batches: a partial Fisher–Yates makes the first batchSize entries a uniform sample.
  const pool = Array.from({ length: size }, (_, i) => i);
  return () => {
    for (let i = 0; i < batchSize; i++) {
      const j = i + Math.floor(random() * (size - i));
      [pool[i], pool[j]] = [pool[j], pool[i]];
    }
    return pool.slice(0, batchSize);
  };
}
