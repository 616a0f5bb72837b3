/**
 * The leaderboard's flags, parsed on their own (no TensorFlow.js, nothing run), so a bad
 * one is one line and exit 2 before anything starts (bench/run.ts maps the message to a
 * UsageError).
 */
export interface LeaderboardArgs {
  json: boolean;
  only: string[] | null;
  out: string | null;
  /** autobatch's budget; undefined: its default (120 s). Hidden, for testing the harness. */
  tuneSeconds?: number;
  /** Every workload's horizon, for testing the harness. */
  epochs?: number;
  /** At most this many outer splits on the small tables (default 3), for testing the harness. */
  splits?: number;
  /** Where autobatch runs three times: the workloads marked for it (the small tables), every one, or none. */
  stability: 'marked' | 'all' | 'none';
  peers: boolean;
  /** Print the estimate and stop. */
  estimateOnly: boolean;
}

const USAGE = 'use --json, --only NAME[,NAME], --out FILE, --no-stability, --stability-all, --no-peers, --tune-seconds N, --epochs N, --splits N, --estimate';

/** The leaderboard's flags, or a message for a bad one. */
export function parseLeaderboardArgs(args: readonly string[]): LeaderboardArgs | string {
  const out: LeaderboardArgs = { json: false, only: null, out: null, stability: 'marked', peers: true, estimateOnly: false };
  const valued = ['--only', '--out', '--tune-seconds', '--epochs', '--splits'];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--leaderboard') continue;
    if (a === '--json') out.json = true;
    else if (a === '--no-stability') out.stability = 'none';
    else if (a === '--stability-all') out.stability = 'all';
    else if (a === '--no-peers') out.peers = false;
    else if (a === '--estimate') out.estimateOnly = true;
    else if (valued.includes(a)) {
      const v = args[++i];
      if (v === undefined || v.startsWith('--')) return `${a} needs a value`;
      if (a === '--only') out.only = v.split(',').filter(Boolean);
      else if (a === '--out') out.out = v;
      else {
        const n = Number(v);
        if (!Number.isFinite(n) || n <= 0) return `${a} needs a positive number, got ${v}`;
        if (a === '--splits' && !Number.isInteger(n)) return `--splits needs a whole number, got ${v}`;
        if (a === '--tune-seconds') out.tuneSeconds = n;
        else if (a === '--splits') out.splits = n;
        else out.epochs = n;
      }
    } else return `unknown argument ${a} for --leaderboard (${USAGE})`;
  }
  return out;
}
