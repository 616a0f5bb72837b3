/**
 * `DepthwiseConv2dNativeBackpropFilter` as one depthwise convolution. Each channel c
 * keeps its own filter, so batch and channel fold together: x becomes one image with
 * `c·N + n` channels, dy becomes its filter (`[oh, ow, c·N + n, m]`, dilated by the
 * forward stride), and the batch sum is taken afterwards.
 */
import type { NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';
import type { TF } from '../platform/tf';
import type { KernelComposer, KernelInputs } from './compose';
import { filterGradAxis, pair, type ConvGradientAttrs } from './conv-geometry';

export function depthwiseBackpropFilter(tf: TF) {
  return (k: KernelComposer, inputs: KernelInputs, attrs: NamedAttrMap): TensorInfo => {
    const { strides, dilations, pad, dimRoundingMode, filterShape } = attrs as unknown as ConvGradientAttrs;
    const { x, dy } = inputs;
    const [dilationH, dilationW] = pair(dilations);
    const info = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], filterShape, strides, [dilationH, dilationW], pad, dimRoundingMode, true);
    const [batch, , , channels] = x.shape;
    const [filterH, filterW, , multiplier] = filterShape;
    const rows = filterGradAxis({ size: info.inHeight, outSize: info.outHeight, filter: filterH, stride: info.strideHeight, dilation: dilationH, padBefore: info.padInfo.top });
    const cols = filterGradAxis({ size: info.inWidth, outSize: info.outWidth, filter: filterW, stride: info.strideWidth, dilation: dilationW, padBefore: info.padInfo.left });
    if (rows.keep <= 0 || cols.keep <= 0) return k.run('Fill', {}, { shape: filterShape, value: 0, dtype: 'float32' });
    const used = rows.keep < info.inHeight || cols.keep < info.inWidth ? k.slice(x, [0, 0, 0, 0], [batch, rows.keep, cols.keep, channels]) : x;
    const image = k.reshape(k.transpose(used, [1, 2, 3, 0]), [1, rows.keep, cols.keep, channels * batch]);
    const dy5 = k.reshape(dy, [batch, info.outHeight, info.outWidth, channels, multiplier]);
    const dyFilter = k.reshape(k.transpose(dy5, [1, 2, 3, 0, 4]), [info.outHeight, info.outWidth, channels * batch, multiplier]);
    const taps = k.run(
      'DepthwiseConv2dNative',
      { x: image, filter: dyFilter },
      { strides: [1, 1], pad: [[0, 0], rows.pad, cols.pad, [0, 0]], dataFormat: 'NHWC', dilations: [info.strideHeight, info.strideWidth] },
    ); // [1, effective fh, effective fw, (c·N + n)·m]
    const [, tapRows, tapCols] = taps.shape;
    const perSample = k.reshape(taps, [tapRows, tapCols, channels, batch, multiplier]);
    let grad = k.run('Sum', { x: perSample }, { axis: [3], keepDims: false }); // [tapRows, tapCols, c, m]
    if (dilationH > 1 || dilationW > 1) {
      grad = k.run('StridedSlice', { x: grad }, { begin: [0, 0, 0, 0], end: [tapRows, tapCols, channels, multiplier], strides: [dilationH, dilationW, 1, 1], beginMask: 0, endMask: 0, ellipsisMask: 0, newAxisMask: 0, shrinkAxisMask: 0 });
    }
    return grad;
  };
}
