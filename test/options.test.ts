import { DEFAULT_OPTIONS, normalizeOptions } from '../src/options';

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
