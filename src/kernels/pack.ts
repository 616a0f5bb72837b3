/**
 * Which training kernels go on which backend. wasm lacks the filter gradient of conv2d,
 * both depthwise gradients and `UnsortedSegmentSum`, and runs transposed matmuls and
 * conv2d's input gradient in scalar loops; cpu has every kernel, but its conv2d filter
 * gradient and its segment sum are far slower than the same compositions of its own
 * kernels (66 s against 1.3 s for one MNIST-sized filter gradient; 25 s against 10 ms for
 * a 5,000-word embedding's gradient). Its other gradients gain nothing and stay.
 */
import type { KernelConfig, KernelFunc } from '@tensorflow/tfjs';
import type { TF } from '../platform/tf';
import { untransposedMatMul } from './batch-mat-mul';
import { composite, type KernelBackendName } from './compose';
import { conv2dBackpropFilter } from './conv2d-backprop-filter';
import { conv2dBackpropInput } from './conv2d-backprop-input';
import { conv3dGradientRefusal } from './conv3d-refusal';
import { depthwiseBackpropFilter } from './depthwise-backprop-filter';
import { depthwiseBackpropInput } from './depthwise-backprop-input';
import { unsortedSegmentSum } from './unsorted-segment-sum';

/** A kernel of the pack; `original` is the backend's own kernel, when it has one. */
export interface PackKernel {
  kernelName: string;
  backends: readonly KernelBackendName[];
  /** True for kernels that refuse to run (checked by tests, not by the gradient check). */
  refusal?: boolean;
  build(tf: TF, backendName: KernelBackendName, original: KernelConfig | undefined): KernelFunc;
}

export const TRAINING_KERNELS: readonly PackKernel[] = [
  { kernelName: 'Conv2DBackpropFilter', backends: ['wasm', 'cpu'], build: (tf, b) => composite(tf, b, conv2dBackpropFilter(tf)) },
  { kernelName: 'Conv2DBackpropInput', backends: ['wasm'], build: (tf, b) => composite(tf, b, conv2dBackpropInput(tf)) },
  { kernelName: 'DepthwiseConv2dNativeBackpropFilter', backends: ['wasm'], build: (tf, b) => composite(tf, b, depthwiseBackpropFilter(tf)) },
  { kernelName: 'DepthwiseConv2dNativeBackpropInput', backends: ['wasm'], build: (tf, b) => composite(tf, b, depthwiseBackpropInput(tf)) },
  { kernelName: 'UnsortedSegmentSum', backends: ['wasm', 'cpu'], build: (tf, b) => composite(tf, b, unsortedSegmentSum) },
  { kernelName: 'BatchMatMul', backends: ['wasm'], build: (tf, b, original) => composite(tf, b, untransposedMatMul(original!)) },
  { kernelName: '_FusedMatMul', backends: ['wasm'], build: (tf, b, original) => composite(tf, b, untransposedMatMul(original!)) },
  { kernelName: 'Conv3DBackpropInputV2', backends: ['wasm'], refusal: true, build: conv3dGradientRefusal },
  { kernelName: 'Conv3DBackpropFilterV2', backends: ['wasm'], refusal: true, build: conv3dGradientRefusal },
];
