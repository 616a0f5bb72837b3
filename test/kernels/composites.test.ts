import type { KernelBackend, NamedAttrMap } from '@tensorflow/tfjs';
import { activateBackend } from '../../src/platform/backend';
import { GRADIENT_TOLERANCE, relativeError, runKernelCase, type CheckCase } from '../../src/kernels/gradient-check';
import { builtInKernel } from '../../src/kernels/register';
import { loadTf } from '../../src/platform/tf';

const tf = loadTf();
type Pad = 'same' | 'valid' | number | [[number, number], [number, number], [number, number], [number, number]];

let wasm: KernelBackend;
let cpu: KernelBackend;
beforeAll(async () => {
  expect(await activateBackend(tf, 'cpu')).toBeNull();
  expect(await activateBackend(tf, 'wasm')).toBeNull();
  wasm = tf.engine().findBackend('wasm');
  cpu = tf.engine().findBackend('cpu');
});

/** Ours on `backend` against cpu's own kernel; also checks that ours freed its intermediates. */
function errorAgainstCpu(backendName: 'wasm' | 'cpu', c: CheckCase, reference = c): number {
  const backend = backendName === 'wasm' ? wasm : cpu;
  const expected = runKernelCase(cpu, builtInKernel(tf, reference.kernelName, 'cpu')!.kernelFunc, reference);
  const before = backend.numDataIds();
  const actual = runKernelCase(backend, tf.getKernel(c.kernelName, backendName).kernelFunc, c);
  expect(backend.numDataIds()).toBe(before);
  return relativeError(actual, expected);
}

const PADS: Pad[] = ['same', 'valid', 1, [[0, 0], [2, 0], [0, 1], [0, 0]]];
const GEOMETRIES = [
  { size: [5, 5], filter: [3, 3] },
  { size: [6, 7], filter: [2, 3] },
  { size: [1, 4], filter: [1, 1] },
  { size: [4, 4], filter: [4, 4] },
];
const STRIDES: (number | [number, number])[] = [1, 2, 3, [2, 1]];

/** Every geometry × stride × padding whose forward convolution has an output. */
function convCases(depthwise: boolean, multiplier = 2) {
  const cases: { x: number[]; filter: number[]; out: number[]; strides: number | [number, number]; pad: Pad; label: string }[] = [];
  for (const { size, filter } of GEOMETRIES) {
    for (const strides of STRIDES) {
      for (const pad of PADS) {
        const x = [2, size[0], size[1], 3];
        const f = [filter[0], filter[1], 3, depthwise ? multiplier : 4];
        let out: number[];
        try {
          out = tf.backend_util.computeConv2DInfo(x as [number, number, number, number], f as [number, number, number, number], strides, 1, pad, undefined, depthwise).outShape;
        } catch {
          continue;
        }
        if (out.some((d) => d <= 0)) continue;
        cases.push({ x, filter: f, out, strides, pad, label: `x ${x} filter ${f} strides ${strides} pad ${JSON.stringify(pad)}` });
      }
    }
  }
  return cases;
}

describe.each(['wasm', 'cpu'] as const)('conv2d gradients on %s match cpu', (backendName) => {
  test.each(convCases(false).map((c) => [c.label, c]))('Conv2DBackpropFilter, %s', (_, c) => {
    const kase: CheckCase = { kernelName: 'Conv2DBackpropFilter', inputs: { x: { shape: c.x }, dy: { shape: c.out } }, attrs: { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', filterShape: c.filter } };
    expect(errorAgainstCpu(backendName, kase)).toBeLessThan(GRADIENT_TOLERANCE);
  });
});

describe('conv2d input gradient on wasm matches cpu', () => {
  test.each(convCases(false).map((c) => [c.label, c]))('Conv2DBackpropInput, %s', (_, c) => {
    const kase: CheckCase = { kernelName: 'Conv2DBackpropInput', inputs: { dy: { shape: c.out }, filter: { shape: c.filter } }, attrs: { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', inputShape: c.x } };
    expect(errorAgainstCpu('wasm', kase)).toBeLessThan(GRADIENT_TOLERANCE);
  });

  test('channels-first data', () => {
    const filter: CheckCase = { kernelName: 'Conv2DBackpropFilter', inputs: { x: { shape: [2, 3, 6, 5] }, dy: { shape: [2, 4, 3, 3] } }, attrs: { strides: 2, pad: 'same', dataFormat: 'NCHW', filterShape: [3, 3, 3, 4] } };
    const input: CheckCase = { kernelName: 'Conv2DBackpropInput', inputs: { dy: { shape: [2, 4, 3, 3] }, filter: { shape: [3, 3, 3, 4] } }, attrs: { strides: 2, pad: 'same', dataFormat: 'NCHW', inputShape: [2, 3, 6, 5] } };
    expect(errorAgainstCpu('wasm', filter)).toBeLessThan(GRADIENT_TOLERANCE);
    expect(errorAgainstCpu('wasm', input)).toBeLessThan(GRADIENT_TOLERANCE);
  });
});

describe.each([1, 2])('depthwise gradients on wasm match cpu, channel multiplier %i', (multiplier) => {
  const cases = convCases(true, multiplier).map((c) => [c.label, c] as const);
  test.each(cases)('DepthwiseConv2dNativeBackpropFilter, %s', (_, c) => {
    const kase: CheckCase = { kernelName: 'DepthwiseConv2dNativeBackpropFilter', inputs: { x: { shape: c.x }, dy: { shape: c.out } }, attrs: { strides: c.strides, dilations: 1, pad: c.pad, filterShape: c.filter } };
    expect(errorAgainstCpu('wasm', kase)).toBeLessThan(GRADIENT_TOLERANCE);
  });
  test.each(cases)('DepthwiseConv2dNativeBackpropInput, %s', (_, c) => {
    const kase: CheckCase = { kernelName: 'DepthwiseConv2dNativeBackpropInput', inputs: { dy: { shape: c.out }, filter: { shape: c.filter } }, attrs: { strides: c.strides, dilations: 1, pad: c.pad, inputShape: c.x } };
    expect(errorAgainstCpu('wasm', kase)).toBeLessThan(GRADIENT_TOLERANCE);
  });
});

describe('depthwise gradients with dilations', () => {
  // cpu's own depthwise gradients ignore dilations (tfjs never asks for them: its gradient
  // refuses dilated depthwise convolutions), so the reference is the same convolution
  // with the filter zero-dilated: (f−1)·d + 1 taps, dilation 1.
  const dilated = (f: number, d: number) => (f - 1) * d + 1;
  test.each([
    [[2, 7, 6, 2], [3, 2, 2, 1], [2, 1], 'same'],
    [[2, 7, 7, 2], [2, 3, 2, 2], [2, 2], 'valid'],
    [[1, 6, 8, 3], [3, 3, 3, 1], [1, 3], 1],
  ] as [number[], number[], [number, number], Pad][])('x %j filter %j dilations %j pad %j', (x, f, d, pad) => {
    const wide = [dilated(f[0], d[0]), dilated(f[1], d[1]), f[2], f[3]];
    const out = tf.backend_util.computeConv2DInfo(x as [number, number, number, number], f as [number, number, number, number], 1, d, pad, undefined, true).outShape;
    const attrs = (dilations: [number, number]): NamedAttrMap => ({ strides: 1, dilations, pad });

    const dyValues = Array.from({ length: out.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(i));
    const ours = runKernelCase(wasm, tf.getKernel('DepthwiseConv2dNativeBackpropFilter', 'wasm').kernelFunc, { kernelName: 'DepthwiseConv2dNativeBackpropFilter', inputs: { x: { shape: x }, dy: { shape: out, values: dyValues } }, attrs: { ...attrs(d), filterShape: f } });
    const wideGrad = runKernelCase(cpu, builtInKernel(tf, 'DepthwiseConv2dNativeBackpropFilter', 'cpu')!.kernelFunc, { kernelName: 'DepthwiseConv2dNativeBackpropFilter', inputs: { x: { shape: x }, dy: { shape: out, values: dyValues } }, attrs: { ...attrs([1, 1]), filterShape: wide } });
    const taps = tf.tidy(() => tf.tensor4d(wideGrad.values, wide as [number, number, number, number]).stridedSlice([0, 0, 0, 0], wide, [d[0], d[1], 1, 1]).dataSync() as Float32Array);
    expect(relativeError(ours, { shape: f, values: taps })).toBeLessThan(GRADIENT_TOLERANCE);

    const filterValues = Array.from({ length: f.reduce((a, b) => a * b, 1) }, (_, i) => Math.cos(i));
    const wideFilter = new Array(wide.reduce((a, b) => a * b, 1)).fill(0);
    for (let i = 0; i < f[0]; i++) for (let j = 0; j < f[1]; j++) for (let c = 0; c < f[2] * f[3]; c++) {
      wideFilter[((i * d[0]) * wide[1] + j * d[1]) * f[2] * f[3] + c] = filterValues[(i * f[1] + j) * f[2] * f[3] + c];
    }
    const oursInput = runKernelCase(wasm, tf.getKernel('DepthwiseConv2dNativeBackpropInput', 'wasm').kernelFunc, { kernelName: 'DepthwiseConv2dNativeBackpropInput', inputs: { dy: { shape: out, values: dyValues }, filter: { shape: f, values: filterValues } }, attrs: { ...attrs(d), inputShape: x } });
    const reference = runKernelCase(cpu, builtInKernel(tf, 'DepthwiseConv2dNativeBackpropInput', 'cpu')!.kernelFunc, { kernelName: 'DepthwiseConv2dNativeBackpropInput', inputs: { dy: { shape: out, values: dyValues }, filter: { shape: wide, values: wideFilter } }, attrs: { ...attrs([1, 1]), inputShape: x } });
    expect(relativeError(oursInput, reference)).toBeLessThan(GRADIENT_TOLERANCE);
  });
});

describe.each(['wasm', 'cpu'] as const)('UnsortedSegmentSum on %s matches cpu', (backendName) => {
  test.each([
    ['repeated ids', [5, 3], [0, 2, 2, 1, 0], 4],
    ['ids out of range are dropped', [6, 2], [0, 7, -1, 1, 1, 4], 4],
    ['every id out of range', [2, 2], [-1, 9], 3],
    ['rows of rank 2', [4, 2, 3], [3, 1, 1, 0], 5],
  ] as [string, number[], number[], number][])('%s', (_, shape, ids, numSegments) => {
    const kase: CheckCase = { kernelName: 'UnsortedSegmentSum', inputs: { x: { shape }, segmentIds: { shape: [ids.length], dtype: 'int32', values: ids } }, attrs: { numSegments } };
    expect(errorAgainstCpu(backendName, kase)).toBeLessThan(GRADIENT_TOLERANCE);
  });
});

describe('BatchMatMul and _FusedMatMul on wasm: transposed inputs through the untransposed path', () => {
  test.each([
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ])('transposeA %s transposeB %s', (transposeA, transposeB) => {
    const a = transposeA ? [2, 4, 3] : [2, 3, 4];
    const b = transposeB ? [2, 5, 4] : [2, 4, 5];
    const matMul: CheckCase = { kernelName: 'BatchMatMul', inputs: { a: { shape: a }, b: { shape: b } }, attrs: { transposeA, transposeB } };
    expect(errorAgainstCpu('wasm', matMul)).toBeLessThan(GRADIENT_TOLERANCE);
    // Batch 1, as tfjs-layers calls it: wasm's own _FusedMatMul adds a bias wrongly at batch > 1.
    const fused: CheckCase = { kernelName: '_FusedMatMul', inputs: { a: { shape: [1, ...a.slice(1)] }, b: { shape: [1, ...b.slice(1)] }, bias: { shape: [5] } }, attrs: { transposeA, transposeB, activation: 'relu' } };
    expect(errorAgainstCpu('wasm', fused)).toBeLessThan(GRADIENT_TOLERANCE);
  });
});
