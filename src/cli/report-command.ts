import { Value } from '@sinclair/typebox/value';
import * as fs from 'node:fs';
import { DocumentSchema, SCHEMA_VERSION, type AutobatchDocument } from '../document';
import { InputError } from '../util/errors';
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

/**
 * A saved result, checked against the schema.
 * @throws InputError naming the file and the first field that does not fit.
 */
export function readResult(file: string): AutobatchDocument {
  let doc: unknown;
  try {
    doc = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(code === 'ENOENT' ? `${file}: no such file` : `${file}: not valid JSON (${(err as Error).message})`, { cause: err });
  }
  const version = (doc as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (typeof version === 'number' && version !== SCHEMA_VERSION) {
    throw new InputError(`${file}: an autobatch result of schema version ${version}; this autobatch reads version ${SCHEMA_VERSION} (run the probe again)`);
  }
  if (!Value.Check(DocumentSchema, doc)) {
    const first = Value.Errors(DocumentSchema, doc).First();
    throw new InputError(`${file}: not an autobatch result (schema version ${SCHEMA_VERSION}): ${first ? `${first.path || '/'} ${first.message.toLowerCase()}` : 'unknown shape'}`);
  }
  return doc;
}
