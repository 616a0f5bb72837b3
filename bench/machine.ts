import * as os from 'node:os';

/** The machine a bench report was measured on, as every report records it. */
export function benchMachine() {
  return { cpu: os.cpus()[0]?.model, cores: os.cpus().length, memoryBytes: os.totalmem(), platform: `${os.platform()} ${os.arch()}`, node: process.version };
}
