/**
 * The leaderboard's result: its types, the targets evaluated over the workloads (pure
 * functions of the recorded numbers), and the human-readable table.
 */
import { median } from '../src/util/stats';

export type MethodName = 'autobatch' | 'kerasDefault' | 'lightning' | 'optuna' | 'grid';

export interface AvailableMethod {
  method: MethodName;
  available: true;
  /** 'schedule': linear warm-up and decay to zero at the peak; 'constant': the rate throughout. */
  kind: 'schedule' | 'constant';
  batchSize: number;
  /** The constant rate, or the schedule's peak. */
  learningRate: number;
  /** Median of the 3 seeds' final validation losses (Infinity, null in JSON, when diverged). */
  finalLoss: number;
  runs: number[];
  bestEpochLoss: number;
  diverged: boolean;
  /** finalLoss / Keras default's finalLoss. */
  vsKerasDefault: number | null;
  /** (finalLoss − the grid's best) / the grid's best. */
  regret: number | null;
  /**
   * Wall time of the method's own choosing: autobatch's tune, Lightning's and Optuna's
   * processes, the grid's runs over the pool's processes (its compute / workers); 0 for
   * Keras's default.
   */
  pickSeconds: number | null;
  /** Median seconds of one of its runs to the horizon in the TS harness. */
  trainSeconds: number;
  constantRate?: number;
  warmupSteps?: number;
  totalSteps?: number;
  tuneTotalSeconds?: number | null;
  /** What autobatch's document says about how it measured (fields read defensively). */
  autobatch?: Record<string, unknown>;
  /** The peer script's own output. */
  peer?: Record<string, unknown>;
  /** The grid's best peak as a multiple of the optimizer's default. */
  factor?: number;
  /** Runs whose process failed (out of memory, a crash): their loss counts as infinite. */
  failures?: string[];
}

export interface UnavailableMethod {
  method: MethodName;
  available: false;
  reason: string;
}

export type MethodResult = AvailableMethod | UnavailableMethod;

export interface WorkloadResult {
  name: string;
  about: string;
  epochs: number;
  epochsWhy: string | null;
  backend: string;
  trainSamples: number;
  valSamples: number | null;
  optimizer: { name: string; learningRate: number };
  grid: {
    sizes: number[];
    factors: number[];
    points: { batchSize: number; learningRate: number; factor: number; steps: number; finalLoss: number; seconds: number; error?: string }[];
    finalists: { batchSize: number; learningRate: number; runs: number[]; median: number }[];
  };
  methods: MethodResult[];
  stability:
    | { measured: false; reason: string }
    | {
        measured: true;
        /** the same command asked three times (tune seed 42): each recommendation trained once (data order 42). */
        picks: { tuneSeed: number; batchSize: number | null; peakLearningRate: number | null; wallSeconds: number; finalLoss: number | null }[];
        /** (max − min) / median of the 3 recommendations' final losses. */
        recommendationSpread: number | null;
        /** The same over the first recommendation's 3 data orders. */
        seedSpread: number | null;
        ratio: number | null;
        holds: boolean | null;
      };
  peers: { available: false; reason: string } | { available: true; torchThreads: number; optunaProcesses: number };
  seconds: number;
}

export interface Target {
  id: string;
  target: string;
  /** null when no workload had the numbers. */
  holds: boolean | null;
  value: number | null;
  /** Per workload: the number the target reads. */
  detail: Record<string, number | boolean | null>;
  note?: string;
}

export interface LeaderboardReport {
  mode: 'leaderboard';
  date: string;
  machine: Record<string, unknown>;
  versions: Record<string, string>;
  settings: Record<string, unknown>;
  peers: { available: boolean; reason?: string };
  estimatedSeconds: number;
  seconds: number;
  workloads: WorkloadResult[];
  /** Workloads that could not be benched at all (tune or the harness threw), with the error. */
  failed: { name: string; error: string }[];
  targets: Target[];
}

function method(w: WorkloadResult, name: MethodName): AvailableMethod | null {
  const m = w.methods.find((x) => x.method === name);
  return m && m.available ? m : null;
}

/** The leaderboard's targets over the workloads that have the numbers each reads. */
export function evaluateTargets(workloads: WorkloadResult[]): Target[] {
  const regrets: Record<string, number | null> = {};
  const vsOptuna: Record<string, number | null> = {};
  const vsLightning: Record<string, number | null> = {};
  const vsKeras: Record<string, number | null> = {};
  const fastWall: Record<string, number | null> = {};
  const stable: Record<string, boolean | null> = {};
  for (const w of workloads) {
    const a = method(w, 'autobatch');
    if (!a) continue;
    regrets[w.name] = a.regret;
    vsKeras[w.name] = a.vsKerasDefault;
    const o = method(w, 'optuna');
    if (o) vsOptuna[w.name] = Number.isFinite(o.finalLoss) ? a.finalLoss / o.finalLoss : 0;
    const l = method(w, 'lightning');
    if (l) vsLightning[w.name] = Number.isFinite(l.finalLoss) ? a.finalLoss / l.finalLoss : 0;
    const k = method(w, 'kerasDefault');
    if (k && k.trainSeconds < 5) fastWall[w.name] = a.pickSeconds;
    if (w.stability.measured) stable[w.name] = w.stability.holds;
  }
  const values = (r: Record<string, number | boolean | null>) => Object.values(r).filter((v): v is number => typeof v === 'number' && !Number.isNaN(v));
  const all = (r: Record<string, number | boolean | null>, ok: (v: number) => boolean) => (values(r).length ? values(r).every(ok) : null);
  const share = (r: Record<string, number | null>, ok: (v: number) => boolean) => (values(r).length ? values(r).filter(ok).length / values(r).length : null);
  const med = (r: Record<string, number | null>) => (values(r).length ? median(values(r)) : null);
  const optunaShare = share(vsOptuna, (v) => v <= 1.02);
  const kerasMedian = med(vsKeras);
  const regretMedian = med(regrets);
  const stableValues = Object.values(stable).filter((v): v is boolean => v !== null);
  return [
    { id: 'regret-max', target: "schedule regret vs the grid's best ≤ 5 % on every workload", holds: all(regrets, (v) => v <= 0.05), value: values(regrets).length ? Math.max(...values(regrets)) : null, detail: regrets },
    { id: 'regret-median', target: 'median schedule regret ≤ 2 %', holds: regretMedian === null ? null : regretMedian <= 0.02, value: regretMedian, detail: regrets },
    {
      id: 'vs-optuna',
      target: "autobatch's final loss within 2 % of Optuna's pick or better on ≥ 80 % of workloads",
      holds: optunaShare === null ? null : optunaShare >= 0.8,
      value: optunaShare,
      detail: vsOptuna,
      note: 'detail: autobatch / Optuna (0 where Optuna diverged)',
    },
    { id: 'vs-lightning', target: "autobatch better than Lightning's pick on every workload", holds: all(vsLightning, (v) => v < 1), value: values(vsLightning).length ? Math.max(...values(vsLightning)) : null, detail: vsLightning, note: 'detail: autobatch / Lightning (0 where Lightning diverged)' },
    { id: 'vs-keras', target: "autobatch ≤ 0.9 × Keras's default at the median over workloads", holds: kerasMedian === null ? null : kerasMedian <= 0.9, value: kerasMedian, detail: vsKeras },
    {
      id: 'fast-wall',
      target: "autobatch's wall time ≤ 30 s where the whole horizon trains in under 5 s at Keras's batch",
      holds: all(fastWall, (v) => v <= 30),
      value: values(fastWall).length ? Math.max(...values(fastWall)) : null,
      detail: fastWall,
      note: 'detail: autobatch wall seconds, on those workloads',
    },
    {
      id: 'stability',
      target: "the 3 recommendations' (the same command asked three times) spread of final loss ≤ one setting's spread over 3 data orders",
      holds: stableValues.length ? stableValues.every(Boolean) : null,
      value: stableValues.length ? stableValues.filter(Boolean).length / stableValues.length : null,
      detail: stable,
      note: 'value: share of the workloads measured where it holds',
    },
  ];
}

const num = (v: number | null | undefined, digits = 4) => (v === null || v === undefined ? '-' : Number.isFinite(v) ? v.toFixed(digits) : 'diverged');
const pct = (v: number | null | undefined) => (v === null || v === undefined || !Number.isFinite(v) ? '-' : `${v >= 0 ? '+' : ''}${(100 * v).toFixed(1)} %`);
const rate = (v: number) => v.toExponential(2);

function pad(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => `  ${r.map((c, i) => c.padEnd(widths[i])).join('  ')}`.trimEnd()).join('\n');
}

const LABELS: Record<MethodName, string> = { autobatch: 'autobatch', kerasDefault: "Keras's default", lightning: 'Lightning', optuna: 'Optuna', grid: 'grid best' };

/** How autobatch says it measured: at the horizon, or how far it extrapolated. */
function measuredLine(a: AvailableMethod): string {
  const f = a.autobatch ?? {};
  const measured = f.measured as { atHorizon?: boolean; extrapolation?: number } | null | undefined;
  const parts: string[] = [];
  if (measured && typeof measured.atHorizon === 'boolean') parts.push(measured.atHorizon ? 'measured at the horizon' : `not measured at the horizon (extrapolation ×${num(measured.extrapolation ?? null, 2)})`);
  else if (typeof f.measuredAtHorizon === 'boolean') parts.push(f.measuredAtHorizon ? 'measured at the horizon' : 'not measured at the horizon');
  const rungs = f.rungs as { length?: number; unit?: string; fraction?: number; runs?: number }[] | null | undefined;
  if (Array.isArray(rungs) && rungs.length) parts.push(`rungs ${rungs.map((r) => `${num(r.length ?? null, 2)} ${r.unit ?? ''} (${r.runs ?? '?'} runs)`).join(', ')}`);
  const trend = f.horizonTrend as { fromSteps?: number | null; factor?: number | null; limitedByRangeTest?: boolean | null } | null | undefined;
  if (trend && trend.fromSteps) parts.push(`trend from ${trend.fromSteps} steps to ${a.totalSteps ?? '?'}, ×${num(trend.factor ?? null, 2)}${trend.limitedByRangeTest ? ', held by the range test' : ''}`);
  if (f.complete === false) parts.push(`incomplete (${(f.phasesCut as string[] | undefined)?.join(', ') ?? ''} cut)`);
  return parts.join('; ') || 'the document says nothing about where it measured';
}

export function printLeaderboard(report: LeaderboardReport): string {
  const out: string[] = [];
  out.push(`autobatch leaderboard, ${report.date}, ${String(report.machine.cores)} cores, ${(report.seconds / 60).toFixed(1)} min (estimated ${(report.estimatedSeconds / 60).toFixed(0)})`);
  if (!report.peers.available) out.push(`peers (Lightning, Optuna) left out: ${report.peers.reason}`);
  for (const w of report.workloads) {
    out.push('');
    out.push(`${w.name}: ${w.epochs} epoch(s)${w.epochsWhy ? ` (${w.epochsWhy})` : ''}, ${w.trainSamples} training rows, ${w.optimizer.name} default ${rate(w.optimizer.learningRate)}, ${w.backend}`);
    out.push(`  ${w.about}`);
    const rows: string[][] = [['method', 'batch', 'rate', 'final loss', 'seeds', '×Keras', 'regret', 'pick s', 'run s']];
    for (const m of w.methods) {
      if (!m.available) {
        rows.push([LABELS[m.method], '-', '-', 'n/a', '', '', '', '', '']);
        continue;
      }
      const failed = (m.failures?.length ?? 0) >= m.runs.length;
      rows.push([
        LABELS[m.method],
        String(m.batchSize),
        `${m.kind === 'schedule' ? 'peak' : 'const'} ${rate(m.learningRate)}`,
        failed ? 'failed' : num(m.finalLoss),
        m.runs.map((v) => num(v)).join(' '),
        num(m.vsKerasDefault, 3),
        pct(m.regret),
        m.pickSeconds === null ? '-' : m.pickSeconds.toFixed(0),
        m.trainSeconds.toFixed(1),
      ]);
    }
    out.push(pad(rows));
    for (const m of w.methods) if (!m.available) out.push(`  ${LABELS[m.method]}: ${m.reason}`);
    for (const m of w.methods) if (m.available && m.failures) out.push(`  ${LABELS[m.method]}: runs failed: ${m.failures.join('; ')}`);
    const a = w.methods.find((m) => m.method === 'autobatch');
    if (a?.available) out.push(`  autobatch: ${measuredLine(a)}`);
    const l = w.methods.find((m) => m.method === 'lightning');
    if (l?.available && Array.isArray(l.peer?.notes) && (l.peer!.notes as string[]).length) out.push(`  Lightning: ${(l.peer!.notes as string[]).join('; ')}`);
    const o = w.methods.find((m) => m.method === 'optuna');
    if (o?.available && o.peer) out.push(`  Optuna: ${String(o.peer.trials)} trials (${String(o.peer.completed)} completed, ${String(o.peer.pruned)} pruned) in ${num(o.peer.seconds as number, 0)} s`);
    out.push(`  grid: batch ${w.grid.sizes.join(', ')} × peaks ${w.grid.factors.join(', ')} × default; finalists ${w.grid.finalists.map((f) => `${f.batchSize}@${rate(f.learningRate)} ${num(f.median)}`).join(', ')}`);
    if (w.stability.measured) {
      const s = w.stability;
      out.push(`  stability: asked three times → ${s.picks.map((p) => `${p.batchSize ?? '-'}@${p.peakLearningRate === null ? '-' : rate(p.peakLearningRate)} ${num(p.finalLoss)}`).join(', ')}; spread ${pct(s.recommendationSpread)} vs ${pct(s.seedSpread)} over data orders: ${s.holds === null ? '-' : s.holds ? 'holds' : 'does not hold'}`);
    } else out.push(`  stability: ${w.stability.reason}`);
  }
  for (const f of report.failed) out.push('', `${f.name}: not benched: ${f.error}`);
  out.push('');
  out.push('targets:');
  for (const t of report.targets) {
    const mark = t.holds === null ? '  n/a ' : t.holds ? '  yes ' : '  NO  ';
    const detail = Object.entries(t.detail)
      .map(([k, v]) => `${k} ${typeof v === 'number' ? (t.id.startsWith('regret') ? pct(v) : num(v, 3)) : String(v)}`)
      .join(', ');
    out.push(`${mark}${t.target}: ${t.value === null ? '-' : t.id.startsWith('regret') ? pct(t.value) : num(t.value, 3)}${detail ? `  [${detail}]` : ''}`);
  }
  return `${out.join('\n')}\n`;
}
