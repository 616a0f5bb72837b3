/**
 * `UnsortedSegmentSum` (the gradient of gather, so of every Embedding layer) as one
 * `ScatterNd`, which adds the updates of repeated indices. TensorFlow drops ids outside
 * `[0, numSegments)`; ScatterNd would not, so their rows are left out first. The cpu
 * backend's own kernel builds one mask per segment, O(segments × rows): a 5,000-word
 * vocabulary makes it the slowest step of training.
 */
import type { NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';
import type { KernelComposer, KernelInputs } from './compose';

export function unsortedSegmentSum(k: KernelComposer, inputs: KernelInputs, attrs: NamedAttrMap): TensorInfo {
  const { x, segmentIds } = inputs;
  const numSegments = attrs.numSegments as number;
  const rows = segmentIds.shape.reduce((a, b) => a * b, 1);
  const rowShape = x.shape.slice(segmentIds.shape.length);
  const outShape = [numSegments, ...rowShape];
  const ids = k.read(segmentIds);
  const kept: number[] = [];
  for (let row = 0; row < rows; row++) {
    if (ids[row] >= 0 && ids[row] < numSegments) kept.push(row);
  }
  if (kept.length === 0) return k.run('Fill', {}, { shape: outShape, value: 0, dtype: x.dtype });
  let updates = k.reshape(x, [rows, ...rowShape]);
  let indices: TensorInfo;
  if (kept.length === rows) {
    indices = k.write(Int32Array.from(ids), [rows, 1], 'int32');
  } else {
    const keptRows = k.write(Int32Array.from(kept), [kept.length], 'int32');
    updates = k.run('GatherV2', { x: updates, indices: keptRows }, { axis: 0, batchDims: 0 });
    indices = k.write(Int32Array.from(kept, (row) => ids[row]), [kept.length, 1], 'int32');
  }
  return k.run('ScatterNd', { indices, updates }, { shape: outShape });
}
