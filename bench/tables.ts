/**
 * Tables mode (issue 13): reading and preparing large, messy tables, against the CSV
 * parse alone, in the same run; then a probe of each through the CLI's own path.
 *
 *   npm run bench -- --tables --json
 *
 * The tables are generated here (seeded), shaped like two public data sets people try
 * first — the NYC flights table (336,776 rows, 19 columns: text carrier, origin, dest,
 * tailnum and time_hour; missing times for cancelled flights) and the diamonds table
 * (53,940 rows; cut, color and clarity as words) — because nothing can be downloaded
 * at run time. Values are synthetic, sizes and column kinds are the real ones.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Papa from 'papaparse';
import { createRandom } from '../src/util/random';
import { tune } from '../src/tune';
import { loadDataFile } from '../src/workloads/data-file';
import { readTable } from '../src/workloads/table/read';

interface TableSpec {
  name: string;
  label: string;
  rows: number;
  write(file: string, rows: number): void;
}

export interface TableResult {
  name: string;
  rows: number;
  columns: number;
  bytes: number;
  features: number;
  /** Median milliseconds of 3 runs each. */
  parseMs: number;
  readMs: number;
  prepareMs: number;
  parseRowsPerSec: number;
  prepareRowsPerSec: number;
  /** Read + prepare time over the parse alone's. */
  prepareOverParse: number;
  /** Heap and array-buffer growth while a table is held in columns, per cell. */
  bytesPerCell: number;
  probe: {
    budgetSeconds: number;
    wallSeconds: number;
    budgetOverrun: number;
    complete: boolean;
    incompleteReason: string | null;
    phasesCut: string[];
    batchSize: number | null;
    dataSeconds: number | null;
    backend: string | null;
  } | null;
}

const CARRIERS = ['UA', 'B6', 'EV', 'DL', 'AA', 'MQ', 'US', '9E', 'WN', 'VX', 'FL', 'AS', 'F9', 'YV', 'HA', 'OO'];
const ORIGINS = ['EWR', 'JFK', 'LGA'];

function flights(file: string, rows: number): void {
  const random = createRandom(13);
  const pick = <T>(values: readonly T[]) => values[Math.floor(random() ** 1.6 * values.length)];
  const dests = Array.from({ length: 105 }, (_, i) => String.fromCharCode(65 + (i % 26), 65 + ((i * 7) % 26), 65 + ((i * 11) % 26)));
  const tails = Array.from({ length: 4044 }, (_, i) => `N${(100 + i * 37) % 9999}${String.fromCharCode(65 + (i % 26))}`);
  const out = fs.openSync(file, 'w');
  let chunk = '"year","month","day","dep_time","sched_dep_time","dep_delay","arr_time","sched_arr_time","arr_delay","carrier","flight","tailnum","origin","dest","air_time","distance","hour","minute","time_hour"\n';
  for (let i = 0; i < rows; i++) {
    const month = 1 + Math.floor((12 * i) / rows);
    const day = 1 + (i % 28);
    const sched = 500 + Math.floor(random() * 1900);
    const cancelled = random() < 0.025;
    const delay = Math.round(-10 + 60 * random() ** 3 * (month % 6 === 0 ? 2 : 1));
    const dist = 80 + Math.floor(random() * 4900);
    const hour = Math.floor(sched / 100);
    const na = 'NA';
    const arrDelay = cancelled ? na : String(delay + Math.round(10 * (random() - 0.5)));
    chunk += `2013,${month},${day},${cancelled ? na : sched + delay},${sched},${cancelled ? na : delay},${cancelled ? na : (sched + delay + 200) % 2400},${(sched + 200) % 2400},${arrDelay},"${pick(CARRIERS)}",${1 + Math.floor(random() * 6000)},${random() < 0.008 ? na : `"${pick(tails)}"`},"${pick(ORIGINS)}","${pick(dests)}",${cancelled ? na : Math.round(dist / 8)},${dist},${hour},${sched % 100},"2013-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')} ${String(hour).padStart(2, '0')}:00:00"\n`;
    if (chunk.length > 1 << 20) {
      fs.writeSync(out, chunk);
      chunk = '';
    }
  }
  fs.writeSync(out, chunk);
  fs.closeSync(out);
}

function diamonds(file: string, rows: number): void {
  const random = createRandom(53);
  const cuts = ['Fair', 'Good', 'Very Good', 'Premium', 'Ideal'];
  const colors = ['D', 'E', 'F', 'G', 'H', 'I', 'J'];
  const clarities = ['I1', 'SI2', 'SI1', 'VS2', 'VS1', 'VVS2', 'VVS1', 'IF'];
  const lines = ['"","carat","cut","color","clarity","depth","table","price","x","y","z"'];
  for (let i = 0; i < rows; i++) {
    const carat = 0.2 + 2.5 * random() ** 2;
    const cut = Math.floor(random() * 5);
    const color = Math.floor(random() * 7);
    const clarity = Math.floor(random() * 8);
    const price = Math.round(326 + 4000 * carat ** 1.8 * (1 + 0.08 * cut - 0.05 * color + 0.06 * clarity) * (0.9 + 0.2 * random()));
    const x = (6.5 * carat ** (1 / 3)).toFixed(2);
    lines.push(`"${i + 1}",${carat.toFixed(2)},"${cuts[cut]}","${colors[color]}","${clarities[clarity]}",${(58 + 6 * random()).toFixed(1)},${Math.round(53 + 8 * random())},${price},${x},${x},${(Number(x) * 0.62).toFixed(2)}`);
  }
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
}

export const TABLES: TableSpec[] = [
  { name: 'flights-like', label: 'arr_delay', rows: 336_776, write: flights },
  { name: 'diamonds-like', label: 'price', rows: 53_940, write: diamonds },
];

function parseOnly(file: string): Promise<number> {
  return new Promise((resolve, reject) => {
    let rows = 0;
    Papa.parse<string[]>(fs.createReadStream(file) as unknown as File, {
      skipEmptyLines: 'greedy',
      chunk: (results) => (rows += results.data.length),
      complete: () => resolve(rows - 1),
      error: reject,
    });
  });
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    await work();
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b)[1];
}

/** Bytes a read table holds per cell, measured in a fresh process (see table-memory.ts). */
function bytesPerCellOf(file: string): number {
  const script = path.join(__dirname, 'table-memory.ts');
  const out = execFileSync(process.execPath, ['--expose-gc', '-r', 'ts-node/register/transpile-only', script, file], { encoding: 'utf8' });
  return Number(out.trim());
}

export async function benchTables(log: (s: string) => void, probeSeconds: number): Promise<TableResult[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'autobatch-tables-'));
  const results: TableResult[] = [];
  try {
    for (const spec of TABLES) {
      const file = path.join(dir, `${spec.name}.csv`);
      spec.write(file, spec.rows);
      const bytes = fs.statSync(file).size;
      log(`${spec.name}: ${spec.rows.toLocaleString('en-US')} rows, ${(bytes / 1e6).toFixed(1)} MB`);
      const parseMs = await timed(() => parseOnly(file));
      const readMs = await timed(() => readTable(file));
      let features = 0;
      const prepareMs = await timed(async () => {
        features = (await loadDataFile(file, { label: spec.label, standardize: true, seed: 0, validationSplit: 0.2 })).preparation.features.length;
      });
      const table = await readTable(file);
      const bytesPerCell = bytesPerCellOf(file);
      const result: TableResult = {
        name: spec.name,
        rows: table.rows,
        columns: table.columns.length,
        bytes,
        features,
        parseMs,
        readMs,
        prepareMs,
        parseRowsPerSec: table.rows / (parseMs / 1000),
        prepareRowsPerSec: table.rows / (prepareMs / 1000),
        prepareOverParse: prepareMs / parseMs,
        bytesPerCell,
        probe: null,
      };
      if (probeSeconds > 0) {
        log(`${spec.name}: autobatch with --time-budget ${probeSeconds}`);
        const t0 = Date.now();
        const doc = await tune({ data: file, label: spec.label, timeBudgetSeconds: probeSeconds, isolate: true });
        const wallSeconds = (Date.now() - t0) / 1000;
        result.probe = {
          budgetSeconds: probeSeconds,
          wallSeconds,
          budgetOverrun: wallSeconds / probeSeconds,
          complete: doc.complete,
          incompleteReason: doc.incompleteReason ?? null,
          phasesCut: doc.phasesCut,
          backend: doc.backend?.name ?? null,
          batchSize: doc.recommendation?.batchSize ?? null,
          dataSeconds: doc.timings.data ?? null,
        };
      }
      log(`${spec.name}: ${JSON.stringify(result)}`);
      results.push(result);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return results;
}
