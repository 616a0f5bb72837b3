/**
 * The leaderboard's Python side: a virtual environment of its own (bench/.venv) with
 * torch, lightning, optuna, numpy and scikit-learn from pip's configured index, then
 * torchvision and pillow (the image folders' ImageFolder) beside that torch, the peer
 * scripts in bench/peers/ run as child processes that print one JSON line, and
 * scikit-learn's bundled data sets written as CSV (bench/peers/sklearn_tables.py).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const VENV = path.join(__dirname, '.venv');
const PYTHON = path.join(VENV, 'bin', 'python');
const PEERS = path.join(__dirname, 'peers');
/** What the peers import; scikit-learn is for the tables (installed with them: one pip run). */
const PACKAGES = ['torch', 'lightning', 'optuna', 'numpy', 'scikit-learn'];
/** What the scikit-learn tables need alone (`--no-peers`): a venv without torch's gigabyte. */
const DATA_PACKAGES = ['scikit-learn', 'numpy'];
/** What the peers' ImageFolder path adds; installed with torch pinned to the venv's (a torchvision build is for one torch). */
const VISION_PACKAGES = ['torchvision', 'pillow'];
/** Where this kind of machine keeps local package indexes, for when pip's own index cannot be reached. */
const LOCAL_INDEXES = { wheels: '/opt/wheels', primary: '/opt/pypi/simple', extra: '/opt/pypi-more/simple' };

/** `vision`: why torchvision cannot be had, where it cannot (the image folders' peers are then left out with it). */
export type PeerEnvironment = { ok: true; python: string; versions: Record<string, string>; vision?: string } | { ok: false; reason: string };

/** The versions the venv's Python imports, or null when an import fails. */
function versions(modules: Record<string, string>): Record<string, string> | null {
  const names = Object.keys(modules);
  // torchvision_import first: where torchvision is installed, Lightning's torchmetrics imports it (see there).
  const guard = `sys.path.insert(0, ${JSON.stringify(PEERS)}); import torchvision_import; torchvision_import.ensure()`;
  const code = `import json, sys; ${guard}; ${names.map((m) => `import ${m}`).join('; ')}; print(json.dumps({"python": sys.version.split()[0], ${names.map((m) => `"${modules[m]}": ${m}.__version__`).join(', ')}}))`;
  const probe = spawnSync(PYTHON, ['-c', code], { encoding: 'utf8', timeout: 120_000 });
  if (probe.status !== 0) return null;
  try {
    return JSON.parse(probe.stdout.trim().split('\n').pop()!) as Record<string, string>;
  } catch {
    return null;
  }
}

/** Module to import: the name its version is recorded under. */
const PEER_MODULES = { torch: 'torch', lightning: 'lightning', optuna: 'optuna', numpy: 'numpy' };
const DATA_MODULES = { sklearn: 'scikit-learn', numpy: 'numpy' };
const VISION_MODULES = { torchvision: 'torchvision', PIL: 'pillow' };

/**
 * The venv's Python with `modules` importable, installing `packages` first where needed:
 * `python3 -m venv bench/.venv`, then pip from its configured index (one retry, short
 * timeouts, so an unreachable index fails in a minute instead of retrying for many), then
 * the local indexes if that failed.
 */
function preparePython(log: (s: string) => void, packages: readonly string[], modules: Record<string, string>): PeerEnvironment {
  const ready = fs.existsSync(PYTHON) ? versions(modules) : null;
  if (ready) return { ok: true, python: PYTHON, versions: ready };
  if (!fs.existsSync(PYTHON)) {
    log('python: python3 -m venv bench/.venv');
    const venv = spawnSync('python3', ['-m', 'venv', VENV], { encoding: 'utf8' });
    if (venv.status !== 0) return { ok: false, reason: `python3 -m venv failed: ${(venv.stderr || venv.error?.message || '').trim().split('\n').pop()}` };
  }
  const pip = (extra: string[]) => spawnSync(PYTHON, ['-m', 'pip', 'install', '--disable-pip-version-check', ...extra, ...packages], { encoding: 'utf8', timeout: 30 * 60_000 });
  log(`python: pip install ${packages.join(' ')} (pip's configured index)`);
  let result = pip(['--retries', '1', '--timeout', '20']);
  if (result.status !== 0 && fs.existsSync(LOCAL_INDEXES.primary)) {
    log('python: the configured index failed; pip install from the local indexes');
    result = pip(['--find-links', LOCAL_INDEXES.wheels, '--index-url', `file://${LOCAL_INDEXES.primary}`, '--extra-index-url', `file://${LOCAL_INDEXES.extra}`]);
  }
  const installed = versions(modules);
  if (installed) return { ok: true, python: PYTHON, versions: installed };
  const why = (result.stderr || result.error?.message || 'unknown').trim().split('\n').filter(Boolean).pop();
  return { ok: false, reason: `pip could not install ${packages.join(', ')}: ${why}` };
}

/**
 * The peers' Python (torch, lightning, optuna), installed first where needed; then
 * torchvision and pillow for the image folders, with `torch==` the version installed so
 * pip cannot replace the peers' torch for a torchvision built against another. Without
 * them the peers still run on everything else (`vision` says why).
 */
export function preparePeers(log: (s: string) => void): PeerEnvironment {
  const peers = preparePython(log, PACKAGES, PEER_MODULES);
  if (!peers.ok) return peers;
  const vision = preparePython(log, [`torch==${peers.versions.torch}`, ...VISION_PACKAGES], { ...PEER_MODULES, ...VISION_MODULES });
  return vision.ok ? vision : { ...peers, vision: vision.reason };
}

/** A Python with scikit-learn, for its bundled tables; installed first where needed (without torch). */
export function prepareDataPython(log: (s: string) => void): PeerEnvironment {
  return preparePython(log, DATA_PACKAGES, DATA_MODULES);
}

const running = new Set<ChildProcess>();
// An interrupted bench must not leave Optuna's processes training.
process.on('exit', () => {
  for (const child of running) if (child.pid) killGroup(child.pid);
});

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

export interface PeerRun<T> {
  /** The script's JSON line, or null when it printed none. */
  result: T | null;
  /** Wall time of the whole process, Python's start and imports included. */
  wallSeconds: number;
  /** Why there is no result: the exit status and the end of stderr. */
  error: string | null;
}

/** Runs a peer script (its own process group, killed after `timeoutSeconds`) and reads its JSON line. */
export function runPeer<T>(env: { python: string }, script: string, args: string[], timeoutSeconds: number): Promise<PeerRun<T>> {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(env.python, [path.join(PEERS, script), ...args], { cwd: PEERS, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PYTHONUNBUFFERED: '1', PYTHONDONTWRITEBYTECODE: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' } });
    running.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    const timer = setTimeout(() => child.pid && killGroup(child.pid), timeoutSeconds * 1000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      running.delete(child);
      const wallSeconds = (performance.now() - started) / 1000;
      const line = stdout.trim().split('\n').filter((l) => l.startsWith('{')).pop();
      let result: (T & { error?: string }) | null = null;
      try {
        result = line ? (JSON.parse(line) as T & { error?: string }) : null;
      } catch {
        result = null;
      }
      const tail = stderr.trim().split('\n').filter(Boolean).slice(-3).join(' | ');
      // A script that refuses (its translation check failed) prints { error } and exits non-zero.
      const refused = result?.error !== undefined ? `${script}: ${result.error} (${line})` : null;
      if (refused) resolve({ result: null, wallSeconds, error: refused });
      else resolve({ result, wallSeconds, error: result ? null : `${script} ended with ${signal ?? `exit ${code}`}${signal === 'SIGKILL' ? ` (killed after ${timeoutSeconds} s)` : ''}: ${tail}` });
    });
  });
}
