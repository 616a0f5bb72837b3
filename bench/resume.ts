/**
 * Resume (issue 22): what a tuner killed mid-search costs with `--resume`, against the same
 * run from zero. Three runs of the built CLI, back to back, on one workload:
 *   1. `autobatch probe … --out` uninterrupted;
 *   2. the same, SIGKILLed once its checkpoint holds half the runs the first run trained;
 *   3. `autobatch probe … --resume` on what the second left.
 * Reported: each run's wall time, the runs the resume reused and trained, and the resume's
 * wall time over the uninterrupted run's (what carrying on costs against starting again).
 *
 *   npm run build && npx ts-node --transpile-only bench/resume.ts -- --json > bench/results-resume.json
 *   npx ts-node --transpile-only bench/resume.ts --example mnist-mlp --backend wasm --budget 60
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import type { AutobatchDocument } from '../src/document';
import { benchMachine } from './machine';

const { values } = parseArgs({
  options: {
    example: { type: 'string', default: 'mnist-mlp' },
    backend: { type: 'string', default: 'wasm' },
    budget: { type: 'string', default: '60' },
    json: { type: 'boolean', default: false },
  },
});
const BIN = path.join(__dirname, '..', 'bin', 'autobatch.js');
const ARGS = ['probe', '--example', values.example!, '--backend', values.backend!, '--time-budget', values.budget!, '--quiet'];
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'autobatch-bench-resume-'));
const read = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8')) as AutobatchDocument;
const runsIn = (doc: AutobatchDocument) => doc.candidates.flatMap((c) => c.runs ?? []);
/** The search's rungs (fractions of the horizon) and whether the last was the whole horizon. */
const shapeOf = (doc: AutobatchDocument) => ({ parallel: doc.search?.parallel ?? null, rungs: (doc.search?.rungs ?? []).map((r) => Number(r.fraction.toFixed(3))), measuredAtHorizon: doc.search?.measuredAtHorizon ?? false });
const recorded = (file: string) => {
  try {
    return read(file).checkpoint?.search?.runs.length ?? 0;
  } catch {
    return 0;
  }
};

function timedRun(args: string[]): { seconds: number; status: number | null } {
  const started = performance.now();
  const r = spawnSync(process.execPath, [BIN, ...args], { stdio: 'ignore' });
  return { seconds: (performance.now() - started) / 1000, status: r.status };
}

/** Starts the run and SIGKILLs it, and its processes, once its checkpoint holds `runs` runs. */
async function killedAt(args: string[], out: string, runs: number): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, [BIN, ...args], { stdio: 'ignore', detached: true });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  while (recorded(out) < runs && child.exitCode === null) await new Promise((r) => setTimeout(r, 100));
  // The whole process group: a tuner killed with its machine takes its trial processes along.
  process.kill(-child.pid!, 'SIGKILL');
  await exited;
  const seconds = (performance.now() - started) / 1000;
  // Until the last of the group is gone: its cores must be free for the resume, as after a real crash.
  while (groupAlive(child.pid!)) await new Promise((r) => setTimeout(r, 50));
  return seconds;
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

async function main(): Promise<void> {
  const full = path.join(dir, 'full.json');
  const killed = path.join(dir, 'killed.json');
  const whole = timedRun([...ARGS, '--out', full]);
  const fullDoc = read(full);
  const total = runsIn(fullDoc).length;
  const killSeconds = await killedAt([...ARGS, '--out', killed], killed, Math.ceil(total / 2));
  const left = read(killed);
  const resumed = timedRun([...ARGS, '--resume', killed]);
  const doc = read(killed);
  const reused = doc.resumed?.runs ?? 0;
  const result = {
    machine: await benchMachine(),
    command: `autobatch ${ARGS.join(' ')}`,
    uninterrupted: { seconds: whole.seconds, status: whole.status, runs: total, batchSize: fullDoc.recommendation?.batchSize ?? null, ...shapeOf(fullDoc) },
    killed: { seconds: killSeconds, runsRecorded: left.checkpoint?.search?.runs.length ?? 0 },
    resumed: {
      seconds: resumed.seconds,
      status: resumed.status,
      complete: doc.complete,
      phasesReused: doc.resumed?.phases ?? [],
      runsReused: reused,
      runsTrained: runsIn(doc).length - reused,
      batchSize: doc.recommendation?.batchSize ?? null,
      ...shapeOf(doc),
    },
    resumedOverUninterrupted: resumed.seconds / whole.seconds,
  };
  fs.rmSync(dir, { recursive: true, force: true });
  if (values.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else {
    process.stdout.write(
      [
        result.command,
        `uninterrupted: ${whole.seconds.toFixed(1)} s, ${total} runs, batch ${result.uninterrupted.batchSize}; rungs ${result.uninterrupted.rungs.join(', ')}`,
        `killed after ${killSeconds.toFixed(1)} s with ${result.killed.runsRecorded} runs in its checkpoint`,
        `resumed: ${resumed.seconds.toFixed(1)} s (exit ${resumed.status}), reused ${result.resumed.phasesReused.join(', ')} and ${reused} runs, trained ${result.resumed.runsTrained}; batch ${result.resumed.batchSize}; rungs ${result.resumed.rungs.join(', ')}`,
        `resumed ÷ uninterrupted: ${result.resumedOverUninterrupted.toFixed(2)}`,
      ].join('\n') + '\n',
    );
  }
}

main().catch((err: unknown) => {
  fs.rmSync(dir, { recursive: true, force: true });
  process.stderr.write(`bench/resume: ${(err as Error).message}\n`);
  process.exit(1);
});
