import type { KernelFunc } from '@tensorflow/tfjs';
import { activateBackend } from '../../src/platform/backend';
import { checkTrainingKernels } from '../../src/kernels/gradient-check';
import { verifyKernelsFor } from '../../src/kernels/prepare-kernels';
import { builtInKernel, isPackKernel, registerTrainingKernels, restoreBuiltInKernels, unsupportedVersion } from '../../src/kernels/register';
import type { TF } from '../../src/platform/tf';
import { loadTf } from '../../src/platform/tf';

const tf = loadTf();

beforeAll(async () => {
  expect(await activateBackend(tf, 'wasm')).toBeNull();
});

describe('registerTrainingKernels', () => {
  test('registers the pack on wasm and cpu, and again is a no-op without warnings', () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const first = registerTrainingKernels(tf);
      const before = tf.getKernel('Conv2DBackpropFilter', 'wasm').kernelFunc;
      const second = registerTrainingKernels(tf);
      expect(second).toEqual(first);
      expect(first.skipped).toEqual({});
      expect(first.registered.wasm).toEqual(expect.arrayContaining(['Conv2DBackpropFilter', 'DepthwiseConv2dNativeBackpropFilter', 'DepthwiseConv2dNativeBackpropInput', 'UnsortedSegmentSum', 'BatchMatMul', 'Conv3DBackpropInputV2']));
      expect(first.registered.cpu).toEqual(['Conv2DBackpropFilter', 'UnsortedSegmentSum']);
      expect(tf.getKernel('Conv2DBackpropFilter', 'wasm').kernelFunc).toBe(before);
      // The matmul wrapper wraps wasm's own kernel, not itself.
      expect(isPackKernel(tf, 'BatchMatMul', 'wasm')).toBe(true);
      expect((builtInKernel(tf, 'BatchMatMul', 'wasm')!.kernelFunc as KernelFunc & Record<symbol, unknown>)[Symbol.for('autobatch.trainingKernel')]).toBeUndefined();
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });

  test('a TensorFlow.js outside the verified versions gets no kernels, and says why', () => {
    const older = { ...tf, version: { ...tf.version, 'tfjs-core': '4.21.0' } } as TF;
    expect(unsupportedVersion(older)).toMatch(/verified with @tensorflow\/tfjs-core 4\.22\.x, not 4\.21\.0/);
    expect(registerTrainingKernels(older)).toEqual({ registered: { wasm: [], cpu: [] }, skipped: { wasm: expect.stringContaining('4.21.0'), cpu: expect.stringContaining('4.21.0') } });
  });

  test('restoring puts the built-in kernels back and drops ours where wasm has none', () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const builtIn = builtInKernel(tf, 'BatchMatMul', 'wasm')!.kernelFunc;
      restoreBuiltInKernels(tf, 'wasm');
      expect(tf.getKernel('BatchMatMul', 'wasm').kernelFunc).toBe(builtIn);
      expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeUndefined();
      registerTrainingKernels(tf);
      expect(isPackKernel(tf, 'Conv2DBackpropFilter', 'wasm')).toBe(true);
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });
});

describe('the start-up gradient check', () => {
  // Its time (it runs at every start) is measured by bench/kernels.ts: gradientCheckMs.
  test('passes on wasm and cpu', () => {
    expect(checkTrainingKernels(tf, 'wasm')).toBeNull();
    expect(checkTrainingKernels(tf, 'cpu')).toBeNull();
  });

  test('a kernel with wrong gradients fails it: wasm is refused with the reason, and its pack removed', () => {
    const ours = tf.getKernel('Conv2DBackpropFilter', 'wasm');
    // Right values in the wrong layout: what a moved attribute or a wrong transpose gives.
    const broken = ((args: Parameters<KernelFunc>[0]) => {
      const out = ours.kernelFunc(args) as { dataId: object; shape: number[]; dtype: 'float32' };
      const transposed = tf.getKernel('Transpose', 'wasm').kernelFunc({ inputs: { x: out }, attrs: { perm: [1, 0, 2, 3] }, backend: args.backend });
      (args.backend as { disposeData(id: object): void }).disposeData(out.dataId);
      return transposed;
    }) as KernelFunc & Record<symbol, unknown>;
    broken[Symbol.for('autobatch.trainingKernel')] = true;
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      tf.unregisterKernel('Conv2DBackpropFilter', 'wasm');
      tf.registerKernel({ kernelName: 'Conv2DBackpropFilter', backendName: 'wasm', kernelFunc: broken });
      expect(checkTrainingKernels(tf, 'wasm')).toMatch(/failed the start-up gradient check: Conv2DBackpropFilter (differs from cpu's|failed)/);
      const fresh = { ...tf } as TF; // a new cache entry: verifyKernelsFor checks once per instance
      expect(verifyKernelsFor(fresh, 'wasm')).toMatch(/Conv2DBackpropFilter/);
      expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeUndefined();
    } finally {
      registerTrainingKernels(tf);
      warn.mockRestore();
    }
    expect(checkTrainingKernels(tf, 'wasm')).toBeNull();
  });
});
