import { DEFAULT_OPTIONS, normalizeOptions, type TuneOptions } from '../src/options';
import type { UsageError } from '../src/util/errors';

describe('normalizeOptions', () => {
  test('applies the documented defaults', () => {
    const o = normalizeOptions();
    expect(o.workload).toEqual({ example: DEFAULT_OPTIONS.example, standardize: true, validationSplit: 0.2, seed: 42 });
    expect(o.backend).toBe('auto');
    expect(o.minBatch).toBe(8);
    expect(o.maxBatch).toBe(Infinity);
    expect(o.timeBudgetSeconds).toBe(120);
    expect(o.workers).toBe(1);
    expect(o.maxMemoryBytes).toBeNull();
    // Chosen once the backend, the cores and the memory are known.
    expect(o.parallel).toBeNull();
  });

  test('keeps zero where zero is allowed (no `||` defaults)', () => {
    expect(normalizeOptions({ seed: 0, minTrialSeconds: 0 })).toMatchObject({ seed: 0, minTrialSeconds: 0 });
  });

  test('parses sizes and durations', () => {
    expect(normalizeOptions({ maxMemory: '1GiB', timeBudget: '2m' })).toMatchObject({ maxMemoryBytes: 2 ** 30, timeBudgetSeconds: 120 });
  });

  test.each([
    [{ minBatch: 0 }, 'minBatch'],
    [{ minBatch: 2.5 }, 'minBatch'],
    [{ minBatch: 64, maxBatch: 32 }, 'maxBatch'],
    [{ warmupSteps: 0 }, 'warmupSteps'],
    [{ backend: 'webgpu' as never }, 'backend'],
    [{ example: 'cifar' as never }, 'example'],
    [{ maxMemory: 'much' }, 'maxMemory'],
    [{ timeBudget: 'forever' }, 'timeBudget'],
    [{ parallel: 0 }, 'parallel'],
    [{ parallel: 1.5 }, 'parallel'],
    [{ saveModel: '' }, 'saveModel'],
  ])('%p is refused, naming %s', (options, option) => {
    expect(() => normalizeOptions(options)).toThrow(expect.objectContaining({ code: 'E_USAGE', option }));
  });
});

/**
 * What `normalizeOptions` gives, pinned whole: the normalized options of inputs that
 * between them give every option, and the errors of inputs with many faults, reported one
 * at a time in the order the checks run (each fault, once reported, is taken out of the
 * input, until none is left). A change is made on purpose: then `npx jest -u` and say why.
 */
describe('normalizeOptions, pinned', () => {
  const model = function createModel() {
    throw new Error('not called');
  } as unknown as NonNullable<TuneOptions['model']>;
  const data = { x: [[1]], y: [[2]] } as unknown as NonNullable<TuneOptions['data']>;

  test.each<[string, TuneOptions]>([
    ['no options', {}],
    ['an example', { example: 'mnist-cnn', epochs: 2.5 }],
    [
      'a table, every option given',
      {
        data: 'train.csv', label: 'y', features: 'a, b,,c', categorical: ['c'], numeric: 'a', ignore: 'id', task: 'regression', standardize: false,
        validationSplit: 0.25, seed: 0, backend: 'wasm', minBatch: 4, maxBatch: 512, maxMemory: '1GiB', timeBudget: '2m', warmupSteps: 3, minSteps: 6,
        minTrialSeconds: 0, workers: 4, epochs: 30, search: false, isolate: false, parallel: 2, cache: '.cache', refresh: true, saveModel: 'out/model',
        queue: 'redis://:secret@queue.local:6380/2', queueWait: '1m', resume: 'run.json',
      },
    ],
    ['a saved model and a folder of images', { model: 'model.json', data: 'images/', imageSize: '32x48', trainTime: '30m', timeBudgetSeconds: 90, maxMemoryBytes: 123_456_789 }],
    ['a model and data in code', { model, data, onProgress: () => {}, onCheckpoint: () => {}, signal: new AbortController().signal }],
  ])('%s', (_name, options) => {
    expect(normalizeOptions(options)).toMatchSnapshot();
  });

  test.each<[string, Record<string, unknown>]>([
    [
      'data in code',
      {
        example: 'cifar', backend: 'webgpu', minBatch: 0, maxBatch: 4, task: 'ranking', imageSize: '64x64', label: 'y', categorical: 'c',
        timeBudget: '1m', timeBudgetSeconds: 'forever', maxMemory: '1GiB', maxMemoryBytes: 'much', model: 42, data, validationSplit: 1.5, seed: -1,
        warmupSteps: 0, minSteps: 0, minTrialSeconds: -1, workers: 0, epochs: -1, trainTime: '1h', parallel: 0, saveModel: '', queue: 42, queueWait: 'never',
      },
    ],
    ['a data file', { example: 'mnist-mlp', data: 'train.csv', model: 42, validationSplit: 0, seed: 1.5, imageSize: 'huge', maxMemoryBytes: 'much', epochs: 'ten' }],
    ['a model in code on a queue', { model, data, saveModel: 5, queue: 'redis://queue.local', queueWait: 'soon', parallel: 1.5 }],
  ])('the faults of %s, in the order they are reported', (_name, faulty) => {
    const options: Record<string, unknown> = { ...faulty };
    const reported: string[] = [];
    for (let i = 0; i < 50; i++) {
      try {
        normalizeOptions(options as TuneOptions);
        break;
      } catch (err) {
        const e = err as UsageError;
        reported.push(`${e.code} ${e.option ?? '(no option)'}: ${e.message}`);
        // The fault's option; else the other spelling of it (timeBudgetSeconds for timeBudget), or the horizon's other half.
        const key = [e.option, ALIASES[e.option ?? '(none)']].find((k) => k !== undefined && k in options);
        if (key === undefined) throw new Error(`no option to take out for: ${e.message}`);
        delete options[key];
      }
    }
    expect(reported).toMatchSnapshot();
  });
});

const ALIASES: Record<string, string> = { timeBudget: 'timeBudgetSeconds', maxMemory: 'maxMemoryBytes', '(none)': 'trainTime' };
