import * as fs from 'node:fs';
import type { Options } from 'yargs';
import { OUTPUT_FLAGS, SETUP_FLAGS, TUNE_FLAGS } from '../../src/cli/args';
import { COMMANDS, FLAGS_PAGE, type Command, helpText, parseHelp, renderFlagsPage, renderTable } from './flags-page';

const page = fs.readFileSync(FLAGS_PAGE, 'utf8');

/** docs/flags.md's rows under `## \`autobatch COMMAND…\``: flag name → the default cell, as written. */
function rowsOf(command: Command): Map<string, string> {
  const start = page.indexOf(`## \`autobatch ${command}`);
  expect(start).toBeGreaterThanOrEqual(0);
  const next = page.indexOf('\n## ', start + 1);
  const rows = new Map<string, string>();
  for (const line of page.slice(start, next < 0 ? undefined : next).split('\n')) {
    const m = /^\| (?:`-\w`, )?`--([\w-]+)` \| ([^|]*) \|/.exec(line);
    if (m) rows.set(m[1], m[2].trim());
  }
  return rows;
}

/** What a yargs option shows as its default: its `defaultDescription`, else its `default`; '' for none. */
const shownDefault = (spec: Options) => spec.defaultDescription ?? (spec.default === undefined ? '' : String(spec.default));
const unquote = (cell: string) => cell.replace(/^`(.*)`$/, '$1');

describe('docs/flags.md', () => {
  test('its tables are what `npm run docs:flags` generates from the commands\' --help (run it after changing a flag)', () => {
    expect(renderFlagsPage(page)).toBe(page);
  });

  test.each(COMMANDS)('every option `autobatch %s --help` lists has a row, with the default help shows', (command) => {
    const flags = parseHelp(helpText(command));
    expect(flags.length).toBeGreaterThan(0);
    const rows = rowsOf(command);
    for (const f of flags) {
      expect({ flag: f.flag, documented: rows.has(f.flag) }).toEqual({ flag: f.flag, documented: true });
      const expected = f.required ? 'required' : (f.default ?? '');
      expect({ flag: f.flag, default: unquote(rows.get(f.flag)!) }).toEqual({ flag: f.flag, default: expected });
    }
    // And nothing else: a flag that is gone leaves no row behind.
    expect([...rows.keys()].sort()).toEqual(flags.map((f) => f.flag).sort());
  });

  test('every flag of the yargs tables in src/cli/args.ts is on the page with its default', () => {
    const probe = rowsOf('probe');
    const tables: [Map<string, string>, [string, Options][]][] = [
      [probe, Object.values(TUNE_FLAGS).map((s) => [s.flag, s.yargs])],
      [probe, Object.entries(OUTPUT_FLAGS)],
      [rowsOf('setup'), Object.entries(SETUP_FLAGS)],
    ];
    let checked = 0;
    for (const [rows, specs] of tables) {
      for (const [flag, spec] of specs) {
        expect({ flag, default: rows.has(flag) ? unquote(rows.get(flag)!) : 'no row' }).toEqual({ flag, default: shownDefault(spec) });
        checked++;
      }
    }
    expect(checked).toBe(Object.keys(TUNE_FLAGS).length + Object.keys(OUTPUT_FLAGS).length + Object.keys(SETUP_FLAGS).length);
  });
});

describe('parseHelp', () => {
  test('reads wrapped descriptions, aliases, choices, defaults and required options', () => {
    const help = [
      'autobatch probe',
      '',
      'Options:',
      '      --version   Show version number                                   [boolean]',
      '      --queue     The Redis to take runs from: redis://HOST:PORT[/DB], rediss:// for',
      '                  TLS                                         [string] [required]',
      '      --backend   TensorFlow.js backend',
      '                  [string] [choices: "auto", "wasm"] [default: auto]',
      '      --parallel  Runs side by side',
      '                  [string] [default: the fewest that keep 90 % of the cores busy]',
      '      --model     A model file                                            [array]',
      '  -q, --quiet     No progress output                                    [boolean]',
      '  -h, --help      Show help                                             [boolean]',
      '',
    ].join('\n');
    expect(parseHelp(help)).toEqual([
      { flag: 'queue', alias: null, type: 'string', choices: [], default: null, required: true, describe: 'The Redis to take runs from: redis://HOST:PORT[/DB], rediss:// for TLS' },
      { flag: 'backend', alias: null, type: 'string', choices: ['auto', 'wasm'], default: 'auto', required: false, describe: 'TensorFlow.js backend' },
      { flag: 'parallel', alias: null, type: 'string', choices: [], default: 'the fewest that keep 90 % of the cores busy', required: false, describe: 'Runs side by side' },
      { flag: 'model', alias: null, type: 'array', choices: [], default: null, required: false, describe: 'A model file' },
      { flag: 'quiet', alias: 'q', type: 'boolean', choices: [], default: null, required: false, describe: 'No progress output' },
    ]);
  });

  test('a table escapes pipes and quotes only literal defaults', () => {
    const table = renderTable([
      { flag: 'seed', alias: null, type: 'string', choices: [], default: '42', required: false, describe: 'A | B' },
      { flag: 'label', alias: null, type: 'string', choices: [], default: 'the last column', required: false, describe: 'Label.' },
    ]);
    expect(table.split('\n').slice(2)).toEqual(['| `--seed` | `42` | A \\| B. |', '| `--label` | the last column | Label. |']);
  });
});
