import { setupTensorflow } from '../platform/setup-tensorflow';
import type { SetupArgs } from './args';
import { EXIT_CODES } from './exit-codes';

/**
 * `autobatch setup tensorflow [--from-wheel FILE] [--force]`: progress on stderr, the
 * outcome in one line on stdout.
 */
export async function runSetup(args: SetupArgs): Promise<number> {
  const result = await setupTensorflow({
    ...(args.fromWheel === undefined ? {} : { fromWheel: args.fromWheel }),
    force: args.force,
    onProgress: (line) => process.stderr.write(`autobatch: ${line}\n`),
  });
  const { tfjsNodeVersion, tensorflowVersion } = result.check;
  const what = `@tensorflow/tfjs-node ${tfjsNodeVersion} trains on backend tensorflow with TensorFlow ${tensorflowVersion}'s C library (${result.packageDir})`;
  process.stdout.write(result.alreadyWorking ? `already set up: ${what}; --force builds again\n` : `set up: ${what}\n`);
  return EXIT_CODES.ok;
}
