import { applyPreparation, restoreTarget } from '../../../src/workloads/table/apply';
import { loadDataFile } from '../../../src/workloads/data-file';
import { loadTf } from '../../../src/platform/tf';
import { tempDir } from '../../helpers/files';
import { useTestBackend } from '../../helpers/backend';

const files = tempDir('apply');
const tf = loadTf();

beforeAll(async () => {
  await useTestBackend(tf, 'cpu');
});

const header = 'age,city,income,y';
const lines = Array.from({ length: 60 }, (_, i) => `${i % 7 === 0 ? 'NA' : 20 + (i % 40)},${['Oslo', 'Rome', 'Lima', ''][i % 4]},${1000 + 37 * i},${i % 3 === 0 ? 'yes' : 'no'}`);

describe('applyPreparation', () => {
  test('a recorded preparation gives the tuner\'s own features, from a file and from rows', async () => {
    const file = files.write('train.csv', `${header}\n${lines.join('\n')}\n`);
    const loaded = await loadDataFile(file, { standardize: true, seed: 3, validationSplit: 0.25 });
    const tuner = loaded.loadData(tf, 'one-hot');
    const preparation = JSON.parse(JSON.stringify(loaded.preparation));
    const before = tf.memory().numTensors;
    const fromFile = await applyPreparation(preparation, file);
    expect(fromFile.rows).toBe(60);
    expect(fromFile.x.shape).toEqual([60, preparation.features.length]);
    expect(fromFile.y!.shape).toEqual([60, 2]);
    // The tuner's training rows are a shuffled subset: each must be one of the applied rows.
    const applied = (await fromFile.x.array()).map((r) => r.join());
    for (const r of (await tuner.train.x.array()) as number[][]) expect(applied).toContain(r.join());

    const objects = lines.map((line) => Object.fromEntries(line.split(',').map((v, j) => [header.split(',')[j], v])));
    const fromRows = await applyPreparation(preparation, objects, { target: 'index' });
    expect(await fromRows.x.array()).toEqual(await fromFile.x.array());
    expect(fromRows.y!.shape).toEqual([60, 1]);
    tf.dispose([fromFile.x, fromFile.y!, fromRows.x, fromRows.y!]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([tuner.train.x, tuner.train.y, tuner.validation!.x, tuner.validation!.y]);
  });

  test('data without the label gives features only; a new city is "other"', async () => {
    const file = files.write('train2.csv', `${header}\n${lines.join('\n')}\n`);
    const { preparation } = await loadDataFile(file, { standardize: true, seed: 3, validationSplit: 0.25 });
    const result = await applyPreparation(preparation, [{ age: 30, city: 'Paris', income: 2000 }]);
    expect(result.y).toBeNull();
    const row = (await result.x.array())[0];
    const at = (name: string) => row[preparation.features.indexOf(name)];
    expect(at('city=(other)')).toBe(1);
    expect(at('city=Oslo')).toBe(0);
    expect(at('age=(missing)')).toBe(0);
    tf.dispose(result.x);
  });

  test('arrays in the file\'s column order; a missing column is refused', async () => {
    const file = files.write('train3.csv', `${header}\n${lines.join('\n')}\n`);
    const { preparation } = await loadDataFile(file, { standardize: true, seed: 3, validationSplit: 0.25 });
    const result = await applyPreparation(preparation, [[null, 'Rome', 1500, 'no']]);
    expect(result.rows).toBe(1);
    tf.dispose([result.x, result.y!]);
    await expect(applyPreparation(preparation, [{ age: 3, income: 4 }])).rejects.toThrow('no column "city", which the preparation uses');
  });

  test('a decimal comma is read the same way again, from a file and from rows', async () => {
    const file = files.write('eu.csv', `preis;stadt;y\n${Array.from({ length: 30 }, (_, i) => `${i % 5},${i % 10};${['Wien', 'Graz'][i % 2]};${i % 3 ? 'ja' : 'nein'}`).join('\n')}\n`);
    const { preparation } = await loadDataFile(file, { standardize: false, seed: 1, validationSplit: 0.2 });
    expect(preparation.source.decimal).toBe(',');
    expect(preparation.columns[0].kind).toBe('numeric');
    const fromRows = await applyPreparation(preparation, [{ preis: '2,5', stadt: 'Wien' }, { preis: 3.25, stadt: 'Graz' }]);
    const x = (await fromRows.x.array()) as number[][];
    expect(x.map((r) => r[0])).toEqual([2.5, 3.25]);
    tf.dispose(fromRows.x);
  });

  test('restoreTarget undoes the standardized regression target', async () => {
    const file = files.write('reg.csv', `a,price\n${Array.from({ length: 30 }, (_, i) => `${i % 4},${1000 * (i % 9) + 500}`).join('\n')}\n`);
    const { preparation } = await loadDataFile(file, { standardize: true, seed: 1, validationSplit: 0.2, task: 'regression' });
    const result = await applyPreparation(preparation, file);
    const y = Array.from(await result.y!.data());
    const back = restoreTarget(preparation, y);
    expect(back[0]).toBeCloseTo(500, 2);
    expect(back[1]).toBeCloseTo(1500, 2);
    tf.dispose([result.x, result.y!]);
  });
});
