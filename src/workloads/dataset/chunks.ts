/**
 * Elements of a user's dataset made into the batches and chunks the phases read: shared by
 * the unbatched dataset autobatch batches itself (`source.ts`) and the batched factory's
 * validation elements (`batched-source.ts`).
 */
import type { TF } from '../../platform/tf';
import { InputError } from '../../util/errors';
import type { Batch, BatchStream } from '../data-source';
import type { Element } from './elements';

/** Elements stacked into a batch (a rank-1 target becomes a column). */
export function stackElements(tf: TF, elements: readonly Element[]): Batch {
  return tf.tidy(() => {
    const y = tf.stack(elements.map((e) => e.y));
    return { x: tf.stack(elements.map((e) => e.x)), y: y.rank === 1 ? y.expandDims(1) : y };
  });
}

/** `elements` stacked `chunk` at a time (the last chunk may be short); the elements released as they are stacked. */
export async function* chunkElements(tf: TF, elements: AsyncIterable<Element>, chunk: number): AsyncGenerator<Batch> {
  let taken: Element[] = [];
  try {
    for await (const element of elements) {
      taken.push(element);
      if (taken.length === chunk) {
        const batch = stackElements(tf, taken);
        tf.dispose(taken.flatMap((e) => [e.x, e.y]));
        taken = [];
        yield batch;
      }
    }
    if (taken.length) yield stackElements(tf, taken);
  } finally {
    tf.dispose(taken.flatMap((e) => [e.x, e.y]));
  }
}

/** The elements whose position passes `keep`; the others released. Stops after `limit` positions. */
export async function* filterIndexed(elements: AsyncGenerator<Element>, keep: (index: number) => boolean, tf: TF, limit = Infinity): AsyncGenerator<Element> {
  let index = 0;
  for await (const element of elements) {
    if (index >= limit) {
      tf.dispose([element.x, element.y]);
      break;
    }
    if (keep(index++)) yield element;
    else tf.dispose([element.x, element.y]);
  }
}

/**
 * `element` when its shapes are `shape`'s; else it is released and one line names it
 * (`where`: "element 12", "a validation element").
 * @throws InputError for an element of other shapes: every element must stack with the first.
 */
export function checkElementShape(tf: TF, element: Element, shape: { x: number[]; y: number[] }, name: string, where: string): Element {
  const same = (a: number[], b: number[]) => a.length === b.length && a.every((d, i) => d === b[i]);
  if (!same(element.x.shape, shape.x) || !same(element.y.shape, shape.y)) {
    tf.dispose([element.x, element.y]);
    throw new InputError(
      `${name}: ${where} has xs [${element.x.shape.join(', ')}] and ys [${element.y.shape.join(', ')}], the first had [${shape.x.join(', ')}] and [${shape.y.join(', ')}]: every element must have the same shapes`,
    );
  }
  return element;
}

/**
 * A stream whose next batch is read while the current one trains (one batch of prefetch):
 * `take` reads a batch; `release` ends what it reads from once the batch in flight is done.
 */
export function prefetchedStream(tf: TF, take: () => Promise<Batch>, release: () => void): BatchStream {
  let pending: Promise<Batch> | null = null;
  let closed = false;
  const start = () => {
    const promise = take();
    // A batch read ahead and never asked for must not be an unhandled rejection.
    promise.catch(() => {});
    return promise;
  };
  return {
    next: async () => {
      const current = pending ?? start();
      const batch = await current;
      pending = closed ? null : start();
      return batch;
    },
    close: () => {
      closed = true;
      // Released once the batch being read is done; the generators' buffers with them.
      void pending?.then((b) => tf.dispose([b.x, b.y]), () => {});
      pending = null;
      release();
    },
  };
}
