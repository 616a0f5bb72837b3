/**
 * `Conv2DBackpropInput` (the gradient of conv2d with respect to its input) as one
 * forward convolution: dy, zero-dilated by the forward stride and padded, convolved with
 * the filter rotated 180° and its in/out channels swapped. wasm's own kernel is a scalar
 * loop; this runs through XNNPACK. It is also the forward pass of Conv2DTranspose.
 */
import type { NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';
import type { TF } from '../platform/tf';
import type { KernelComposer, KernelInputs } from './compose';
import { inputGradAxis, zeroDilate, type ConvGradientAttrs } from './conv-geometry';

export function conv2dBackpropInput(tf: TF) {
  return (k: KernelComposer, inputs: KernelInputs, attrs: NamedAttrMap): TensorInfo => {
    const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs as unknown as ConvGradientAttrs;
    const { filter } = inputs;
    let { dy } = inputs;
    const channelsFirst = dataFormat === 'NCHW';
    let shape = inputShape;
    let explicitPad = pad;
    if (channelsFirst) {
      dy = k.transpose(dy, [0, 2, 3, 1]);
      shape = [inputShape[0], inputShape[2], inputShape[3], inputShape[1]];
      if (Array.isArray(pad)) explicitPad = [pad[0], pad[2], pad[3], pad[1]];
    }
    const info = tf.backend_util.computeConv2DInfo(shape, filter.shape as [number, number, number, number], strides, 1, explicitPad, dimRoundingMode, false, 'channelsLast');
    const rows = inputGradAxis({ size: info.inHeight, outSize: info.outHeight, filter: info.filterHeight, stride: info.strideHeight, dilation: 1, padBefore: info.padInfo.top });
    const cols = inputGradAxis({ size: info.inWidth, outSize: info.outWidth, filter: info.filterWidth, stride: info.strideWidth, dilation: 1, padBefore: info.padInfo.left });
    const dilated = zeroDilate(k, dy, info.strideHeight, info.strideWidth);
    const rotated = k.run('Reverse', { x: k.transpose(filter, [0, 1, 3, 2]) }, { dims: [0, 1] }); // [fh, fw, co, ci]
    let dx = k.run('Conv2D', { x: dilated, filter: rotated }, { strides: [1, 1], pad: [[0, 0], rows.pad, cols.pad, [0, 0]], dataFormat: 'NHWC', dilations: [1, 1] });
    if (dx.shape[1] !== info.inHeight || dx.shape[2] !== info.inWidth) {
      dx = k.slice(dx, [0, rows.cropBefore, cols.cropBefore, 0], [info.batchSize, info.inHeight, info.inWidth, info.inChannels]);
    }
    return channelsFirst ? k.transpose(dx, [0, 3, 1, 2]) : dx;
  };
}
