import type * as tfTypes from '@tensorflow/tfjs';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InputError, describeError } from '../util/errors';
import type { TF } from '../platform/tf';

interface ModelJson {
  modelTopology?: unknown;
  weightsManifest?: { paths: string[]; weights: tfTypes.io.WeightsManifestEntry[] }[];
  trainingConfig?: unknown;
  format?: string;
}

/**
 * A LayersModel saved by TensorFlow.js or converted from Keras (`model.json` plus
 * weight files). Read once; `build` then makes a fresh model from the saved topology
 * and weights as often as needed, compiled if the file carries a training config.
 * Weight files must lie inside the model's folder: a path with `..` that leaves it, or
 * an absolute one, is refused.
 * @throws InputError naming the file and what is wrong.
 */
export function readSavedModel(file: string): { build(tf: TF): Promise<tfTypes.LayersModel> } {
  let json: ModelJson;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8')) as ModelJson;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new InputError(`${file}: no such file`);
    throw new InputError(`${file}: not a readable model.json (${describeError(err)})`, { cause: err });
  }
  if (!json || typeof json !== 'object' || !json.modelTopology) throw new InputError(`${file}: no modelTopology: not a LayersModel model.json`);
  if (json.format && json.format !== 'layers-model') {
    throw new InputError(`${file}: format "${json.format}" is not a LayersModel (graph models cannot be trained)`);
  }
  const folder = path.dirname(path.resolve(file));
  const weightSpecs: tfTypes.io.WeightsManifestEntry[] = [];
  const buffers: Buffer[] = [];
  for (const group of json.weightsManifest ?? []) {
    weightSpecs.push(...group.weights);
    for (const p of group.paths) {
      const resolved = path.resolve(folder, p);
      const relative = path.relative(folder, resolved);
      if (path.isAbsolute(p) || relative.startsWith('..') || path.isAbsolute(relative)) {
        throw new InputError(`${file}: weight file "${p}" lies outside the model's folder; refused`);
      }
      try {
        buffers.push(fs.readFileSync(resolved));
      } catch {
        throw new InputError(`${file}: weight file "${p}" is missing`);
      }
    }
  }
  const weightData = concat(buffers);
  const expected = weightSpecs.reduce((a, w) => a + w.shape.reduce((p, d) => p * d, 1) * bytesPer(w.quantization?.dtype ?? w.dtype), 0);
  if (weightData.byteLength < expected) {
    throw new InputError(`${file}: the weight files hold ${weightData.byteLength} bytes where the manifest needs ${expected}`);
  }
  return {
    async build(tf) {
      try {
        return await tf.loadLayersModel(
          tf.io.fromMemory({ modelTopology: json.modelTopology as object, weightSpecs, weightData, trainingConfig: json.trainingConfig as never }),
        );
      } catch (err) {
        throw new InputError(`${file}: the model could not be built: ${describeError(err)}`, { cause: err });
      }
    },
  };
}

function concat(buffers: Buffer[]): ArrayBuffer {
  const total = buffers.reduce((a, b) => a + b.byteLength, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const b of buffers) {
    out.set(b, offset);
    offset += b.byteLength;
  }
  return out.buffer;
}

function bytesPer(dtype: string): number {
  return dtype === 'float32' || dtype === 'int32' ? 4 : dtype === 'bool' || dtype === 'uint8' ? 1 : dtype === 'float16' || dtype === 'uint16' || dtype === 'int16' ? 2 : 4;
}
