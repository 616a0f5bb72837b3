/**
 * The leaderboard's result: its types, the ratios every target reads (autobatch's test
 * loss over each other method's, per split, then the median over a workload's splits),
 * and the targets evaluated over the workloads. Pure functions of the recorded numbers.
 */
import { median } from '../src/util/stats';

export type MethodName = 'autobatch' | 'kerasDefault' | 'lightning' | 'optuna' | 'grid' | 'gridBound';

export interface AvailableMethod {
  method: MethodName;
  available: true;
  /** 'schedule': linear warm-up and decay to zero at the peak; 'constant': the rate throughout. */
  kind: 'schedule' | 'constant';
  batchSize: number;
  /** The constant rate, or the schedule's peak. */
  learningRate: number;
  /** Median over the 3 data orders of the loss on the test rows at the horizon (Infinity, null in JSON, when diverged). */
  testLoss: number;
  testRuns: number[];
  /** The same on the dev validation rows: what a method could have chosen on. */
  valLoss: number;
  valRuns: number[];
  diverged: boolean;
  /** testLoss / Keras's default's testLoss. */
  vsKerasDefault: number | null;
  /** testLoss / the grid's (chosen on validation rows) testLoss. */
  vsGrid: number | null;
  /** testLoss / the grid's test-set bound. */
  vsGridBound: number | null;
  /**
   * Wall time of the method's own choosing: autobatch's tune, Lightning's and Optuna's
   * processes, the grid's runs over the pool's processes (its compute / workers); 0 for
   * Keras's default and the bound.
   */
  pickSeconds: number | null;
  /** Median seconds of one of its runs to the horizon in the harness. */
  trainSeconds: number;
  constantRate?: number;
  /** autobatch's `recommendation.schedule.kind` (read defensively). */
  scheduleKind?: string | null;
  tuneTotalSeconds?: number | null;
  /** What autobatch's document says about how it measured and decided (fields read defensively). */
  autobatch?: Record<string, unknown>;
  /** The peer script's own output. */
  peer?: Record<string, unknown>;
  /** The grid's peak as a multiple of the optimizer's default. */
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

/** autobatch's test loss over another method's (below 1: autobatch better); null where either is missing. */
export interface Ratios {
  vsKerasDefault: number | null;
  vsGrid: number | null;
  vsGridBound: number | null;
  vsOptuna: number | null;
  vsLightning: number | null;
}

export const RATIO_KEYS = ['vsKerasDefault', 'vsGrid', 'vsGridBound', 'vsOptuna', 'vsLightning'] as const;

export interface GridPointResult {
  batchSize: number;
  learningRate: number;
  factor: number;
  valRuns: number[];
  testRuns: number[];
  valLoss: number;
  testLoss: number;
}

export interface SplitResult {
  split: number;
  testSeed: number;
  rows: { train: number; validation: number; test: number; testDropped: number };
  methods: MethodResult[];
  grid: {
    sizes: number[];
    factors: number[];
    /** Every point's first run (data order 42), best validation loss first. */
    points: { batchSize: number; learningRate: number; factor: number; steps: number; valLoss: number; testLoss: number; seconds: number; error?: string }[];
    /** The careful user's finalists (best 3 by validation loss), on 3 data orders. */
    finalists: GridPointResult[];
    /** The bound's finalists (best 3 by test loss), on 3 data orders. */
    testFinalists: GridPointResult[];
  };
  ratios: Ratios;
  peers: { available: false; reason: string } | { available: true; torchThreads: number; optunaProcesses: number };
  seconds: number;
}

export type Stability =
  | { measured: false; reason: string }
  | {
      measured: true;
      /** The same command asked three times on the first split: each recommendation trained once (data order 42), its test loss. */
      picks: { batchSize: number | null; learningRate: number | null; kind: string | null; wallSeconds: number; testLoss: number | null }[];
      /** (max − min) / median of the 3 recommendations' test losses. */
      recommendationSpread: number | null;
      /** The same over the first recommendation's 3 data orders. */
      seedSpread: number | null;
      ratio: number | null;
      holds: boolean | null;
    };

export interface WorkloadResult {
  name: string;
  about: string;
  origin: string;
  public: boolean;
  epochs: number;
  epochsWhy: string | null;
  backend: string;
  optimizer: { name: string; learningRate: number };
  splits: SplitResult[];
  /** Each ratio's median over the splits that have it (one split: its own). */
  aggregate: Ratios & { splits: number };
  stability: Stability;
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
  /** Workloads whose data could not be had (no Python for scikit-learn's tables, a missing file), with why. */
  notRun: { name: string; reason: string }[];
  /** Workloads that could not be benched (tune or the harness threw), with the error. */
  failed: { name: string; error: string }[];
  targets: Target[];
}

/** a / b for losses: 0 where only b diverged, Infinity where only a did, null where both did or either is missing. */
export function lossRatio(a: number | null | undefined, b: number | null | undefined): number | null {
  if (a === null || a === undefined || b === null || b === undefined) return null;
  const fa = Number.isFinite(a);
  const fb = Number.isFinite(b);
  if (fa && fb) return b === 0 ? null : a / b;
  if (!fa && !fb) return null;
  return fa ? 0 : Infinity;
}

function available(methods: readonly MethodResult[], name: MethodName): AvailableMethod | null {
  const m = methods.find((x) => x.method === name);
  return m && m.available ? m : null;
}

/** autobatch's test loss over each other method's on one split. */
export function splitRatios(methods: readonly MethodResult[]): Ratios {
  const a = available(methods, 'autobatch');
  const over = (name: MethodName) => lossRatio(a?.testLoss, available(methods, name)?.testLoss);
  return { vsKerasDefault: over('kerasDefault'), vsGrid: over('grid'), vsGridBound: over('gridBound'), vsOptuna: over('optuna'), vsLightning: over('lightning') };
}

/** Each ratio's median over the splits that have it. */
export function aggregateRatios(splits: readonly Ratios[]): Ratios & { splits: number } {
  const out = { splits: splits.length } as Ratios & { splits: number };
  for (const key of RATIO_KEYS) {
    const values = splits.map((s) => s[key]).filter((v): v is number => v !== null);
    out[key] = values.length ? median(values) : null;
  }
  return out;
}
