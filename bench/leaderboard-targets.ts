/**
 * Issue 28's targets for the leaderboard, judged on the test rows: each reads, per
 * workload, the median over its splits of one ratio (autobatch's test loss over the other
 * method's), or the stability check of the first split. A diverged run's ratio is
 * infinite (it fails the target) and shows as null in JSON.
 */
import { median } from '../src/util/stats';
import type { Ratios, Stability, Target } from './leaderboard-report';

type Detail = Record<string, number | null>;

function numbers(detail: Detail): number[] {
  return Object.values(detail).filter((v): v is number => v !== null && !Number.isNaN(v));
}

/** The share of workloads whose value passes, and whether that share reaches `least`. */
function share(id: string, target: string, detail: Detail, ok: (v: number) => boolean, least: number, note: string): Target {
  const v = numbers(detail);
  const value = v.length ? v.filter(ok).length / v.length : null;
  return { id, target, holds: value === null ? null : value >= least, value, detail, note };
}

/** The median over workloads against a limit. */
function atMedian(id: string, target: string, detail: Detail, limit: number, note: string): Target {
  const v = numbers(detail);
  const value = v.length ? median(v) : null;
  return { id, target, holds: value === null ? null : value <= limit, value, detail, note };
}

/** Every workload passing; the value is the worst. */
function every(id: string, target: string, detail: Detail, ok: (v: number) => boolean, note: string): Target {
  const v = numbers(detail);
  return { id, target, holds: v.length ? v.every(ok) : null, value: v.length ? Math.max(...v) : null, detail, note };
}

/** The targets over the workloads that have the numbers each reads. */
export function evaluateTargets(workloads: readonly { name: string; aggregate: Ratios; stability: Stability }[]): Target[] {
  const pick = (key: keyof Ratios): Detail => Object.fromEntries(workloads.filter((w) => w.aggregate[key] !== null).map((w) => [w.name, w.aggregate[key]]));
  const stable: Record<string, boolean | null> = {};
  for (const w of workloads) if (w.stability.measured) stable[w.name] = w.stability.holds;
  const stableValues = Object.values(stable).filter((v): v is boolean => v !== null);
  const ratio = 'detail: autobatch ÷ the other, the median over the workload\'s splits (0 where only the other diverged)';
  return [
    share('vs-grid', "within 2 % of the grid chosen on validation rows, or better, on at least 80 % of workloads", pick('vsGrid'), (v) => v <= 1.02, 0.8, `value: the share within; ${ratio}`),
    atMedian('vs-grid-bound', "within 3 % of the grid's test-set bound at the median", pick('vsGridBound'), 1.03, `value: the median; ${ratio}`),
    every('keras-never-worse', "never worse than Keras's default (batch 32, the compiled rate, constant)", pick('vsKerasDefault'), (v) => v <= 1, `value: the worst; ${ratio}`),
    atMedian('keras-median', "≤ 0.9 × Keras's default's loss at the median", pick('vsKerasDefault'), 0.9, `value: the median; ${ratio}`),
    share('vs-optuna', 'within 2 % of Optuna (same budget), or better, on at least 80 % of workloads', pick('vsOptuna'), (v) => v <= 1.02, 0.8, `value: the share within; ${ratio}`),
    every('vs-lightning', "better than Lightning's pick on every workload", pick('vsLightning'), (v) => v < 1, `value: the worst; ${ratio}`),
    {
      id: 'stability',
      target: "asked three times, the recommendation's test loss varies no more than one setting's spread over data orders",
      holds: stableValues.length ? stableValues.every(Boolean) : null,
      value: stableValues.length ? stableValues.filter(Boolean).length / stableValues.length : null,
      detail: stable,
      note: 'value: the share of the workloads measured (the small tables, first split) where it holds',
    },
  ];
}
