import type { LayersModel } from '@tensorflow/tfjs';
import type { TF } from '../platform/tf';

/** Returns a fresh model; autobatch passes its TensorFlow.js in. */
export type ModelFactory = (tf: TF) => LayersModel | Promise<LayersModel>;

/** Data given in code: tensors (of the same TensorFlow.js) or nested arrays. */
export type DataInput =
  | { x: unknown; y: unknown }
  | { train: { x: unknown; y: unknown }; validation?: { x: unknown; y: unknown } };
