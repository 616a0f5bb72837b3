import { createHash } from 'node:crypto';
import type { HardwareInfo } from '../../document';

/** What makes two machines' measurements comparable, as a hash and as words for a refusal. */
export interface HardwareFingerprint {
  hash: string;
  text: string;
}

/**
 * The parts of the hardware a run's measurement depends on: CPU model and cores, total
 * memory, GPUs, OS and architecture, Node's major version (free memory and the time of
 * day do not count). A run is the same measurement only on a machine with the same
 * fingerprint, on the same backend.
 */
export function hardwareFingerprint(hardware: HardwareInfo): HardwareFingerprint {
  const parts = {
    cpu: hardware.cpu.model,
    cores: hardware.cpu.cores,
    memory: hardware.memory.totalBytes,
    gpus: hardware.gpus.map((g) => `${g.vendor} ${g.model} ${g.memoryBytes ?? ''}`.trim()),
    platform: hardware.os.platform,
    arch: hardware.os.arch,
    node: hardware.node.split('.')[0],
  };
  const gib = (parts.memory / 2 ** 30).toFixed(1);
  const gpus = parts.gpus.length ? `, ${parts.gpus.join(' + ')}` : '';
  return {
    hash: createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 16),
    text: `${parts.cpu}, ${parts.cores} cores, ${gib} GiB${gpus}, ${parts.platform}/${parts.arch}, Node ${parts.node}`,
  };
}
