import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

/**
 * Suites that need something a machine may lack: a service (redis-server), a browser,
 * root and iproute2. Where one is missing the suite is skipped and one line on stderr
 * names it and how to install it; under CI=true (.ci/run installs them all) a missing one
 * is a failure, so that CI never passes by skipping.
 */

/** Something a suite needs, and why this machine lacks it. */
export interface Requirement {
  /** How to get it, as the skip line says: `apt-get install -y redis-server`. */
  install: string;
  /** Why it is missing here (`redis-server is not installed`), or null where it is present. */
  missing: string | null;
}

/** A program on PATH that runs (`name --version` exits 0, or `name ...args`). */
export function program(name: string, install: string, args: readonly string[] = ['--version']): Requirement {
  const found = spawnSync(name, args, { stdio: 'ignore', timeout: 10_000 }).status === 0;
  return { install, missing: found ? null : `${name} is not installed` };
}

type SuiteFn = (title: string, fn: () => void) => void;

/**
 * `describe` where every requirement is met. Otherwise a `describe` whose tests are
 * skipped, having said so once on stderr; under CI=true, instead, a `describe` holding
 * one test that fails with the same line (the suite's own tests and hooks are not
 * registered: no setup runs, so no teardown meets what a setup never made).
 */
export function describeNeeding(...requirements: readonly Requirement[]): SuiteFn {
  const missing = requirements.filter((r) => r.missing !== null);
  if (missing.length === 0) return describe;
  const why = missing.map((r) => `${r.missing} (${r.install})`).join('; ');
  if (process.env.CI === 'true') {
    return (title) =>
      describe(title, () => {
        test('has what it needs', () => {
          throw new Error(`${why}; under CI=true what a suite needs is never skipped`);
        });
      });
  }
  process.stderr.write(`\n[skipped] ${path.relative(process.cwd(), expect.getState().testPath ?? '')}: ${why}\n`);
  return describe.skip;
}
