/**
 * `DepthwiseConv2dNativeBackpropInput` as one depthwise convolution of the zero-dilated,
 * padded dy with the 180°-rotated filter (one filter per dy channel `c·m`, dilated as in
 * the forward pass), then a sum over the channel multiplier.
 */
import type { NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';
import type { TF } from '../platform/tf';
import type { KernelComposer, KernelInputs } from './compose';
import { inputGradAxis, pair, zeroDilate, type ConvGradientAttrs } from './conv-geometry';

export function depthwiseBackpropInput(tf: TF) {
  return (k: KernelComposer, inputs: KernelInputs, attrs: NamedAttrMap): TensorInfo => {
    const { strides, dilations, pad, dimRoundingMode, inputShape } = attrs as unknown as ConvGradientAttrs;
    const { dy, filter } = inputs;
    const [dilationH, dilationW] = pair(dilations);
    const info = tf.backend_util.computeConv2DInfo(inputShape, filter.shape as [number, number, number, number], strides, [dilationH, dilationW], pad, dimRoundingMode, true);
    const [filterH, filterW, channels, multiplier] = filter.shape;
    const rows = inputGradAxis({ size: info.inHeight, outSize: info.outHeight, filter: filterH, stride: info.strideHeight, dilation: dilationH, padBefore: info.padInfo.top });
    const cols = inputGradAxis({ size: info.inWidth, outSize: info.outWidth, filter: filterW, stride: info.strideWidth, dilation: dilationW, padBefore: info.padInfo.left });
    const dilated = zeroDilate(k, dy, info.strideHeight, info.strideWidth);
    const rotated = k.reshape(k.run('Reverse', { x: filter }, { dims: [0, 1] }), [filterH, filterW, channels * multiplier, 1]);
    let dx = k.run(
      'DepthwiseConv2dNative',
      { x: dilated, filter: rotated },
      { strides: [1, 1], pad: [[0, 0], rows.pad, cols.pad, [0, 0]], dataFormat: 'NHWC', dilations: [dilationH, dilationW] },
    ); // [n, ≥h, ≥w, c·m]
    if (dx.shape[1] !== info.inHeight || dx.shape[2] !== info.inWidth) {
      dx = k.slice(dx, [0, rows.cropBefore, cols.cropBefore, 0], [info.batchSize, info.inHeight, info.inWidth, channels * multiplier]);
    }
    if (multiplier === 1) return dx;
    const split = k.reshape(dx, [info.batchSize, info.inHeight, info.inWidth, channels, multiplier]);
    return k.run('Sum', { x: split }, { axis: [4], keepDims: false });
  };
}
