import { AutobatchError } from '../util/errors';

/** Exit statuses of the `autobatch` command. Stable: pipelines branch on them. */
export const EXIT_CODES = {
  /** The run finished and wrote a complete result. */
  ok: 0,
  /** A runtime failure: no backend could train the model, training failed, no batch size fit, a bug. */
  failure: 1,
  /** Bad usage or input: an unknown flag, a bad value, an unusable file. Nothing ran. */
  usage: 2,
  /** The run ended early (time budget spent); the result is written with `complete: false`. */
  incomplete: 3,
  /** Interrupted by SIGINT or SIGTERM; the result so far is written with `complete: false`. */
  interrupted: 130,
} as const;

/** The exit status for an error thrown out of a command. */
export function exitCodeFor(err: unknown): number {
  if (err instanceof AutobatchError && (err.code === 'E_USAGE' || err.code === 'E_INPUT')) return EXIT_CODES.usage;
  return EXIT_CODES.failure;
}
