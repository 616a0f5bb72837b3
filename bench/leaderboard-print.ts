/** The leaderboard's human-readable output: per workload and split, every method's test loss, then the targets. */
import type { AvailableMethod, LeaderboardReport, MethodName, Ratios, SplitResult, WorkloadResult } from './leaderboard-report';

const num = (v: number | null | undefined, digits = 4) => (v === null || v === undefined ? '-' : Number.isFinite(v) ? v.toFixed(digits) : 'diverged');
const rate = (v: number) => v.toExponential(2);

function pad(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => `    ${r.map((c, i) => c.padEnd(widths[i])).join('  ')}`.trimEnd()).join('\n');
}

const LABELS: Record<MethodName, string> = { autobatch: 'autobatch', kerasDefault: "Keras's default", lightning: 'Lightning', optuna: 'Optuna', grid: 'grid (validation)', gridBound: 'grid test bound' };

/** How autobatch says it measured and decided: at the horizon, or how far it extrapolated; its decision's rule. */
function measuredLine(a: AvailableMethod): string {
  const f = a.autobatch ?? {};
  const measured = f.measured as { atHorizon?: boolean; extrapolation?: number } | null | undefined;
  const parts: string[] = [];
  if (measured && typeof measured.atHorizon === 'boolean') parts.push(measured.atHorizon ? 'measured at the horizon' : `not measured at the horizon (extrapolation ×${num(measured.extrapolation ?? null, 2)})`);
  else if (typeof f.measuredAtHorizon === 'boolean') parts.push(f.measuredAtHorizon ? 'measured at the horizon' : 'not measured at the horizon');
  const decision = f.decision as { rule?: string | null; folds?: number | null; race?: { stop?: string; over?: string } | null } | null | undefined;
  if (decision?.rule) parts.push(`decided by ${decision.rule}${decision.folds ? ` over ${decision.folds} folds` : ''}${decision.race?.stop ? `, race ${decision.race.stop}` : ''}`);
  if (a.scheduleKind === 'constant') parts.push('schedule constant: trained at its constant rate');
  if (f.complete === false) parts.push(`incomplete (${(f.phasesCut as string[] | undefined)?.join(', ') ?? ''} cut)`);
  return parts.join('; ') || 'the document says nothing about where it measured';
}

function methodRows(s: SplitResult): string {
  const rows: string[][] = [['method', 'batch', 'rate', 'test loss', 'data orders', 'val loss', '÷Keras', '÷grid', '÷bound', 'pick s', 'run s']];
  for (const m of s.methods) {
    if (!m.available) {
      rows.push([LABELS[m.method], '-', '-', 'n/a', '', '', '', '', '', '', '']);
      continue;
    }
    const failed = (m.failures?.length ?? 0) >= m.testRuns.length;
    rows.push([
      LABELS[m.method],
      String(m.batchSize),
      `${m.kind === 'schedule' ? 'peak' : 'const'} ${rate(m.learningRate)}`,
      failed ? 'failed' : num(m.testLoss),
      m.testRuns.map((v) => num(v)).join(' '),
      num(m.valLoss),
      num(m.vsKerasDefault, 3),
      num(m.vsGrid, 3),
      num(m.vsGridBound, 3),
      m.pickSeconds === null ? '-' : m.pickSeconds.toFixed(0),
      m.trainSeconds.toFixed(1),
    ]);
  }
  return pad(rows);
}

function splitLines(s: SplitResult): string[] {
  const out = [`  split ${s.split + 1} (test seed ${s.testSeed}): ${s.rows.train} training, ${s.rows.validation} validation, ${s.rows.test} test rows${s.rows.testDropped ? ` (${s.rows.testDropped} test rows left out: a class or text the dev rows lack)` : ''}`, methodRows(s)];
  for (const m of s.methods) if (!m.available) out.push(`    ${LABELS[m.method]}: ${m.reason}`);
  for (const m of s.methods) if (m.available && m.failures) out.push(`    ${LABELS[m.method]}: runs failed: ${m.failures.join('; ')}`);
  const find = (name: MethodName) => s.methods.find((m): m is AvailableMethod => m.method === name && m.available);
  const a = find('autobatch');
  if (a) out.push(`    autobatch: ${measuredLine(a)}`);
  const l = find('lightning');
  if (l && Array.isArray(l.peer?.notes) && (l.peer!.notes as string[]).length) out.push(`    Lightning: ${(l.peer!.notes as string[]).join('; ')}`);
  const o = find('optuna');
  if (o?.peer) out.push(`    Optuna: ${String(o.peer.trials)} trials (${String(o.peer.completed)} completed, ${String(o.peer.pruned)} pruned) in ${num(o.peer.seconds as number, 0)} s`);
  const point = (f: SplitResult['grid']['finalists'][number]) => `${f.batchSize}@${rate(f.learningRate)} val ${num(f.valLoss)} test ${num(f.testLoss)}`;
  out.push(`    grid: batch ${s.grid.sizes.join(', ')} × peaks ${s.grid.factors.join(', ')} × default; finalists by validation: ${s.grid.finalists.map(point).join(', ')}; by test (the bound's): ${s.grid.testFinalists.map(point).join(', ')}`);
  return out;
}

const RATIO_LABELS: Record<keyof Ratios, string> = { vsKerasDefault: '÷Keras', vsGrid: '÷grid', vsGridBound: '÷bound', vsOptuna: '÷Optuna', vsLightning: '÷Lightning' };

function workloadLines(w: WorkloadResult): string[] {
  const out = ['', `${w.name}: ${w.epochs} epoch(s)${w.epochsWhy ? ` (${w.epochsWhy})` : ''}, ${w.optimizer.name} default ${rate(w.optimizer.learningRate)}, ${w.backend}, ${w.splits.length} test split(s)${w.public ? '' : ' (not public data)'}`];
  out.push(`  ${w.about}`, `  from: ${w.origin}`);
  for (const s of w.splits) out.push(...splitLines(s));
  const ratios = (Object.keys(RATIO_LABELS) as (keyof Ratios)[]).map((k) => `${RATIO_LABELS[k]} ${num(w.aggregate[k], 3)}`).join(', ');
  out.push(`  autobatch's test loss ${w.splits.length > 1 ? `(the median over ${w.splits.length} splits of each ratio)` : ''}: ${ratios}`);
  if (w.stability.measured) {
    const s = w.stability;
    const pct = (v: number | null) => (v === null ? '-' : `${(100 * v).toFixed(1)} %`);
    out.push(`  stability: asked three times → ${s.picks.map((p) => `${p.batchSize ?? '-'}@${p.learningRate === null ? '-' : rate(p.learningRate)} ${num(p.testLoss)}`).join(', ')}; spread ${pct(s.recommendationSpread)} vs ${pct(s.seedSpread)} over data orders: ${s.holds === null ? '-' : s.holds ? 'holds' : 'does not hold'}`);
  } else out.push(`  stability: ${w.stability.reason}`);
  return out;
}

export function printLeaderboard(report: LeaderboardReport): string {
  const out: string[] = [];
  out.push(`autobatch leaderboard, ${report.date}, ${String(report.machine.cores)} cores, ${(report.seconds / 60).toFixed(1)} min (estimated ${(report.estimatedSeconds / 60).toFixed(0)}); every method judged on test rows none chose on`);
  if (!report.peers.available) out.push(`peers (Lightning, Optuna) left out: ${report.peers.reason}`);
  for (const w of report.workloads) out.push(...workloadLines(w));
  for (const n of report.notRun) out.push('', `${n.name}: not run: ${n.reason}`);
  for (const f of report.failed) out.push('', `${f.name}: not benched: ${f.error}`);
  out.push('', 'targets (autobatch ÷ the other, on the test rows):');
  for (const t of report.targets) {
    const mark = t.holds === null ? '  n/a ' : t.holds ? '  yes ' : '  NO  ';
    const detail = Object.entries(t.detail)
      .map(([k, v]) => `${k} ${typeof v === 'number' ? num(v, 3) : String(v)}`)
      .join(', ');
    out.push(`${mark}${t.target}: ${num(t.value, 3)}${detail ? `  [${detail}]` : ''}`);
  }
  return `${out.join('\n')}\n`;
}
