import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * What `npm pack` ships works where a user installs it: a fresh project installs the
 * tarball (dependencies from the registry), then runs the CLI and the library API.
 */
const ROOT = path.join(__dirname, '..');
let project: string;

beforeAll(() => {
  project = fs.mkdtempSync(path.join(os.tmpdir(), 'autobatch-pack-'));
  const tarball = execFileSync('npm', ['pack', '--silent', '--pack-destination', project], { cwd: ROOT, encoding: 'utf8' }).trim().split('\n').pop()!;
  fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'pipeline', version: '1.0.0', private: true }));
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--omit=optional', path.join(project, tarball)], { cwd: project, stdio: 'ignore' });
}, 300_000);

afterAll(() => fs.rmSync(project, { recursive: true, force: true }));

test('the tarball ships the built code and no sources or tests', () => {
  const installed = path.join(project, 'node_modules', 'autobatch');
  expect(fs.existsSync(path.join(installed, 'dist', 'index.js'))).toBe(true);
  expect(fs.existsSync(path.join(installed, 'dist', 'index.d.ts'))).toBe(true);
  expect(fs.existsSync(path.join(installed, 'dist', 'runner', 'child.js'))).toBe(true);
  expect(fs.existsSync(path.join(installed, 'test'))).toBe(false);
  expect(fs.existsSync(path.join(installed, 'src'))).toBe(false);
});

test('npx autobatch runs from the installed package', () => {
  const r = spawnSync('npx', ['autobatch', 'probe', '--example', 'synthetic-regression', '--no-search', '--min-trial-time', '0.05', '--json'], {
    cwd: project,
    encoding: 'utf8',
    timeout: 120_000,
  });
  expect(r.status).toBe(0);
  expect(JSON.parse(r.stdout).recommendation.batchSize).toBeGreaterThan(0);
});

test('a pipeline script: tensors from the same tfjs, tune(), then model.fit with the result', () => {
  const script = `
    const { tune, tf } = require('autobatch');
    const userTf = require('@tensorflow/tfjs');
    (async () => {
      const x = userTf.randomNormal([400, 4]);
      const y = x.sum(1, true);
      const model = () => {
        const m = userTf.sequential({ layers: [userTf.layers.dense({ inputShape: [4], units: 1 })] });
        m.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
        return m;
      };
      let events = 0;
      const result = await tune({ model, data: { x, y }, validationSplit: 0.2, timeBudgetSeconds: 10, backend: 'cpu', onProgress: () => events++ });
      const m = model();
      await m.fit(x, y, { batchSize: result.recommendation.batchSize, epochs: 1, verbose: 0 });
      console.log(JSON.stringify({ same: tf === userTf || tf.Tensor === userTf.Tensor, events, batch: result.recommendation.batchSize }));
    })().catch((e) => { console.error(e); process.exit(1); });`;
  fs.writeFileSync(path.join(project, 'pipeline.js'), script);
  const r = spawnSync(process.execPath, ['pipeline.js'], { cwd: project, encoding: 'utf8', timeout: 120_000 });
  expect(r.stderr).toBe('');
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!);
  expect(out.same).toBe(true);
  expect(out.events).toBeGreaterThan(5);
  expect(out.batch).toBeGreaterThan(0);
});
