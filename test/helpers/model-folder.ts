import type * as tfTypes from '@tensorflow/tfjs';
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Loads a LayersModel folder the way a user without tfjs-node does: a small `tf.io`
 * handler reading model.json and the weight files its manifest names. Pass it to
 * `tf.loadLayersModel`.
 */
export function folderHandler(dir: string): tfTypes.io.IOHandler {
  return {
    async load() {
      const json = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8'));
      const groups = json.weightsManifest as { paths: string[]; weights: tfTypes.io.WeightsManifestEntry[] }[];
      const bytes = Buffer.concat(groups.flatMap((g) => g.paths.map((p) => fs.readFileSync(path.join(dir, p)))));
      return {
        modelTopology: json.modelTopology,
        format: json.format,
        trainingConfig: json.trainingConfig,
        userDefinedMetadata: json.userDefinedMetadata,
        weightSpecs: groups.flatMap((g) => g.weights),
        weightData: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
      };
    },
  };
}

/** Each weight's bytes, for bit-equal comparisons. */
export function weightBytes(model: tfTypes.LayersModel): Buffer[] {
  return model.getWeights().map((w) => {
    const values = w.dataSync();
    return Buffer.from(values.buffer, values.byteOffset, values.byteLength);
  });
}

/** The topology without layer names: TensorFlow.js numbers them per process (dense_Dense3, dense_Dense7). */
export function topologyOf(model: tfTypes.LayersModel): string {
  return JSON.stringify(model.toJSON(null, false), (key, value) => (key === 'name' ? undefined : value));
}
