import * as path from 'node:path';
import {
  bindingCheckProblem,
  findNodeDir,
  findNpmCli,
  firstErrorLine,
  installLocationFor,
  libraryLinks,
  missingTools,
  missingToolsMessage,
  napiBuildVersion,
  nodeGypArgs,
  nodeGypFor,
  parseBindingCheck,
  requiredTools,
  unsupportedPlatformReason,
  WHEEL_MEMBERS,
  type BindingCheck,
} from '../../src/platform/setup-tensorflow';

/** A file system that holds exactly `files`. */
const holding = (...files: string[]) => (file: string) => files.includes(file);

describe('where tfjs-node goes', () => {
  test('beside the @tensorflow/tfjs autobatch resolves, so both share one tfjs', () => {
    expect(installLocationFor('/app/node_modules/@tensorflow/tfjs/package.json')).toEqual({
      projectRoot: '/app',
      packageDir: '/app/node_modules/@tensorflow/tfjs-node',
    });
    // autobatch's own nested copy (npm did not hoist it): tfjs-node goes into the same nested folder.
    expect(installLocationFor('/app/node_modules/autobatch/node_modules/@tensorflow/tfjs/package.json')).toEqual({
      projectRoot: '/app/node_modules/autobatch',
      packageDir: '/app/node_modules/autobatch/node_modules/@tensorflow/tfjs-node',
    });
  });

  test('a tfjs outside node_modules is refused with the reason', () => {
    expect(() => installLocationFor('/src/tfjs/package.json')).toThrow(expect.objectContaining({ code: 'E_SETUP', message: expect.stringContaining('outside a node_modules folder') }));
  });
});

describe('the build', () => {
  test.each([
    ['nvm: the headers beside the binary', '/home/u/.nvm/versions/node/v20/bin/node', undefined, ['/home/u/.nvm/versions/node/v20/include/node/node_api.h'], '/home/u/.nvm/versions/node/v20'],
    ['Debian: /usr/bin/node, prefix /', '/usr/bin/node', '/', ['/usr/include/node/node_api.h'], '/usr'],
    ['the configured prefix when the binary is elsewhere', '/opt/bin/node', '/opt/node', ['/opt/node/include/node/node_api.h'], '/opt/node'],
    ['no headers anywhere', '/usr/bin/node', '/usr', [], null],
  ])('--nodedir: %s', (_name, execPath, prefix, files, expected) => {
    expect(findNodeDir(execPath, prefix, holding(...files))).toBe(expected);
  });

  test('npm and the node-gyp it ships, from npm_execpath (npx too) or from PATH', () => {
    const cli = '/usr/lib/node_modules/npm/bin/npm-cli.js';
    expect(findNpmCli('/usr/lib/node_modules/npm/bin/npx-cli.js', null, holding(cli))).toBe(cli);
    expect(findNpmCli(undefined, cli, holding(cli))).toBe(cli);
    expect(findNpmCli('/usr/bin/yarn', null, holding(cli))).toBeNull();
    expect(nodeGypFor(cli)).toBe('/usr/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js');
  });

  test.each([
    [9, 8],
    [8, 8],
    [6, 6],
  ])('N-API %i builds lib/napi-v%i, the folder tfjs-node looks in', (nodeNapi, built) => {
    expect(napiBuildVersion(nodeNapi)).toBe(built);
  });

  test('an N-API below what tfjs-node publishes is refused', () => {
    expect(() => napiBuildVersion(2)).toThrow(/needs at least 3/);
  });

  test('node-gyp builds into the package\'s lib/, not build/lib/, against the named Node headers', () => {
    expect(nodeGypArgs('/app/node_modules/@tensorflow/tfjs-node', '/usr', 8)).toEqual([
      'rebuild',
      '--module_name=tfjs_binding',
      '--module_path=/app/node_modules/@tensorflow/tfjs-node/lib/napi-v8',
      '--napi_build_version=8',
      '--nodedir=/usr',
    ]);
  });

  test('deps/lib: the linker\'s names point at the wheel\'s two libraries', () => {
    const links = new Map(libraryLinks());
    expect(links.get('libtensorflow.so')).toBe(path.basename(WHEEL_MEMBERS.library));
    expect(links.get('libtensorflow.so.2')).toBe('libtensorflow_cc.so.2');
    expect(links.get('libtensorflow_framework.so')).toBe('libtensorflow_framework.so.2');
    // No link may shadow the real files.
    expect(links.has('libtensorflow_cc.so.2')).toBe(false);
    expect(links.has('libtensorflow_framework.so.2')).toBe(false);
  });
});

describe('the tools it needs', () => {
  const found = (...names: string[]) => (name: string) => (names.includes(name) ? `/usr/bin/${name}` : null);

  test.each([
    ['all there', found('python3', 'make', 'g++'), {}, []],
    ['any C++ compiler will do', found('python3', 'make', 'clang++'), {}, []],
    ['no make', found('python3', 'c++'), {}, ['make']],
    ['no compiler, no python', found('make'), {}, ['python3 (pip downloads the wheel, node-gyp runs gyp)', 'a C++ compiler (c++, g++ or clang++)']],
    ['$CXX names the compiler, and it is missing', found('python3', 'make', 'g++'), { CXX: 'clang++-17 -stdlib=libc++' }, ['the C++ compiler $CXX (clang++-17 -stdlib=libc++)']],
  ] as const)('%s', (_name, lookup, env, missing) => {
    expect(missingTools(requiredTools(env, false), lookup)).toEqual(missing);
  });

  test('one line that names what is missing and how to get it', () => {
    expect(missingToolsMessage(['make'])).toMatch(/^building tfjs-node needs make, which is not on PATH \(Debian\/Ubuntu: apt-get install build-essential python3;/);
    expect(missingToolsMessage(['make', 'a C++ compiler (c++, g++ or clang++)'])).toContain('needs make and a C++ compiler (c++, g++ or clang++), which are not on PATH');
    expect(missingToolsMessage(['a', 'b', 'c'])).toContain('needs a, b and c, which are');
  });

  test.each([
    ['linux', 'x64', null],
    ['linux', 'arm64', null],
    ['darwin', 'arm64', /Linux only \(this is darwin\)/],
    ['linux', 'ia32', /x64 and arm64 Linux only/],
  ] as const)('platform %s %s', (platform, arch, expected) => {
    const reason = unsupportedPlatformReason(platform, arch);
    if (expected === null) expect(reason).toBeNull();
    else expect(reason).toMatch(expected);
  });

  test('a failed step is reported by its first error line', () => {
    expect(firstErrorLine('gyp info ok\n../binding/tfjs_backend.cc:12: fatal error: tensorflow/c/c_api.h: No such file\ncompilation terminated.\n')).toBe('../binding/tfjs_backend.cc:12: fatal error: tensorflow/c/c_api.h: No such file');
    expect(firstErrorLine('no match here\nlast line\n')).toBe('last line');
    expect(firstErrorLine('')).toBe('(no output)');
  });
});

describe('the check of a built binding', () => {
  const check: BindingCheck = {
    backend: 'tensorflow',
    tfjsVersion: '4.22.0',
    tfjsNodeVersion: '4.22.0',
    tensorflowVersion: '2.21.0',
    tfjsPackage: '/app/node_modules/@tensorflow/tfjs/package.json',
  };

  test('reads the JSON line after TensorFlow\'s own log lines', () => {
    expect(parseBindingCheck(`2026 I cpu_feature_guard.cc: AVX2\n${JSON.stringify(check)}\n`)).toEqual(check);
    expect(parseBindingCheck('Error: libtensorflow.so.2: cannot open shared object file')).toBeNull();
    expect(parseBindingCheck(JSON.stringify({ backend: 'tensorflow' }))).toBeNull();
  });

  test('a binding on another backend, or with its own tfjs, is not autobatch\'s', () => {
    expect(bindingCheckProblem(check, '/app/node_modules/@tensorflow/tfjs/package.json')).toBeNull();
    expect(bindingCheckProblem({ ...check, backend: 'cpu' }, check.tfjsPackage)).toMatch(/backend is cpu/);
    expect(bindingCheckProblem({ ...check, tfjsPackage: '/app/node_modules/@tensorflow/tfjs-node/node_modules/@tensorflow/tfjs/package.json' }, check.tfjsPackage)).toMatch(/its own @tensorflow\/tfjs/);
  });
});
