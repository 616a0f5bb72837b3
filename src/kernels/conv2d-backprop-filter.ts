/**
 * `Conv2DBackpropFilter` (the gradient of conv2d with respect to its filter) as one
 * forward convolution, which wasm runs through XNNPACK. With batch and input channels
 * swapped, dW[i, j, ci, co] = Σ_n,oh,ow x[n, oh·s + i, ow·s + j, ci] · dy[n, oh, ow, co]
 * is a stride-1 convolution of x (batch ci, channels n) with dy as the filter
 * (`[oh, ow, n, co]`), dilated by the forward stride.
 */
import type { NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';
import type { TF } from '../platform/tf';
import type { KernelComposer, KernelInputs } from './compose';
import { filterGradAxis, type ConvGradientAttrs, type Pad } from './conv-geometry';

export function conv2dBackpropFilter(tf: TF) {
  return (k: KernelComposer, inputs: KernelInputs, attrs: NamedAttrMap): TensorInfo => {
    const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as ConvGradientAttrs;
    let { x, dy } = inputs;
    const channelsFirst = dataFormat === 'NCHW';
    if (channelsFirst) {
      x = k.transpose(x, [0, 2, 3, 1]);
      dy = k.transpose(dy, [0, 2, 3, 1]);
    }
    const explicitPad = channelsFirst && Array.isArray(pad) ? ([pad[0], pad[2], pad[3], pad[1]] as Pad) : pad;
    const info = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], filterShape, strides, 1, explicitPad, dimRoundingMode, false, 'channelsLast');
    const rows = filterGradAxis({ size: info.inHeight, outSize: info.outHeight, filter: info.filterHeight, stride: info.strideHeight, dilation: 1, padBefore: info.padInfo.top });
    const cols = filterGradAxis({ size: info.inWidth, outSize: info.outWidth, filter: info.filterWidth, stride: info.strideWidth, dilation: 1, padBefore: info.padInfo.left });
    if (rows.keep <= 0 || cols.keep <= 0) {
      // Padding alone feeds every output: the filter never touches the input.
      return k.run('Fill', {}, { shape: filterShape, value: 0, dtype: 'float32' });
    }
    const [batch, , , inChannels] = x.shape;
    const used = rows.keep < info.inHeight || cols.keep < info.inWidth ? k.slice(x, [0, 0, 0, 0], [batch, rows.keep, cols.keep, inChannels]) : x;
    const swapped = k.transpose(used, [3, 1, 2, 0]); // [ci, h, w, n]
    const dyFilter = k.transpose(dy, [1, 2, 0, 3]); // [oh, ow, n, co]
    const grad = k.run(
      'Conv2D',
      { x: swapped, filter: dyFilter },
      { strides: [1, 1], pad: [[0, 0], rows.pad, cols.pad, [0, 0]], dataFormat: 'NHWC', dilations: [info.strideHeight, info.strideWidth] },
    ); // [ci, fh, fw, co]
    return k.transpose(grad, [1, 2, 0, 3]);
  };
}
