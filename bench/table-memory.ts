/**
 * Run in a fresh process by bench/tables.ts (`node --expose-gc`): the heap and
 * array-buffer bytes a read table holds, per cell, printed as one number. A fresh
 * process, so nothing the bench did before is counted or collected in between.
 */
import { readTable } from '../src/workloads/table/read';

async function main(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc');
  // Array buffers are freed by sweeping after the collection, which may still be
  // running when gc() returns: collect a few times, letting it finish in between.
  const held = async () => {
    for (let i = 0; i < 3; i++) {
      gc();
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  };
  // Load the modules' code first: only the table's bytes should count.
  const before = await held();
  const table = await readTable(process.argv[2]);
  const after = await held();
  process.stdout.write(`${(after - before) / (table.rows * table.columns.length)}\n`);
}

void main();
