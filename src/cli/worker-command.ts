import { snapshotHardware } from '../platform/hardware';
import { runQueueWorker } from '../runner/queue/worker';
import { parseQueueUrl } from '../runner/queue/url';
import { givenFiles } from '../runner/queue/workload-files';
import { UsageError } from '../util/errors';
import { parseDuration } from '../util/units';
import { EXIT_CODES } from './exit-codes';

export interface WorkerArgs {
  queue: string;
  model: string[];
  data: string[];
  lockTime: string | undefined;
}

/** The flags of `autobatch worker`, parsed from yargs' argv. */
export function toWorkerArgs(argv: Record<string, unknown>): WorkerArgs {
  const list = (value: unknown) => (value === undefined ? [] : Array.isArray(value) ? value.map(String) : [String(value)]);
  if (Array.isArray(argv.queue)) throw new UsageError('--queue was given more than once');
  return { queue: String(argv.queue), model: list(argv.model), data: list(argv.data), lockTime: argv['lock-time'] === undefined ? undefined : String(argv['lock-time']) };
}

/**
 * `autobatch worker`: trains search runs from the queue until SIGINT or SIGTERM, which
 * stop it at once; a run it was training goes back to the queue for another worker.
 */
export async function runWorker(args: WorkerArgs): Promise<number> {
  const url = parseQueueUrl(args.queue);
  const lockSeconds = args.lockTime === undefined ? undefined : parseDuration(args.lockTime, 'lockTime');
  if (lockSeconds !== undefined && lockSeconds < 1) throw new UsageError('--lock-time must be at least 1 second');
  const files = givenFiles([...args.model, ...args.data]);
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(EXIT_CODES.interrupted);
    process.stderr.write(`autobatch worker: ${signal}: stopping\n`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    await runQueueWorker({
      url,
      hardware: await snapshotHardware(),
      files,
      ...(lockSeconds === undefined ? {} : { lockSeconds }),
      log: (line) => process.stderr.write(`autobatch worker: ${line}\n`),
      signal: controller.signal,
    });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  return EXIT_CODES.ok;
}
