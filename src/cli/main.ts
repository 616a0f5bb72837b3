import yargs from 'yargs';
import { AutobatchError, UsageError, describeError } from '../util/errors';
import { TOOL_VERSION } from '../util/version';
import { OUTPUT_FLAGS, SETUP_FLAGS, SETUP_TARGETS, TUNE_FLAGS, toOutputArgs, toSetupArgs, toTuneOptions } from './args';
import { EXIT_CODES, exitCodeFor } from './exit-codes';

/**
 * Runs the `autobatch` command line and resolves to its exit status. TensorFlow.js is
 * loaded only once a command runs, so `--help` and usage errors are instant.
 */
export async function main(args: string[]): Promise<number> {
  let exitCode: number = EXIT_CODES.ok;
  const parser = yargs(args)
    .scriptName('autobatch')
    .usage('$0 <command> [options]\n\nFinds the batch size and learning rate to train a TensorFlow.js model with, by measuring.')
    .command(
      'probe',
      'Probe capacity and recommend a batch size and learning rate',
      (y) => {
        for (const spec of Object.values(TUNE_FLAGS)) y.option(spec.flag, spec.yargs);
        return y.options(OUTPUT_FLAGS);
      },
      async (argv) => {
        const { runProbe } = await import('./probe-command');
        exitCode = await runProbe(toTuneOptions(argv), toOutputArgs(argv));
      },
    )
    .command(
      'report <result>',
      'Write the HTML report of a saved result (--out or --json of probe)',
      (y) =>
        y
          .positional('result', { type: 'string', describe: 'A result JSON file', demandOption: true })
          .option('html', { type: 'string', describe: 'The HTML file to write', demandOption: true }),
      async (argv) => {
        const { runReport } = await import('./report-command');
        exitCode = await runReport(argv.result as string, argv.html as string);
      },
    )
    .command(
      'setup <target>',
      'Build an optional backend where npm cannot: tensorflow builds tfjs-node against a TensorFlow wheel',
      (y) => y.positional('target', { type: 'string', choices: SETUP_TARGETS, describe: 'What to set up', demandOption: true }).options(SETUP_FLAGS),
      async (argv) => {
        const { runSetup } = await import('./setup-command');
        exitCode = await runSetup(toSetupArgs(argv));
      },
    )
    .command(
      'worker',
      "Train the search's runs from a job queue (Redis) for `autobatch probe --queue` on any machine with the same hardware",
      (y) =>
        y
          .option('queue', { type: 'string', demandOption: true, describe: 'The Redis to take runs from: redis://HOST:PORT[/DB], rediss:// for TLS' })
          .option('model', { type: 'string', array: true, describe: 'A model file this worker may train (a module or model.json), matched to a tuning by its content' })
          .option('data', { type: 'string', array: true, describe: 'A data file this worker may train on, matched by its content, or a folder of images, matched by its files\' names and sizes' })
          .option('lock-time', { type: 'string', describe: "How soon a run whose worker died starts again on another worker (the run's lock)", defaultDescription: '30s' }),
      async (argv) => {
        const { runWorker, toWorkerArgs } = await import('./worker-command');
        exitCode = await runWorker(toWorkerArgs(argv));
      },
    )
    .command(
      'schema',
      'Print the JSON Schema of the result document',
      (y) => y,
      async () => {
        const { DocumentSchema } = await import('../document');
        process.stdout.write(`${JSON.stringify({ $schema: 'http://json-schema.org/draft-07/schema#', ...DocumentSchema }, null, 2)}\n`);
      },
    )
    .demandCommand(1, 'Name a command: autobatch probe, or autobatch schema')
    .strict()
    .version(TOOL_VERSION)
    .help()
    .alias('h', 'help')
    .wrap(Math.min(100, process.stdout.columns ?? 100))
    .fail((message, err) => {
      // yargs writes some messages on two lines ("Invalid values:\n  Argument: …"): one line for the user.
      throw err ?? new UsageError(message.replace(/\s*\n\s*/g, ' '));
    });
  try {
    await parser.parseAsync();
    return exitCode;
  } catch (err) {
    process.stderr.write(`autobatch: ${formatError(err)}\n`);
    return exitCodeFor(err);
  }
}

/** One line for the user: flag names for option errors, no stack unless AUTOBATCH_DEBUG is set. */
export function formatError(err: unknown): string {
  if (process.env.AUTOBATCH_DEBUG && err instanceof Error && err.stack) return err.stack;
  if (err instanceof UsageError && err.option && err.option in TUNE_FLAGS) {
    const flag = TUNE_FLAGS[err.option as keyof typeof TUNE_FLAGS].flag;
    return `--${flag}${err.message.slice(err.option.length)}`;
  }
  if (err instanceof AutobatchError) return err.message;
  return `internal error: ${describeError(err)} (set AUTOBATCH_DEBUG=1 for the stack)`;
}
