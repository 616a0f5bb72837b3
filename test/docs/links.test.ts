import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT } from './flags-page';

/** The pages a newcomer reads: the README and every page in docs/. */
const PAGES = ['README.md', ...fs.readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

/** Markdown with fenced blocks and inline code blanked out: a link there is an example, not a link. */
function prose(markdown: string): string {
  return markdown.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '``');
}

/** Relative link targets of a page: `[text](target)`, web and mail links left out. */
export function relativeLinks(markdown: string): string[] {
  return [...prose(markdown).matchAll(/\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)]
    .map((m) => m[1])
    .filter((target) => !/^[a-z][a-z+.-]*:/i.test(target));
}

/**
 * The anchors a page offers, as GitHub makes them: each heading's text without its
 * markup, lower-cased, punctuation dropped, spaces as hyphens, a repeated one numbered
 * (`-1`, `-2`); and every explicit `<a id="…">`.
 */
export function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  const text = markdown.replace(/^```[\s\S]*?^```/gm, '');
  for (const m of text.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const plain = m[1]
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/<[^>]+>/g, '')
      .replace(/[`*~]/g, '');
    const slug = plain
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\p{M} _-]/gu, '')
      .replace(/ /g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    anchors.add(n === 0 ? slug : `${slug}-${n}`);
  }
  for (const m of markdown.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) anchors.add(m[1]);
  return anchors;
}

describe('links in README.md and docs/', () => {
  test('there are pages to check', () => {
    expect(PAGES.length).toBeGreaterThan(5);
  });

  test.each(PAGES)('every relative link in %s resolves (file, and heading for #anchor)', (page) => {
    const file = path.join(ROOT, page);
    const links = relativeLinks(fs.readFileSync(file, 'utf8'));
    const broken: string[] = [];
    for (const link of links) {
      const [target, anchor] = link.split('#') as [string, string | undefined];
      const resolved = target === '' ? file : path.resolve(path.dirname(file), decodeURIComponent(target));
      if (!fs.existsSync(resolved)) {
        broken.push(`${link}: no file ${path.relative(ROOT, resolved)}`);
        continue;
      }
      if (anchor !== undefined && !(resolved.endsWith('.md') && anchorsOf(fs.readFileSync(resolved, 'utf8')).has(anchor))) {
        broken.push(`${link}: no heading #${anchor} in ${path.relative(ROOT, resolved)}`);
      }
    }
    expect(broken).toEqual([]);
  });

  test('every docs/ page is linked from the README', () => {
    const linked = new Set(relativeLinks(fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8')).map((l) => path.normalize(l.split('#')[0])));
    expect(PAGES.filter((p) => p.startsWith('docs/') && !linked.has(path.normalize(p)))).toEqual([]);
  });
});

describe('anchorsOf and relativeLinks', () => {
  test('make anchors as GitHub does, and skip links in code', () => {
    const md = [
      '# The flags',
      '## `autobatch setup tensorflow`',
      '## tfjs-node offline: `autobatch setup tensorflow`',
      '## Exit codes',
      '## Exit codes',
      '```sh',
      '# not a heading',
      '```',
      '<a id="training-kernels"></a>',
      'See [a](docs/x.md#y), [b](https://example.com), `[c](no.md)` and [d](#exit-codes-1).',
    ].join('\n');
    expect([...anchorsOf(md)]).toEqual(['the-flags', 'autobatch-setup-tensorflow', 'tfjs-node-offline-autobatch-setup-tensorflow', 'exit-codes', 'exit-codes-1', 'training-kernels']);
    expect(relativeLinks(md)).toEqual(['docs/x.md#y', '#exit-codes-1']);
  });
});
