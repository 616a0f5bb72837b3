/**
 * Where the leaderboard's tables come from, and getting them onto this machine before
 * the run: files that are there (../shared/data, the `vega-datasets` package), tables
 * scikit-learn bundles (written as CSV by bench/peers/sklearn_tables.py, so they need
 * Python) and tables generated here. A table that cannot be had is not run, with why.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { prepareDataPython, runPeer } from './leaderboard-peers';

export type SklearnTable = 'iris' | 'wine' | 'breast-cancer' | 'diabetes' | 'digits';

export type TableSource =
  /** A file on this machine. */
  | { kind: 'file'; file: string }
  /** One of scikit-learn's bundled data sets, written as CSV. */
  | { kind: 'sklearn'; dataset: SklearnTable }
  /** Generated here (seeded), into the run's folder. */
  | { kind: 'generated'; write: (file: string) => void };

/** The whole table's file, or why it cannot be had. */
export type Located = { file: string } | { reason: string };

/** The folder of the `vega-datasets` package's data files (a devDependency). */
export const VEGA_DATA = path.join(__dirname, '..', 'node_modules', 'vega-datasets', 'data');
/** The project's shared sample tables (MASS's Cars93 and survey). */
export const SHARED_DATA = path.join(__dirname, '..', '..', 'shared', 'data');

/**
 * Every named table's file, written into `dir` where it has to be made: generated
 * tables here, scikit-learn's in one Python run (the bench's venv; its packages are
 * installed first where they are missing).
 */
export async function locateTables(tables: readonly { name: string; source: TableSource }[], dir: string, log: (s: string) => void): Promise<Map<string, Located>> {
  const out = new Map<string, Located>();
  const sklearn = tables.filter((t) => t.source.kind === 'sklearn');
  const exported = sklearn.length ? await exportSklearn(sklearn.map((t) => (t.source as { dataset: SklearnTable }).dataset), dir, log) : {};
  for (const { name, source } of tables) {
    if (source.kind === 'file') out.set(name, fs.existsSync(source.file) ? { file: source.file } : { reason: `${source.file} is not there${source.file.startsWith(VEGA_DATA) ? ' (npm ci installs vega-datasets)' : ''}` });
    else if (source.kind === 'generated') {
      const file = path.join(dir, `${name}.csv`);
      if (!fs.existsSync(file)) source.write(file);
      out.set(name, { file });
    } else out.set(name, exported[source.dataset] ?? { reason: 'scikit-learn wrote no file for it' });
  }
  return out;
}

/** scikit-learn's tables written as CSV into `dir/sklearn`, or the reason for each where Python cannot. */
async function exportSklearn(datasets: SklearnTable[], dir: string, log: (s: string) => void): Promise<Partial<Record<SklearnTable, Located>>> {
  const python = prepareDataPython(log);
  const fail = (reason: string) => Object.fromEntries(datasets.map((d) => [d, { reason }]));
  if (!python.ok) return fail(`no Python with scikit-learn: ${python.reason}`);
  log(`tables: scikit-learn ${python.versions['scikit-learn']} writes ${datasets.join(', ')}`);
  const run = await runPeer<{ files: Record<string, string> }>(python, 'sklearn_tables.py', ['--dir', path.join(dir, 'sklearn'), ...datasets], 300);
  if (!run.result) return fail(`bench/peers/sklearn_tables.py: ${run.error ?? 'no result'}`);
  const files = run.result.files;
  return Object.fromEntries(datasets.map((d) => [d, files[d] ? { file: files[d] } : { reason: 'scikit-learn wrote no file for it' }]));
}
