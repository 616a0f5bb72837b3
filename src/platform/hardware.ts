import * as nodeOs from 'node:os';
import * as si from 'systeminformation';
import type { BackendName, HardwareInfo } from '../document';

/**
 * What the machine has: CPU, memory, GPUs, OS, Node. Each probe of `systeminformation`
 * may fail or hang on unusual systems (containers, no lspci); a missing part is reported
 * as unknown rather than stopping the run. The cores and the total memory come from Node
 * itself (the same numbers, never late): they identify the machine for a resume and the
 * cache, and a probe that timed out on a busy machine must not make it another machine.
 */
export async function snapshotHardware(): Promise<HardwareInfo> {
  const [cpu, mem, graphics, os] = await Promise.all([
    withTimeout(si.cpu(), null),
    withTimeout(si.mem(), null),
    withTimeout(si.graphics(), null),
    withTimeout(si.osInfo(), null),
  ]);
  return {
    cpu: {
      model: cpu ? `${cpu.manufacturer} ${cpu.brand}`.trim() : (nodeOs.cpus()[0]?.model.trim() ?? 'unknown'),
      cores: nodeOs.cpus().length || (cpu?.cores ?? 0),
      physicalCores: cpu?.physicalCores ?? 0,
    },
    memory: {
      totalBytes: nodeOs.totalmem(),
      availableBytes: mem?.available ?? nodeOs.freemem(),
    },
    gpus: (graphics?.controllers ?? []).map((gpu) => ({
      vendor: gpu.vendor ?? '',
      model: gpu.model ?? '',
      memoryBytes: gpu.vram ? gpu.vram * 2 ** 20 : null,
    })),
    os: {
      platform: os?.platform ?? process.platform,
      distro: os?.distro ?? '',
      release: os?.release ?? '',
      arch: os?.arch ?? process.arch,
    },
    node: process.version,
  };
}

async function withTimeout<T, F>(promise: Promise<T>, fallback: F, ms = 5000): Promise<T | F> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<F>((resolve) => {
    timer = setTimeout(() => resolve(fallback), ms);
  });
  try {
    return await Promise.race([promise.catch(() => fallback), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** wasm32 addresses at most 4 GiB; tfjs' wasm heap cannot grow past it. */
export const WASM_HEAP_LIMIT_BYTES = 4 * 2 ** 30;

/** Share of available RAM that the CPU backends may fill with tensors by default. */
export const RAM_BUDGET_FRACTION = 0.5;

/**
 * Share of the wasm heap limit used by default. The heap grows by doubling and
 * fragments, so allocations fail well before live tensors reach 4 GiB.
 */
export const WASM_BUDGET_FRACTION = 0.5;

/**
 * The default memory budget for peak tensor bytes. CPU backends (tensorflow, cpu)
 * share RAM with everything else on the machine, so they get half of what is
 * available now; wasm is also capped by its heap limit.
 */
export function defaultMemoryBudget(hardware: HardwareInfo, backend: BackendName): number {
  const available = hardware.memory.availableBytes > 0 ? hardware.memory.availableBytes : 2 * 2 ** 30;
  const ramShare = Math.floor(available * RAM_BUDGET_FRACTION);
  if (backend === 'wasm') return Math.min(ramShare, WASM_HEAP_LIMIT_BYTES * WASM_BUDGET_FRACTION);
  return ramShare;
}
