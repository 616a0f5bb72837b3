/**
 * `autobatch setup tensorflow`: makes `@tensorflow/tfjs-node` work where its install
 * script cannot download libtensorflow (no internet, a proxy, a blocked bucket). It
 * takes TensorFlow's C library from a TensorFlow CPU wheel (pip's configured index, or
 * `--from-wheel`), installs the tfjs-node package without its install script, and
 * builds its native binding against that library with the node-gyp npm ships.
 *
 * The pure parts (where things go, which files and links, which tools, which flags)
 * are exported for tests; `setupTensorflow` runs the steps.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { InputError, SetupError } from '../util/errors';

/** The TensorFlow wheel autobatch downloads and was tested with (tfjs-node 4.22.0 ↔ TensorFlow 2.x C API). */
export const TESTED_TENSORFLOW_VERSION = '2.21.0';

/** The wheel's members the binding needs: TensorFlow's C API lives in `libtensorflow_cc`. */
export const WHEEL_MEMBERS = {
  library: 'tensorflow/libtensorflow_cc.so.2',
  framework: 'tensorflow/libtensorflow_framework.so.2',
  include: 'tensorflow/include/',
} as const;

/** N-API versions tfjs-node 4.x publishes (its package.json `binary.napi_versions`). */
const TFJS_NODE_NAPI_VERSIONS = [3, 4, 5, 6, 7, 8] as const;

export interface SetupTensorflowOptions {
  /**
   * A TensorFlow CPU wheel (`.whl`) for this platform to take the C library from.
   * @default pip downloads `tensorflow-cpu==2.21.0` from its configured index
   */
  fromWheel?: string;
  /**
   * Build again even when a working binding is installed.
   * @default false
   */
  force?: boolean;
  /** One line per long step (download, extract, compile, check). */
  onProgress?: (line: string) => void;
}

export interface SetupTensorflowResult {
  /** true when a working binding was found and nothing was built. */
  alreadyWorking: boolean;
  /** The `@tensorflow/tfjs-node` folder autobatch loads. */
  packageDir: string;
  /** What the check printed from a fresh Node process. */
  check: BindingCheck;
}

/** What loading tfjs-node and training a dense model for one epoch reported. */
export interface BindingCheck {
  backend: string;
  tfjsVersion: string;
  tfjsNodeVersion: string;
  /** `TF_Version()` of the C library the binding loaded. */
  tensorflowVersion: string;
  /** The `@tensorflow/tfjs` package.json tfjs-node resolved: it must be autobatch's own. */
  tfjsPackage: string;
}

/** Where tfjs-node goes so that autobatch's `require` finds it, beside the tfjs it must share. */
export interface InstallLocation {
  /** The folder whose `node_modules` holds autobatch's `@tensorflow/tfjs`: npm installs here. */
  projectRoot: string;
  packageDir: string;
}

/**
 * The install location for the `@tensorflow/tfjs` package.json autobatch resolves.
 * tfjs-node registers its backend with the tfjs it resolves itself, so it must sit in
 * the same `node_modules` to find the same copy.
 * @throws SetupError when the path is not inside a `node_modules/@tensorflow` folder.
 */
export function installLocationFor(tfjsPackageJson: string): InstallLocation {
  const scopeDir = path.dirname(path.dirname(tfjsPackageJson));
  const nodeModules = path.dirname(scopeDir);
  if (path.basename(scopeDir) !== '@tensorflow' || path.basename(nodeModules) !== 'node_modules') {
    throw new SetupError(`@tensorflow/tfjs resolves to ${tfjsPackageJson}, outside a node_modules folder: install autobatch with npm first`);
  }
  return { projectRoot: path.dirname(nodeModules), packageDir: path.join(scopeDir, 'tfjs-node') };
}

/**
 * The `--nodedir` for node-gyp: the folder above Node's own `include/node`, so the
 * binding builds against the headers of the Node that runs it, without a download.
 * @returns null when no candidate has `include/node/node_api.h`.
 */
export function findNodeDir(execPath: string, nodePrefix: string | undefined, exists: (file: string) => boolean): string | null {
  const candidates = [path.dirname(path.dirname(execPath)), nodePrefix, '/usr', '/usr/local'].filter((c): c is string => !!c);
  for (const dir of new Set(candidates)) {
    if (exists(path.join(dir, 'include', 'node', 'node_api.h'))) return dir;
  }
  return null;
}

/**
 * npm's own CLI script: from `npm_execpath` (set when run through npm or npx), else the
 * `npm` found on PATH with its links resolved.
 */
export function findNpmCli(npmExecPath: string | undefined, npmOnPath: string | null, exists: (file: string) => boolean): string | null {
  const candidates: string[] = [];
  if (npmExecPath && /(npm|npx)-cli\.js$/.test(npmExecPath)) candidates.push(path.join(path.dirname(npmExecPath), 'npm-cli.js'));
  if (npmOnPath) candidates.push(npmOnPath.endsWith('.js') ? npmOnPath : path.join(path.dirname(npmOnPath), 'npm-cli.js'));
  return candidates.find(exists) ?? null;
}

/** The node-gyp npm ships beside its CLI (`npm/bin/npm-cli.js` → `npm/node_modules/node-gyp`). */
export function nodeGypFor(npmCli: string): string {
  return path.join(path.dirname(path.dirname(npmCli)), 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
}

/** The highest N-API version tfjs-node publishes that this Node supports: node-pre-gyp looks for `lib/napi-vN`. */
export function napiBuildVersion(nodeNapi: number): number {
  const usable = TFJS_NODE_NAPI_VERSIONS.filter((v) => v <= nodeNapi);
  if (usable.length === 0) throw new SetupError(`this Node supports N-API ${nodeNapi}; tfjs-node needs at least ${TFJS_NODE_NAPI_VERSIONS[0]}`);
  return Math.max(...usable);
}

/**
 * The node-gyp command line that builds `PACKAGE/lib/napi-vN/tfjs_binding.node`, where
 * tfjs-node's loader looks. The module path is absolute: make runs in `build/`, so a
 * relative one lands in `build/lib/`.
 */
export function nodeGypArgs(packageDir: string, nodeDir: string, napi: number): string[] {
  return ['rebuild', '--module_name=tfjs_binding', `--module_path=${path.join(packageDir, 'lib', `napi-v${napi}`)}`, `--napi_build_version=${napi}`, `--nodedir=${nodeDir}`];
}

/**
 * The links `deps/lib` needs beside the wheel's two libraries. The binding links with
 * `-ltensorflow -ltensorflow_framework`, so the linker looks for `libtensorflow.so`;
 * the wheel's C API library is `libtensorflow_cc.so.2`, which is also its soname, so
 * the built binding loads that name. `libtensorflow.so.2` is the name tfjs-node's own
 * download puts there. Each `[name, target]`, the target relative to `deps/lib`.
 */
export function libraryLinks(): [name: string, target: string][] {
  const cc = path.basename(WHEEL_MEMBERS.library);
  const framework = path.basename(WHEEL_MEMBERS.framework);
  return [
    ['libtensorflow.so.2', cc],
    ['libtensorflow.so', cc],
    ['libtensorflow_framework.so', framework],
  ];
}

/** A tool the build needs; `names` are alternatives, the first found is used. */
export interface RequiredTool {
  label: string;
  names: string[];
}

/** What the build runs: pip and gyp need python3, node-gyp runs make and a C++ compiler (`$CXX` when set). */
export function requiredTools(env: NodeJS.ProcessEnv, fromWheel: boolean): RequiredTool[] {
  const compiler = env.CXX ? [env.CXX.trim().split(/\s+/)[0]] : ['c++', 'g++', 'clang++'];
  return [
    { label: fromWheel ? 'python3 (node-gyp runs gyp with it)' : 'python3 (pip downloads the wheel, node-gyp runs gyp)', names: ['python3'] },
    { label: 'make', names: ['make'] },
    { label: env.CXX ? `the C++ compiler $CXX (${env.CXX})` : 'a C++ compiler (c++, g++ or clang++)', names: compiler },
  ];
}

/** The tools not found, by label; empty when all are there. */
export function missingTools(tools: RequiredTool[], lookup: (name: string) => string | null): string[] {
  return tools.filter((t) => !t.names.some((n) => lookup(n) !== null)).map((t) => t.label);
}

/**
 * One line for the missing tools, with the packages that bring them on common systems.
 * @example missingToolsMessage(['make']) // 'building tfjs-node needs make, which is not on PATH (Debian/Ubuntu: apt-get install build-essential python3; ...)'
 */
export function missingToolsMessage(missing: string[]): string {
  const list = missing.length === 1 ? missing[0] : `${missing.slice(0, -1).join(', ')} and ${missing[missing.length - 1]}`;
  const verb = missing.length === 1 ? 'is' : 'are';
  return `building tfjs-node needs ${list}, which ${verb} not on PATH (Debian/Ubuntu: apt-get install build-essential python3; Fedora: dnf install make gcc-c++ python3; macOS: xcode-select --install)`;
}

/** The platforms the wheel recipe covers: TensorFlow's Linux CPU wheels (macOS wheels name their libraries `.dylib`, Windows differs again). */
export function unsupportedPlatformReason(platform: NodeJS.Platform, arch: string): string | null {
  if (platform !== 'linux') return `autobatch setup tensorflow builds on Linux only (this is ${platform}); elsewhere, npm install @tensorflow/tfjs-node with internet access`;
  if (arch !== 'x64' && arch !== 'arm64') return `autobatch setup tensorflow builds on x64 and arm64 Linux only (this is ${arch})`;
  return null;
}

/** The first line of `text` that says what went wrong, for one-line errors. */
export function firstErrorLine(text: string): string {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  return lines.find((l) => /\berror\b/i.test(l)) ?? lines[lines.length - 1] ?? '(no output)';
}

/**
 * Loads tfjs-node from `packageDir` in its own process and trains a dense model for one
 * epoch: a binding that is missing, cannot find its library or aborts fails here, not
 * in the caller. Prints the versions as JSON on the last line.
 */
export const CHECK_SCRIPT = `
const tf = require(process.argv[1]);
const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2] })] });
model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
model.fit(tf.ones([4, 2]), tf.ones([4, 1]), { epochs: 1, verbose: 0 }).then((h) => {
  if (!Number.isFinite(h.history.loss[0])) throw new Error('the training step gave a loss of ' + h.history.loss[0]);
  console.log(JSON.stringify({
    backend: tf.getBackend(),
    tfjsVersion: tf.version.tfjs,
    tfjsNodeVersion: tf.version['tfjs-node'],
    tensorflowVersion: tf.backend().binding.TF_Version,
    tfjsPackage: require.resolve('@tensorflow/tfjs/package.json', { paths: [process.argv[1]] }),
  }));
});
`;

/** The check's JSON line, or null when the output has none. */
export function parseBindingCheck(stdout: string): BindingCheck | null {
  const last = stdout.trim().split('\n').pop() ?? '';
  try {
    const parsed = JSON.parse(last) as Partial<BindingCheck>;
    if (typeof parsed.backend !== 'string' || typeof parsed.tensorflowVersion !== 'string' || typeof parsed.tfjsPackage !== 'string') return null;
    return parsed as BindingCheck;
  } catch {
    return null;
  }
}

/**
 * Why a working binding's check is still wrong for autobatch, or null: it must run on
 * tensorflow and share autobatch's tfjs (a second copy would take its registration).
 */
export function bindingCheckProblem(check: BindingCheck, tfjsPackageJson: string): string | null {
  if (check.backend !== 'tensorflow') return `tfjs-node loaded but the backend is ${check.backend}, not tensorflow`;
  if (path.resolve(check.tfjsPackage) !== path.resolve(tfjsPackageJson)) {
    return `tfjs-node resolves its own @tensorflow/tfjs (${check.tfjsPackage}), not autobatch's (${tfjsPackageJson})`;
  }
  return null;
}

/**
 * Makes `@tensorflow/tfjs-node` load and train on backend `tensorflow` for autobatch:
 * nothing to do when it already does (unless `force`); else install the package
 * without its install script, put the wheel's C library in its `deps/`, build the
 * binding, and check it in a fresh process.
 * @throws SetupError for a missing tool, a failed download, build or check.
 * @throws InputError for a `fromWheel` that is missing or not a TensorFlow wheel.
 */
export async function setupTensorflow(options: SetupTensorflowOptions = {}): Promise<SetupTensorflowResult> {
  const progress = options.onProgress ?? (() => {});
  const platformProblem = unsupportedPlatformReason(process.platform, process.arch);
  if (platformProblem) throw new SetupError(platformProblem);
  const tfjsPackageJson = require.resolve('@tensorflow/tfjs/package.json');
  const tfjsVersion = (JSON.parse(fs.readFileSync(tfjsPackageJson, 'utf8')) as { version: string }).version;
  const { projectRoot, packageDir } = installLocationFor(tfjsPackageJson);

  if (options.fromWheel !== undefined && !fs.existsSync(options.fromWheel)) throw new InputError(`--from-wheel ${options.fromWheel}: no such file`);
  if (!options.force && fs.existsSync(packageDir)) {
    const existing = runBindingCheck(packageDir);
    if (existing.check && !bindingCheckProblem(existing.check, tfjsPackageJson)) return { alreadyWorking: true, packageDir, check: existing.check };
  }
  const missing = missingTools(requiredTools(process.env, options.fromWheel !== undefined), which);
  if (missing.length) throw new SetupError(missingToolsMessage(missing));
  const nodeDir = findNodeDir(process.execPath, (process.config.variables as { node_prefix?: string }).node_prefix, fs.existsSync);
  if (!nodeDir) throw new SetupError(`Node's headers (include/node/node_api.h) are not beside ${process.execPath}: install your distribution's nodejs development package (Debian: libnode-dev)`);
  const npmCli = findNpmCli(process.env.npm_execpath, which('npm'), fs.existsSync);
  if (!npmCli) throw new SetupError('npm is not on PATH: autobatch setup tensorflow installs tfjs-node with it and builds with its node-gyp');
  const nodeGyp = nodeGypFor(npmCli);
  if (!fs.existsSync(nodeGyp)) throw new SetupError(`npm's node-gyp is not at ${nodeGyp}`);

  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'autobatch-setup-'));
  try {
    const wheel = options.fromWheel ?? downloadWheel(work, progress);
    installPackage(npmCli, projectRoot, packageDir, tfjsVersion, progress);
    extractWheel(wheel, path.join(packageDir, 'deps'), options.fromWheel !== undefined, progress);
    await buildBinding(nodeGyp, packageDir, nodeDir, progress);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  progress('checking: loading tfjs-node and training a dense model in a fresh process');
  const built = runBindingCheck(packageDir);
  if (!built.check) throw new SetupError(`the binding built but does not load: ${firstErrorLine(built.stderr)}`);
  const problem = bindingCheckProblem(built.check, tfjsPackageJson);
  if (problem) throw new SetupError(problem);
  return { alreadyWorking: false, packageDir, check: built.check };
}

function downloadWheel(work: string, progress: (line: string) => void): string {
  progress(`downloading tensorflow-cpu==${TESTED_TENSORFLOW_VERSION} with pip (its configured index; about 270 MB)`);
  const pip = spawnSync('python3', ['-m', 'pip', 'download', '--no-deps', '--only-binary=:all:', '--progress-bar', 'off', `tensorflow-cpu==${TESTED_TENSORFLOW_VERSION}`, '-d', work], { encoding: 'utf8' });
  const wheel = fs.readdirSync(work).find((f) => f.endsWith('.whl'));
  if (pip.status !== 0 || !wheel) {
    throw new SetupError(`pip could not download tensorflow-cpu==${TESTED_TENSORFLOW_VERSION}: ${firstErrorLine(`${pip.stderr ?? ''}${pip.error?.message ?? ''}`)} (download a TensorFlow CPU wheel for this platform and pass --from-wheel FILE)`);
  }
  return path.join(work, wheel);
}

function installPackage(npmCli: string, projectRoot: string, packageDir: string, version: string, progress: (line: string) => void): void {
  const installed = readVersion(path.join(packageDir, 'package.json'));
  if (installed === version && fs.existsSync(path.join(packageDir, 'binding.gyp')) && resolvesFrom(packageDir, '@mapbox/node-pre-gyp')) return;
  progress(`installing @tensorflow/tfjs-node@${version} without its install script (npm, in ${projectRoot})`);
  // --no-save: package.json and the lockfile stay as they are; the package stays the optional dependency it was.
  const npm = spawnSync(
    process.execPath,
    [npmCli, 'install', '--no-save', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error', `@tensorflow/tfjs-node@${version}`],
    { cwd: projectRoot, encoding: 'utf8' },
  );
  if (npm.status !== 0 || readVersion(path.join(packageDir, 'package.json')) !== version) {
    throw new SetupError(`npm could not install @tensorflow/tfjs-node@${version} in ${projectRoot}: ${firstErrorLine(`${npm.stderr ?? ''}${npm.stdout ?? ''}`)}`);
  }
}

/** Python's zipfile, not `unzip` (often absent): the headers and the two libraries only. */
const EXTRACT_SCRIPT = `
import os, shutil, sys, zipfile
wheel, deps, library, framework, include = sys.argv[1:6]
z = zipfile.ZipFile(wheel)
names = set(z.namelist())
missing = [n for n in (library, framework) if n not in names]
if missing:
    sys.exit('not a TensorFlow wheel with the C library: it lacks ' + ', '.join(missing))
for info in z.infolist():
    name = info.filename
    if '..' in name.split('/') or name.endswith('/'):
        continue
    if name.startswith(include):
        out = os.path.join(deps, 'include', name[len(include):])
    elif name in (library, framework):
        out = os.path.join(deps, 'lib', os.path.basename(name))
    else:
        continue
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with z.open(info) as src, open(out, 'wb') as dst:
        shutil.copyfileobj(src, dst, 1 << 20)
`;

function extractWheel(wheel: string, deps: string, named: boolean, progress: (line: string) => void): void {
  progress(`extracting TensorFlow's C library and headers from ${path.basename(wheel)}`);
  // Into a fresh folder first: a wheel without the library leaves an installed deps/ as it was.
  const partial = `${deps}.partial`;
  fs.rmSync(partial, { recursive: true, force: true });
  const r = spawnSync('python3', ['-c', EXTRACT_SCRIPT, wheel, partial, WHEEL_MEMBERS.library, WHEEL_MEMBERS.framework, WHEEL_MEMBERS.include], { encoding: 'utf8' });
  if (r.status !== 0) {
    fs.rmSync(partial, { recursive: true, force: true });
    const why = firstErrorLine(`${r.stderr ?? ''}${r.error?.message ?? ''}`);
    if (named) throw new InputError(`--from-wheel ${wheel}: ${why}`);
    throw new SetupError(`could not extract ${wheel}: ${why}`);
  }
  fs.rmSync(deps, { recursive: true, force: true });
  fs.renameSync(partial, deps);
  const lib = path.join(deps, 'lib');
  for (const [name, target] of libraryLinks()) fs.symlinkSync(target, path.join(lib, name));
}

async function buildBinding(nodeGyp: string, packageDir: string, nodeDir: string, progress: (line: string) => void): Promise<void> {
  progress(`compiling tfjs-node's binding against Node's headers in ${nodeDir} (a minute or two)`);
  const log = path.join(packageDir, 'deps', 'build.log');
  const args = nodeGypArgs(packageDir, nodeDir, napiBuildVersion(Number(process.versions.napi)));
  const code = await new Promise<number | null>((resolve, reject) => {
    const out = fs.openSync(log, 'w');
    const child = spawn(process.execPath, [nodeGyp, ...args], { cwd: packageDir, stdio: ['ignore', out, out] });
    child.on('error', reject);
    child.on('exit', (c) => {
      fs.closeSync(out);
      resolve(c);
    });
  });
  if (code !== 0) throw new SetupError(`building the binding failed: ${firstErrorLine(fs.readFileSync(log, 'utf8'))} (full log: ${log})`);
  // The headers only serve the build (about 270 MB); the libraries stay, the binding loads them from deps/lib.
  fs.rmSync(path.join(packageDir, 'deps', 'include'), { recursive: true, force: true });
}

function runBindingCheck(packageDir: string): { check: BindingCheck | null; stderr: string } {
  const r = spawnSync(process.execPath, ['-e', CHECK_SCRIPT, packageDir], { encoding: 'utf8', timeout: 120_000 });
  return { check: r.status === 0 ? parseBindingCheck(r.stdout) : null, stderr: `${r.stderr ?? ''}${r.error?.message ?? ''}` };
}

/** Whether `name` (tfjs-node's loader finds its binding with node-pre-gyp) resolves from `dir`. */
function resolvesFrom(dir: string, name: string): boolean {
  try {
    require.resolve(name, { paths: [dir] });
    return true;
  } catch {
    return false;
  }
}

function readVersion(packageJson: string): string | null {
  try {
    return (JSON.parse(fs.readFileSync(packageJson, 'utf8')) as { version?: string }).version ?? null;
  } catch {
    return null;
  }
}

/** The executable `name` resolves to on PATH, or null. */
function which(name: string): string | null {
  if (name.includes('/')) return isExecutable(name) ? name : null;
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const file = path.join(dir, name);
    if (isExecutable(file)) return fs.realpathSync(file);
  }
  return null;
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}
