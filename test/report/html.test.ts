import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import type { AutobatchDocument } from '../../src/document';
import { buildCharts } from '../../src/report/charts';
import { documentVariants } from '../helpers/documents';

/**
 * The HTML report and its charts, pinned byte for byte on a recorded document and on two
 * made from it that take their other branches (test/helpers/documents.ts). The charts are
 * pinned as the Vega-Lite specs `buildCharts` gives; the page as written, each inline SVG
 * in it replaced by its length and SHA-256 (Vega renders the specs; a diff of its SVG text
 * would bury the page's). A change to either is made on purpose: then `npx jest -u`.
 */
const variants = documentVariants();

describe('buildCharts', () => {
  test.each(Object.entries(variants))('%s document', (_name, doc) => {
    expect(buildCharts(doc)).toMatchSnapshot();
  });
});

describe('renderHtmlReport', () => {
  let pages: Record<string, string>;
  beforeAll(() => {
    pages = renderPages(variants);
  }, 120_000);

  test.each(Object.keys(variants))('%s document', (name) => {
    expect(pages[name].replace(/<svg[\s>][\s\S]*?<\/svg>/g, (svg) => `<svg bytes="${svg.length}" sha256="${createHash('sha256').update(svg).digest('hex')}"/>`)).toMatchSnapshot();
  });
});

/**
 * The pages, rendered in a process of its own: Vega is an ES module, which Jest's
 * CommonJS sandbox cannot import.
 */
function renderPages(docs: Record<string, AutobatchDocument>): Record<string, string> {
  const script = `
    const { renderHtmlReport } = require('./src/report/html');
    let input = '';
    process.stdin.on('data', (chunk) => (input += chunk)).on('end', async () => {
      const pages = {};
      for (const [name, doc] of Object.entries(JSON.parse(input))) pages[name] = await renderHtmlReport(doc);
      process.stdout.write(JSON.stringify(pages));
    });`;
  const r = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script], {
    input: JSON.stringify(docs),
    cwd: path.resolve(__dirname, '..', '..'),
    encoding: 'utf8',
    maxBuffer: 64 * 2 ** 20,
    timeout: 110_000,
  });
  if (r.status !== 0) throw new Error(`rendering failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as Record<string, string>;
}
