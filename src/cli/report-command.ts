import { readResult, type AutobatchDocument } from '../document';
import { renderHtmlReport } from '../report/html';
import { assertWritable, writeFileAtomic } from '../report/write-file';
import { EXIT_CODES } from './exit-codes';

/** `autobatch report RESULT.json --html FILE.html`: the HTML report of a saved result. */
export async function runReport(resultFile: string, htmlFile: string): Promise<number> {
  assertWritable(htmlFile, '--html');
  await writeHtmlReport(readResult(resultFile), htmlFile);
  process.stderr.write(`autobatch: report written to ${htmlFile}\n`);
  return EXIT_CODES.ok;
}

export async function writeHtmlReport(doc: AutobatchDocument, htmlFile: string): Promise<void> {
  writeFileAtomic(htmlFile, await renderHtmlReport(doc));
}
