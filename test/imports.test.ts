import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * No import circles in src/, type-only imports included (DESIGN.md: lower layers never
 * import higher ones). A circle compiles, and usually runs, until one module's top level
 * reads another's export before it is set; a type-only circle is the same tangle for a reader.
 */
const SRC = path.join(__dirname, '..', 'src');

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? sources(full) : e.name.endsWith('.ts') ? [full] : [];
  });
}

/** The src files a file imports (static, dynamic and type-only; re-exports too). */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:import|export)\s[^'";]*?from\s+['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)|require\(\s*['"](\.[^'"]+)['"]\s*\)/g)].map((m) => m[1] ?? m[2] ?? m[3]);
  return specifiers.flatMap((s) => {
    const base = path.resolve(path.dirname(file), s);
    const found = [`${base}.ts`, path.join(base, 'index.ts')].find((c) => fs.existsSync(c));
    return found ? [found] : [];
  });
}

/** Every circle, as the files around it. */
export function findCycles(files: readonly string[]): string[][] {
  const graph = new Map(files.map((f) => [f, importsOf(f)]));
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const visit = (file: string) => {
    state.set(file, 'open');
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === 'open') cycles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const f of files) if (!state.has(f)) visit(f);
  return cycles;
}

test('src/ has no import circles, type-only imports included', () => {
  const cycles = findCycles(sources(SRC)).map((c) => c.map((f) => path.relative(SRC, f)).join(' → '));
  expect(cycles).toEqual([]);
});

test('the check finds a circle, a type-only one included', () => {
  const dir = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'autobatch-cycles-'));
  try {
    fs.writeFileSync(path.join(dir, 'a.ts'), "import type { B } from './b';\nexport type A = B;\n");
    fs.writeFileSync(path.join(dir, 'b.ts'), "import { c } from './c';\nexport type B = number;\nexport const b = c;\n");
    fs.writeFileSync(path.join(dir, 'c.ts'), "export type { A } from './a';\nexport const c = 1;\n");
    expect(findCycles(sources(dir)).length).toBe(1);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
