import type { AutobatchDocument } from '../document';
import type { TuneOptions } from '../options';
import { formatEnv } from '../report/env';
import { formatSummary } from '../report/terminal';
import { assertWritable, writeFileAtomic } from '../report/write-file';
import { tune } from '../tune';
import type { OutputArgs } from './args';
import { EXIT_CODES } from './exit-codes';
import { normalizeOptions } from '../options';
import { createProgressBars } from './progress-bars';
import { createProgressLog } from './progress-log';

/**
 * `autobatch probe`: runs `tune` with progress on stderr, then prints the summary (or
 * the JSON with `--json`) and writes `--out` (with `--resume` and no `--out`: the file
 * resumed), after each phase and each search run as well as at the end. SIGINT or
 * SIGTERM ends the run early with what was measured; a second one exits at once.
 */
export async function runProbe(options: TuneOptions, output: OutputArgs): Promise<number> {
  // A resumed run carries on in its file, unless told otherwise.
  const out = output.out ?? (typeof options.resume === 'string' ? options.resume : undefined);
  if (out) assertWritable(out, output.out ? '--out' : '--resume');
  if (output.report) assertWritable(output.report, '--report');
  const controller = new AbortController();
  let interruptedBy: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interruptedBy) process.exit(EXIT_CODES.interrupted);
    interruptedBy = signal;
    process.stderr.write(`\nautobatch: ${signal}: finishing the current step and writing what was measured\n`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // Bars on a terminal, for the summary; lines otherwise (logs, --json, --format env).
  const useBars = !output.quiet && output.format === 'text' && process.stderr.isTTY === true;
  const bars = useBars ? createProgressBars(process.stderr, normalizeOptions(options).timeBudgetSeconds) : null;
  let doc: AutobatchDocument;
  try {
    doc = await tune({
      ...options,
      signal: controller.signal,
      // Written as the run goes: a tuner killed outright leaves a result marked incomplete, and --resume carries on from it.
      ...(out ? { onCheckpoint: (partial: AutobatchDocument) => writeFileAtomic(out, `${JSON.stringify(partial, null, 2)}\n`) } : {}),
      onProgress: output.quiet ? undefined : bars ? bars.onProgress : createProgressLog(process.stderr),
    });
  } finally {
    bars?.stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }

  const json = `${JSON.stringify(doc, null, 2)}\n`;
  if (out) writeFileAtomic(out, json);
  if (output.report) {
    const { writeHtmlReport } = await import('./report-command');
    await writeHtmlReport(doc, output.report);
  }
  if (output.format === 'json') process.stdout.write(json);
  else if (output.format === 'env') process.stdout.write(formatEnv(doc));
  else process.stdout.write(`\n${formatSummary(doc)}\n`);
  if (interruptedBy) return EXIT_CODES.interrupted;
  if (!doc.recommendation) {
    // A pipeline reading the result needs a batch size; without one the run failed it.
    process.stderr.write('autobatch: no batch size trained within the limits (see the trials); nothing to recommend\n');
    return EXIT_CODES.failure;
  }
  return doc.complete ? EXIT_CODES.ok : EXIT_CODES.incomplete;
}
