import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { loadDataFile } from '../../src/workloads/data-file';
import { tempDir } from '../helpers/files';
import { describeNeeding } from '../helpers/requirements';

/**
 * The HTML report, built by the command from a real run of the built-in example, then
 * opened in a real browser (Debian's chromium; .ci/run installs it).
 */
const BIN = path.join(__dirname, '..', '..', 'bin', 'autobatch.js');
const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((p) => fs.existsSync(p));
const files = tempDir('report');
let result: string;
let html: string;
let doc: { recommendation: { batchSize: number; learningRate: number }; probe: { throughputKnee: number }; candidates: unknown[] };

beforeAll(() => {
  // A model name with markup: the report must escape it.
  const model = files.write('evil.cjs', `
    exports.name = '<script>alert(1)</script>&"quoted"';
    exports.createModel = (tf) => { const m = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 16, activation: 'relu' }), tf.layers.dense({ units: 1 })] }); m.compile({ optimizer: 'adam', loss: 'meanSquaredError' }); return m; };
    exports.loadData = (tf) => { const x = tf.randomNormal([1500, 4], 0, 1, 'float32', 1); return { x, y: x.sum(1, true) }; };`);
  result = path.join(files.dir(), 'result.json');
  const r = spawnSync(process.execPath, [BIN, 'probe', '--model', model, '--time-budget', '15', '--min-trial-time', '0.05', '--backend', 'wasm', '--out', result, '-q'], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (r.status !== 0) throw new Error(`probe failed: ${r.stderr}`);
  html = path.join(files.dir(), 'report.html');
  const report = spawnSync(process.execPath, [BIN, 'report', result, '--html', html], { encoding: 'utf8' });
  if (report.status !== 0) throw new Error(`report failed: ${report.stderr}`);
  doc = JSON.parse(fs.readFileSync(result, 'utf8'));
}, 180_000);

describe('autobatch report', () => {
  test('one self-contained file: charts as inline SVG, no script, no network reference', () => {
    const text = fs.readFileSync(html, 'utf8');
    expect((text.match(/<svg[\s>]/g) ?? []).length).toBeGreaterThanOrEqual(3);
    expect(text).not.toMatch(/https?:\/\//);
    expect(text).not.toMatch(/<script/i);
    expect(text).not.toMatch(/<link/i);
  });

  test('user strings are escaped', () => {
    const text = fs.readFileSync(html, 'utf8');
    expect(text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&amp;&quot;quoted&quot;');
  });

  test('the numbers in the report are the ones in the JSON', () => {
    const text = fs.readFileSync(html, 'utf8');
    expect(text).toContain(`Recommendation: batch size ${doc.recommendation.batchSize}`);
    expect(text).toContain(`knee ${doc.probe.throughputKnee}`);
    expect(text).toContain(`recommended ${doc.recommendation.batchSize}`);
  });

  test('a data file\'s column table is in the report, its names escaped', async () => {
    const csv = files.write('t.csv', `"<b>city</b>",size,y\n${Array.from({ length: 30 }, (_, i) => `${['Oslo', 'Rome', ''][i % 3]},${i % 7},${i % 2}`).join('\n')}\n`);
    const { preparation } = await loadDataFile(csv, { standardize: true, seed: 0, validationSplit: 0.2 });
    const withData = files.write('with-data.json', JSON.stringify({ ...doc, preparation }));
    const out = path.join(files.dir(), 'data.html');
    const r = spawnSync(process.execPath, [BIN, 'report', withData, '--html', out], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    const text = fs.readFileSync(out, 'utf8');
    expect(text).toContain('&lt;b&gt;city&lt;/b&gt;');
    expect(text).toContain('one-hot: 2 values + other + missing');
    expect(text).toContain('label &quot;y&quot;: classification into 2 classes');
  });

  test.each([
    ['missing.json', null, 'no such file'],
    ['broken.json', '{"schemaVersion":', 'not valid JSON'],
    ['other.json', '{"schemaVersion": 2}', 'not an autobatch result (schema version 2)'],
    ['older.json', '{"schemaVersion": 1}', 'an autobatch result of schema version 1; this autobatch reads version 2'],
  ])('%s: one line, exit 2', (name, text, message) => {
    const file = text === null ? path.join(files.dir(), name) : files.write(name, text);
    const r = spawnSync(process.execPath, [BIN, 'report', file, '--html', path.join(files.dir(), 'x.html')], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(message);
  });
});

// Looked for by its path, not on PATH: playwright launches the file.
describeNeeding({ install: 'apt-get install -y chromium', missing: CHROMIUM ? null : 'chromium is not installed' })('in a real browser', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM!, args: ['--no-sandbox'] });
  });
  afterAll(async () => browser?.close());

  test('renders with no console error, no request, the charts visible; screenshot taken', async () => {
    const page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
    const problems: string[] = [];
    page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
    page.on('pageerror', (e) => problems.push(`page: ${e.message}`));
    page.on('request', (r) => !r.url().startsWith('file:') && problems.push(`request: ${r.url()}`));
    await page.goto(`file://${html}`);
    expect(problems).toEqual([]);
    const charts = await page.locator('section.chart svg').count();
    expect(charts).toBeGreaterThanOrEqual(3);
    const box = await page.locator('section.chart svg').first().boundingBox();
    expect(box!.width).toBeGreaterThan(200);
    expect(box!.height).toBeGreaterThan(100);
    expect(await page.title()).toContain('<script>alert(1)</script>');
    const screenshot = path.join(files.dir(), 'report.png');
    await page.screenshot({ path: screenshot, fullPage: true });
    expect(fs.statSync(screenshot).size).toBeGreaterThan(10_000);
    if (process.env.AUTOBATCH_SCREENSHOT) fs.copyFileSync(screenshot, process.env.AUTOBATCH_SCREENSHOT);
  });
});
