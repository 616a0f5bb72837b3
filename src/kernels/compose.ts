/**
 * Running kernels from inside a kernel. A composite kernel calls the backend's own
 * kernels on `TensorInfo`s (never `tf` ops: inside a kernel the engine records no
 * gradients and tracks no scopes), so every intermediate it makes must be disposed by
 * hand; a `KernelComposer` keeps the list and frees all but the result.
 */
import type { KernelBackend, KernelConfig, KernelFunc, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs';
import type { TF } from '../platform/tf';

/** The backends autobatch registers training kernels on. */
export type KernelBackendName = 'wasm' | 'cpu';

/** A kernel's named inputs; the engine passes every input the kernel declares. */
export type KernelInputs = Record<string, TensorInfo>;

export class KernelComposer {
  private readonly made: TensorInfo[] = [];

  constructor(
    private readonly tf: TF,
    private readonly backendName: KernelBackendName,
    readonly backend: KernelBackend,
  ) {}

  /** Runs the kernel registered now for `kernelName` on this backend; the output is freed by `finish` unless returned. */
  run(kernelName: string, inputs: NamedTensorInfoMap, attrs: NamedAttrMap = {}): TensorInfo {
    const config = this.tf.getKernel(kernelName, this.backendName);
    if (!config) throw new Error(`Kernel '${kernelName}' not registered for backend '${this.backendName}'`);
    return this.track(callKernel(config, inputs, attrs, this.backend));
  }

  /** A new tensor on this backend holding `values`. */
  write(values: Float32Array | Int32Array, shape: number[], dtype: 'float32' | 'int32'): TensorInfo {
    const dataId = this.backend.write(values, shape, dtype);
    return this.track({ dataId, shape, dtype });
  }

  /** The values of `info`, read synchronously (cheap on wasm and cpu, whose memory is local). */
  read(info: TensorInfo): Float32Array | Int32Array {
    return this.backend.readSync(info.dataId) as Float32Array | Int32Array;
  }

  reshape(x: TensorInfo, shape: number[]): TensorInfo {
    return this.run('Reshape', { x }, { shape });
  }

  transpose(x: TensorInfo, perm: number[]): TensorInfo {
    return this.run('Transpose', { x }, { perm });
  }

  slice(x: TensorInfo, begin: number[], size: number[]): TensorInfo {
    return this.run('Slice', { x }, { begin, size });
  }

  /** Frees every intermediate except `result`, and returns it. */
  finish(result: TensorInfo): TensorInfo {
    for (const info of this.made) {
      if (info !== result) this.backend.disposeData(info.dataId);
    }
    this.made.length = 0;
    return result;
  }

  /** Frees every intermediate: the composite failed. */
  abandon(): void {
    for (const info of this.made) this.backend.disposeData(info.dataId);
    this.made.length = 0;
  }

  private track(info: TensorInfo): TensorInfo {
    this.made.push(info);
    return info;
  }
}

/** Calls one kernel's function directly; composites return one output. */
export function callKernel(config: KernelConfig, inputs: NamedTensorInfoMap, attrs: NamedAttrMap, backend: KernelBackend): TensorInfo {
  const out = config.kernelFunc({ inputs, attrs, backend });
  return Array.isArray(out) ? out[0] : out;
}

/**
 * A kernel function built from `body`, which composes other kernels of `backendName`.
 * Intermediates are freed whether `body` succeeds or throws.
 */
export function composite(
  tf: TF,
  backendName: KernelBackendName,
  body: (k: KernelComposer, inputs: KernelInputs, attrs: NamedAttrMap) => TensorInfo,
): KernelFunc {
  return ({ inputs, attrs, backend }) => {
    const k = new KernelComposer(tf, backendName, backend as KernelBackend);
    try {
      return k.finish(body(k, inputs as KernelInputs, attrs ?? {}));
    } catch (err) {
      k.abandon();
      throw err;
    }
  };
}
