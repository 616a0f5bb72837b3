import { UsageError } from '../../../src/util/errors';
import { parseQueueUrl } from '../../../src/runner/queue/url';
import { redactError } from '../../../src/runner/queue/connection';

describe('parseQueueUrl', () => {
  test.each([
    // given                                   shown                                  tls
    ['redis://127.0.0.1:6379', 'redis://127.0.0.1:6379', false],
    ['redis://queue.example:6380/2', 'redis://queue.example:6380/2', false],
    ['redis://:s3cret@queue.example:6379/1', 'redis://***@queue.example:6379/1', false], // a password is never shown
    ['rediss://user:p%40ss@queue.example:6380', 'rediss://***@queue.example:6380', true], // TLS, user and password
    ['redis://queue.example', 'redis://queue.example', false],
  ])('%s is shown as %s', (given, shown, tls) => {
    const url = parseQueueUrl(given);
    expect(url).toEqual({ url: given, shown, tls });
    expect(url.shown).not.toMatch(/s3cret|p%40ss|user/);
  });

  test.each([
    ['http://127.0.0.1:6379', /must start with redis:\/\/ or rediss:\/\//],
    ['127.0.0.1:6379', /give redis:\/\/HOST:PORT\[\/DB\] or rediss:\/\//],
    ['not a url', /is not a URL/],
    ['redis://:pw@host:6379/zero', /database after the host must be a number/],
  ])('%s is refused, without repeating it', (given, message) => {
    let error: unknown;
    try {
      parseQueueUrl(`${given}`.replace('pw', 'hunter2'));
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('hunter2');
  });

  test('an error text that repeats the URL or its password is redacted', () => {
    const url = parseQueueUrl('redis://:hunter2@host:6379');
    expect(redactError('connect failed for redis://:hunter2@host:6379 (hunter2)', url)).toBe('connect failed for redis://***@host:6379 (***)');
  });
});
