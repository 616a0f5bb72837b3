/**
 * The leaderboard's workloads: today's three bench workloads, six tables (four written
 * here, seeded, and the two in ../shared/data), the MNIST CNN and an Embedding + LSTM
 * module. Each has the horizon every method trains to, the oracle grid's batch sizes
 * (fixed here, before autobatch runs, so the grid cannot follow its answer) and whether
 * autobatch is run three times on it for stability.
 *
 * The tables are written into a folder the parent makes (`writeLeaderboardData`); the
 * worker processes rebuild the same list from the same folder.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { normalizeOptions, type TuneOptions } from '../src/options';
import type { TF } from '../src/platform/tf';
import { createRandom } from '../src/util/random';
import { resolveWorkload } from '../src/workloads/spec';
import { createWorkload, type Workload } from '../src/workloads/workload';
import { TABLES } from './tables';
import { benchWorkloads } from './workloads';

export interface LeaderboardWorkload {
  name: string;
  /** What `tune()` is given, less seed, epochs and budget. */
  options: TuneOptions;
  /** The horizon every method trains to. */
  epochs: number;
  /** Why the horizon is what it is, when it is not the default 20 epochs. */
  epochsWhy?: string;
  /** The oracle's batch sizes (those above the probe's safe maximum or the training rows are dropped). */
  gridSizes: number[];
  /** Peaks of the oracle's schedule, as multiples of the optimizer's default rate. */
  gridFactors: number[];
  /** autobatch asked three times (the same command, tune seed 42) for the stability numbers. */
  stability: boolean;
  /** Where the data came from, for the output. */
  about: string;
  /**
   * For the estimate printed at the start, measured on this 2-core machine when the
   * workload was added: training rows, seconds of one epoch at batch 32 on wasm, the
   * mean cost of a grid run against that (small batches cost more, large ones less), and
   * tune()'s wall time at its default budget (13 s measured on cars93, whose search
   * ends early; the budget where the search fills it; 60 s for titanic-like a guess).
   */
  estimate: { trainRows: number; epochSeconds: number; scale: number; tuneSeconds: number };
}

const DEFAULT_GRID = [16, 32, 64, 128, 256];
const DEFAULT_FACTORS = [0.3, 1, 3, 10];

/** Seeded table shaped like MASS's birthwt: 189 births, low birth weight (yes/no) from the mother's data. */
function birthWeight(file: string): void {
  const random = createRandom(189);
  const lines = ['"","age","lwt","race","smoke","ptl","ht","ui","ftv","low"'];
  const races = ['white', 'black', 'other'];
  for (let i = 0; i < 189; i++) {
    const age = 14 + Math.floor(random() * 22);
    const lwt = Math.round(85 + 120 * random() ** 1.5);
    const race = Math.floor(random() ** 1.3 * 3);
    const smoke = random() < 0.39;
    const ptl = random() < 0.84 ? 0 : 1 + Math.floor(random() * 2);
    const ht = random() < 0.06;
    const ui = random() < 0.15;
    const ftv = Math.floor(random() ** 2 * 5);
    const logit = -0.6 - 0.012 * (lwt - 130) - 0.03 * (age - 23) + 0.9 * Number(smoke) + 0.6 * ptl + 1.6 * Number(ht) + 0.7 * Number(ui) + (race > 0 ? 0.8 : 0);
    const low = random() < 1 / (1 + Math.exp(-logit));
    // Missing cells as users bring them: an empty weight, an NA visit count.
    const lwtCell = random() < 0.04 ? '' : String(lwt);
    const ftvCell = random() < 0.05 ? 'NA' : String(ftv);
    lines.push(`"${i + 1}",${age},${lwtCell},"${races[race]}","${smoke ? 'yes' : 'no'}",${ptl},"${ht ? 'yes' : 'no'}","${ui ? 'yes' : 'no'}",${ftvCell},"${low ? 'yes' : 'no'}"`);
  }
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
}

/** Seeded table shaped like R's Titanic, one row a passenger: 2,201 rows, every column text, some ports missing. */
function passengers(file: string): void {
  const random = createRandom(2201);
  const classes: [string, number, number][] = [
    ['1st', 325, 0.9],
    ['2nd', 285, 0.2],
    ['3rd', 706, -0.9],
    ['Crew', 885, -0.7],
  ];
  const lines = ['"Class","Sex","Age","Embarked","Survived"'];
  for (const [name, count, effect] of classes) {
    for (let i = 0; i < count; i++) {
      const female = random() < (name === 'Crew' ? 0.03 : 0.4);
      const child = name !== 'Crew' && random() < 0.09;
      const port = random() < 0.02 ? '' : `"${['Southampton', 'Cherbourg', 'Queenstown'][Math.floor(random() ** 1.8 * 3)]}"`;
      const logit = -1.2 + effect + (female ? 2.3 : 0) + (child ? 1.0 : 0) + (port === '"Cherbourg"' ? 0.3 : 0);
      const survived = random() < 1 / (1 + Math.exp(-logit));
      lines.push(`"${name}","${female ? 'Female' : 'Male'}","${child ? 'Child' : 'Adult'}",${port},"${survived ? 'Yes' : 'No'}"`);
    }
  }
  // Shuffled, as an export of a database would not be sorted by class.
  const body = lines.slice(1);
  for (let i = body.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [body[i], body[j]] = [body[j], body[i]];
  }
  fs.writeFileSync(file, `${[lines[0], ...body].join('\n')}\n`);
}

const SHARED_DATA = path.join(__dirname, '..', '..', 'shared', 'data');

/** Writes the generated tables into `dir` (the shared ones are read where they are). */
export function writeLeaderboardData(dir: string, names: readonly string[]): void {
  fs.mkdirSync(dir, { recursive: true });
  const want = (name: string) => names.includes(name) && !fs.existsSync(path.join(dir, `${name}.csv`));
  if (want('birthwt-like')) birthWeight(path.join(dir, 'birthwt-like.csv'));
  if (want('titanic-like')) passengers(path.join(dir, 'titanic-like.csv'));
  for (const spec of TABLES) if (want(spec.name)) spec.write(path.join(dir, `${spec.name}.csv`), spec.rows);
}

/** The leaderboard's workloads; tables are read from `dir` (see `writeLeaderboardData`). */
export function leaderboardWorkloads(tf: TF, dir: string): LeaderboardWorkload[] {
  const bench = new Map(benchWorkloads(tf).map((w) => [w.name, w.options]));
  const table = (name: string) => path.join(dir, `${name}.csv`);
  const flights = TABLES.find((t) => t.name === 'flights-like')!;
  const diamonds = TABLES.find((t) => t.name === 'diamonds-like')!;
  const grid = { gridSizes: DEFAULT_GRID, gridFactors: DEFAULT_FACTORS };
  return [
    {
      name: 'mnist-mlp',
      options: bench.get('mnist-mlp')!,
      epochs: 5,
      epochsWhy: 'an epoch is 3 s at batch 32 on wasm: 20 would be a minute a run',
      ...grid,
      stability: false,
      about: 'built-in example: 8,192 MNIST digits (80 % train), MLP 784-256-128-10, Adam',
      estimate: { trainRows: 8000, epochSeconds: 3, scale: 0.9, tuneSeconds: 115 },
    },
    {
      name: 'synthetic-regression',
      options: bench.get('synthetic-regression')!,
      epochs: 20,
      ...grid,
      stability: false,
      about: 'built-in example: seeded regression, 16 features, MLP 64-64-1, SGD',
      estimate: { trainRows: 8192, epochSeconds: 0.6, scale: 0.9, tuneSeconds: 115 },
    },
    {
      name: 'deep-mlp',
      options: bench.get('deep-mlp')!,
      epochs: 10,
      epochsWhy: 'an epoch is 2 s at batch 32: 20 would be 40 s a run',
      ...grid,
      stability: false,
      about: 'bench/workloads.ts: six dense layers of 256, momentum SGD, 8 classes',
      estimate: { trainRows: 4800, epochSeconds: 1.9, scale: 0.9, tuneSeconds: 115 },
    },
    {
      name: 'birthwt-like',
      options: { data: table('birthwt-like'), label: 'low' },
      epochs: 20,
      ...grid,
      stability: true,
      about: 'written here: 189 births like MASS birthwt, text categories, empty and NA cells; label low (yes/no)',
      estimate: { trainRows: 151, epochSeconds: 0.03, scale: 1, tuneSeconds: 20 },
    },
    {
      name: 'titanic-like',
      options: { data: table('titanic-like'), label: 'Survived' },
      epochs: 20,
      ...grid,
      stability: true,
      about: "written here: 2,201 passengers like R's Titanic, every column text, missing ports; label Survived",
      estimate: { trainRows: 1761, epochSeconds: 0.2, scale: 0.9, tuneSeconds: 60 },
    },
    {
      name: 'cars93',
      options: { data: path.join(SHARED_DATA, 'cars93.csv'), label: 'Price' },
      epochs: 20,
      ...grid,
      stability: true,
      about: '../shared/data/cars93.csv (MASS Cars93: 93 rows, NA cells); label Price (regression)',
      estimate: { trainRows: 74, epochSeconds: 0.02, scale: 1, tuneSeconds: 20 },
    },
    {
      name: 'survey',
      options: { data: path.join(SHARED_DATA, 'survey.csv'), label: 'Height' },
      epochs: 20,
      ...grid,
      stability: true,
      about: '../shared/data/survey.csv (MASS survey: 237 rows, empty cells); label Height (regression)',
      estimate: { trainRows: 167, epochSeconds: 0.03, scale: 1, tuneSeconds: 20 },
    },
    {
      name: 'diamonds-like',
      options: { data: table('diamonds-like'), label: diamonds.label },
      epochs: 3,
      epochsWhy: '43,152 training rows: an epoch is 3 s at batch 32, 10 s at 16',
      gridSizes: [16, 64, 256, 1024],
      gridFactors: DEFAULT_FACTORS,
      stability: false,
      about: 'bench/tables.ts generator: 53,940 rows like ggplot2 diamonds; label price',
      estimate: { trainRows: 43152, epochSeconds: 3.3, scale: 0.6, tuneSeconds: 115 },
    },
    {
      name: 'flights-like',
      options: { data: table('flights-like'), label: flights.label },
      epochs: 1,
      epochsWhy: '262,654 training rows: one epoch is 80 s at batch 32, 8,200 steps',
      gridSizes: [64, 256, 1024],
      gridFactors: DEFAULT_FACTORS,
      stability: false,
      about: 'bench/tables.ts generator: 336,776 rows like nycflights13 flights, NA cells; label arr_delay',
      estimate: { trainRows: 262654, epochSeconds: 87, scale: 0.35, tuneSeconds: 115 },
    },
    {
      name: 'mnist-cnn',
      options: { example: 'mnist-cnn' },
      epochs: 1,
      epochsWhy: 'an epoch of the CNN is 25–35 s at any batch on wasm',
      gridSizes: [16, 64, 256],
      gridFactors: DEFAULT_FACTORS,
      stability: false,
      about: 'built-in example: the Keras MNIST CNN (conv 32, pool, conv 64, pool, dense 128, 10), Adam',
      estimate: { trainRows: 8000, epochSeconds: 28, scale: 1, tuneSeconds: 115 },
    },
    {
      name: 'embedding-lstm',
      options: { model: path.join(__dirname, 'embedding-lstm.cjs') },
      epochs: 3,
      epochsWhy: 'an epoch is 5 s at batch 32: the LSTM unrolls 20 time steps',
      gridSizes: [16, 64, 256],
      gridFactors: DEFAULT_FACTORS,
      stability: false,
      about: 'bench/embedding-lstm.cjs: 4,000 seeded sequences of 20 tokens, vocabulary 500, Embedding 16, LSTM 32, 2 classes, Adam',
      estimate: { trainRows: 3200, epochSeconds: 5.2, scale: 0.9, tuneSeconds: 115 },
    },
  ];
}

/**
 * The workload `tune({ ...options, seed })` trains on: the same definition, split and
 * initial weights, built the way tune() builds it (options normalized, resolved, created
 * with the normalized spec as settings).
 */
export async function buildFromOptions(tf: TF, options: TuneOptions, seed: number): Promise<Workload> {
  const opts = normalizeOptions({ ...options, seed });
  const definition = await resolveWorkload(opts.workload, opts.inline);
  return createWorkload(tf, definition, opts.workload);
}
