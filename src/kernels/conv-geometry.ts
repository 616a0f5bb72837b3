/**
 * The index arithmetic the convolution gradients share. Both gradients are themselves
 * convolutions (stride 1, explicit padding) of rearranged tensors; these helpers say
 * how much to pad and where to crop, along one spatial axis at a time.
 */
import type { TensorInfo } from '@tensorflow/tfjs';
import type { KernelComposer, KernelInputs } from './compose';

/** One spatial axis of a forward convolution. */
export interface ConvAxis {
  /** Input length. */
  size: number;
  /** Output length. */
  outSize: number;
  filter: number;
  stride: number;
  dilation: number;
  /** Zeros before the input in the forward pass. */
  padBefore: number;
}

/** How the filter gradient's convolution reads one axis of the input. */
export interface FilterGradAxis {
  /** Input rows to keep (the rest are never read by the forward pass). */
  keep: number;
  /** Zeros before and after the kept rows. */
  pad: [number, number];
}

/**
 * For the filter gradient: the forward pass reads input rows
 * `o·stride + i·dilation − padBefore`; the gradient convolution (dy as the filter,
 * dilated by the forward stride) must see exactly `(filter−1)·dilation + 1 +
 * stride·(outSize−1)` padded rows, so its output has one row per filter tap.
 */
export function filterGradAxis(a: ConvAxis): FilterGradAxis {
  const needed = (a.filter - 1) * a.dilation + 1 + a.stride * (a.outSize - 1);
  const keep = Math.min(a.size, needed - a.padBefore);
  return { keep, pad: [a.padBefore, needed - a.padBefore - keep] };
}

/** How the input gradient's convolution covers one axis of the zero-dilated dy. */
export interface InputGradAxis {
  /** Zeros before and after the dilated dy (never negative). */
  pad: [number, number];
  /** Rows of the convolution's output to skip before the `size` rows that are dx. */
  cropBefore: number;
}

/**
 * For the input gradient: dx is a stride-1 convolution of dy, zero-dilated to
 * `outSize·stride` rows, with the 180°-rotated filter. Row `h` of dx reads dilated rows
 * from `h − (effectiveFilter − 1 − padBefore)`; a negative pad becomes a crop.
 */
export function inputGradAxis(a: ConvAxis): InputGradAxis {
  const effective = (a.filter - 1) * a.dilation + 1;
  const before = effective - 1 - a.padBefore;
  const dilated = a.outSize * a.stride;
  const after = a.size + effective - 1 - before - dilated;
  return { pad: [Math.max(0, before), Math.max(0, after)], cropBefore: Math.max(0, -before) };
}

/**
 * Inserts `stride − 1` zeros after every element of the two spatial axes of an NHWC
 * tensor: `[n, h, w, c]` → `[n, h·sh, w·sw, c]` (the trailing zeros act as padding).
 */
export function zeroDilate(k: KernelComposer, x: TensorInfo, strideH: number, strideW: number): TensorInfo {
  if (strideH === 1 && strideW === 1) return x;
  const [n, h, w, c] = x.shape;
  const spread = k.reshape(x, [n, h, 1, w, 1, c]);
  const padded = k.run('PadV2', { x: spread }, { paddings: [[0, 0], [0, 0], [0, strideH - 1], [0, 0], [0, strideW - 1], [0, 0]], constantValue: 0 });
  return k.reshape(padded, [n, h * strideH, w * strideW, c]);
}

/** `[a, b]` from a number or pair attribute. */
export function pair(value: number | number[] | undefined, fallback = 1): [number, number] {
  if (value == null) return [fallback, fallback];
  return typeof value === 'number' ? [value, value] : [value[0], value[1]];
}

/** A 2-D convolution's padding attribute, as TensorFlow.js kernels receive it. */
export type Pad = 'valid' | 'same' | number | [[number, number], [number, number], [number, number], [number, number]];

/**
 * The attributes the convolution gradient kernels read (tfjs-core 4.22's names: not API,
 * hence the pinned version in register.ts). `filterShape` comes with the filter
 * gradients, `inputShape` with the input gradients; `dilations` with the depthwise ones.
 */
export interface ConvGradientAttrs {
  strides: number | [number, number];
  pad: Pad;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  dataFormat?: 'NHWC' | 'NCHW';
  dilations?: number | [number, number];
  filterShape: [number, number, number, number];
  inputShape: [number, number, number, number];
}
