import * as api from '../src/index';

test('the public API is exactly this list', () => {
  expect(Object.keys(api).sort()).toEqual(
    [
      'AutobatchError',
      'BackendError',
      'DEFAULT_OPTIONS',
      'InputError',
      'SCHEMA_VERSION',
      'TrainingError',
      'UsageError',
      'isOutOfMemoryError',
      'normalizeOptions',
      'probeCapacity',
      'tune',
    ].sort(),
  );
});
