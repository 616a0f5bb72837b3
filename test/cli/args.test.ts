import yargs from 'yargs';
import { OUTPUT_FLAGS, SETUP_FLAGS, SETUP_TARGETS, TUNE_FLAGS, toOutputArgs, toSetupArgs, toTuneOptions } from '../../src/cli/args';
import { formatError } from '../../src/cli/main';
import { normalizeOptions } from '../../src/options';

/** Parses like the CLI does, without running anything. */
function parse(args: string[]) {
  const y = yargs(args).strict().fail((msg, err) => { throw err ?? new Error(msg); });
  for (const spec of Object.values(TUNE_FLAGS)) y.option(spec.flag, spec.yargs);
  return y.options(OUTPUT_FLAGS).parseSync();
}

describe('probe flags', () => {
  test('map onto TuneOptions', () => {
    const argv = parse([
      '--example', 'synthetic-regression', '--backend', 'cpu', '--max-memory', '512MiB', '--time-budget', '2m',
      '--min-batch', '4', '--max-batch', '256', '--seed', '0', '--warmup-steps', '1', '--min-steps', '3', '--min-trial-time', '0.5',
      '--no-search', '--workers', '8', '--parallel', '2',
    ]);
    expect(toTuneOptions(argv)).toEqual({
      example: 'synthetic-regression', backend: 'cpu', maxMemory: '512MiB', timeBudget: '2m',
      minBatch: 4, maxBatch: 256, seed: 0, warmupSteps: 1, minSteps: 3, minTrialSeconds: 0.5, search: false, workers: 8, parallel: 2, isolate: true,
    });
  });

  test('unset flags stay unset, so the library defaults apply; the CLI isolates trials', () => {
    expect(toTuneOptions(parse([]))).toEqual({ isolate: true });
    expect(toTuneOptions(parse(['--no-isolate']))).toEqual({ isolate: false });
  });

  test('--save-model DIR is the saveModel option', () => {
    expect(toTuneOptions(parse(['--save-model', 'out/model']))).toEqual({ saveModel: 'out/model', isolate: true });
    expect(normalizeOptions({ saveModel: 'out/model' }).saveModel).toBe('out/model');
    expect(normalizeOptions().saveModel).toBeNull();
  });

  test('output flags', () => {
    expect(toOutputArgs(parse(['--json', '--out', 'r.json', '-q']))).toEqual({ out: 'r.json', format: 'json', quiet: true });
    expect(toOutputArgs(parse(['--format', 'env']))).toEqual({ out: undefined, format: 'env', quiet: false });
    expect(() => toOutputArgs(parse(['--json', '--format', 'env']))).toThrow('--json contradicts --format env');
  });

  test.each([
    [['--min-batch', 'abc'], '--min-batch "abc" is not a whole number'],
    [['--min-batch', '1.5'], '--min-batch "1.5" is not a whole number'],
    [['--seed', '-3'], '--seed "-3" is not a whole number'],
    [['--min-trial-time', 'x'], '--min-trial-time "x" is not a non-negative number'],
    [['--min-batch', '8', '--min-batch', '16'], '--min-batch was given more than once'],
    [['--epochs', 'abc'], '--epochs "abc" is not a positive number'],
    [['--epochs', '0'], '--epochs "0" is not a positive number'],
    [['--epochs', '-5'], '--epochs "-5" is not a positive number'],
    [['--parallel', 'many'], '--parallel "many" is not a whole number'],
  ])('%p is refused: %s', (args, message) => {
    expect(() => toTuneOptions(parse(args))).toThrow(message);
  });

  test('option errors from the library name the flag', () => {
    const err = (() => {
      try {
        normalizeOptions(toTuneOptions(parse(['--max-memory', 'lots'])));
      } catch (e) {
        return e;
      }
    })();
    expect(formatError(err)).toBe('--max-memory "lots" is not a size: use bytes or a unit, e.g. 512MiB, 2GB, 1.5GiB');
  });

  test('the horizon flags map onto epochs and trainTime; their bad values name the flag', () => {
    expect(toTuneOptions(parse(['--epochs', '30']))).toEqual({ isolate: true, epochs: 30 });
    expect(toTuneOptions(parse(['--epochs', '2.5']))).toEqual({ isolate: true, epochs: 2.5 });
    expect(toTuneOptions(parse(['--train-time', '2h']))).toEqual({ isolate: true, trainTime: '2h' });
    expect(normalizeOptions(toTuneOptions(parse(['--train-time', '1m30s']))).horizon).toEqual({ seconds: 90, source: 'given' });
    expect(normalizeOptions(toTuneOptions(parse([]))).horizon).toEqual({ epochs: 20, source: 'default' });
    const message = (args: string[]) => {
      try {
        normalizeOptions(toTuneOptions(parse(args)));
      } catch (e) {
        return formatError(e);
      }
      return null;
    };
    expect(message(['--train-time', 'soon'])).toBe('--train-time "soon" is not a duration: use seconds or units, e.g. 90, 90s, 2m, 1m30s');
    expect(message(['--epochs', '10', '--train-time', '1h'])).toBe('the training run was given twice, as epochs (--epochs) and as trainTime (--train-time): give one');
  });

  test('an unknown flag is refused', () => {
    expect(() => parse(['--max-memroy', '1GB'])).toThrow(/Unknown argument/);
  });

  test('a backend outside the choices is refused', () => {
    expect(() => parse(['--backend', 'webgpu'])).toThrow(/Invalid values/);
  });
});

describe('setup flags', () => {
  const parseSetup = (args: string[]) =>
    yargs(args)
      .strict()
      .fail((msg, err) => {
        throw err ?? new Error(msg);
      })
      .command('$0 <target>', '', (y) => y.positional('target', { type: 'string', choices: SETUP_TARGETS }).options(SETUP_FLAGS))
      .parseSync();

  test('map onto the setup arguments', () => {
    expect(toSetupArgs(parseSetup(['tensorflow']))).toEqual({ target: 'tensorflow', force: false });
    expect(toSetupArgs(parseSetup(['tensorflow', '--from-wheel', 'tf.whl', '--force']))).toEqual({ target: 'tensorflow', fromWheel: 'tf.whl', force: true });
  });

  test('bad values are usage errors', () => {
    expect(() => parseSetup(['webgl'])).toThrow(/Invalid values/);
    expect(() => toSetupArgs(parseSetup(['tensorflow', '--from-wheel', 'a.whl', '--from-wheel', 'b.whl']))).toThrow('--from-wheel was given more than once');
    expect(() => toSetupArgs(parseSetup(['tensorflow', '--from-wheel', '']))).toThrow('--from-wheel needs a file');
  });
});
