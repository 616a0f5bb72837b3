/**
 * The one TensorFlow.js instance autobatch uses. Loaded lazily so that `--help` and
 * argument errors never pay for starting TensorFlow.js.
 */
import type * as tfTypes from '@tensorflow/tfjs';

export type TF = typeof tfTypes;

let instance: TF | undefined;

export function loadTf(): TF {
  if (!instance) {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    instance = require('@tensorflow/tfjs') as TF;
    // Production mode skips debug checks and the "install tfjs-node" banner; autobatch
    // reports the backend and why it was chosen itself.
    instance.enableProdMode();
  }
  return instance;
}
