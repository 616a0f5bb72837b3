import type { Redis } from 'ioredis';
import { QueueError, describeError } from '../../util/errors';
import type { QueueUrl } from './url';

/**
 * A Redis connection for BullMQ (which needs `maxRetriesPerRequest: null`: a command
 * waits out a reconnect instead of failing). ioredis is loaded here, on first use, so
 * commands without `--queue` never load it. Its errors are kept, not printed: the caller
 * says what they mean, with the URL's password left out.
 */
export async function connectRedis(url: QueueUrl): Promise<{ redis: Redis; lastError: () => string | null }> {
  const { default: IORedis } = await import('ioredis');
  const redis = new IORedis(url.url, { maxRetriesPerRequest: null, lazyConnect: false });
  let last: string | null = null;
  redis.on('error', (err: unknown) => {
    last = describeError(err);
  });
  redis.on('ready', () => {
    last = null;
  });
  return { redis, lastError: () => last };
}

/** Resolves with `promise`, or with `fallback` once `ms` pass. */
export async function within<T, F>(promise: Promise<T>, ms: number, fallback: F): Promise<T | F> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<F>((resolve) => {
    timer = setTimeout(() => resolve(fallback), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** True when Redis answers a PING within `ms`. */
export async function answers(redis: Redis, ms: number): Promise<boolean> {
  return within(redis.ping().then(() => true, () => false), ms, false);
}

/**
 * Checks that Redis at `url` answers within `seconds`: a wrong host or port fails in a
 * moment, before anything is measured.
 * @throws QueueError naming the URL without its password.
 */
export async function assertQueueReachable(url: QueueUrl, seconds = 5): Promise<void> {
  const { redis, lastError } = await connectRedis(url);
  try {
    if (!(await answers(redis, seconds * 1000))) {
      throw new QueueError(`cannot reach Redis at ${url.shown} within ${seconds} s${lastError() ? ` (${redactError(lastError()!, url)})` : ''}`);
    }
  } finally {
    redis.disconnect();
  }
}

/** An error text with the URL's password taken out, should a client library have repeated it. */
export function redactError(text: string, url: QueueUrl): string {
  let password = '';
  try {
    password = decodeURIComponent(new URL(url.url).password);
  } catch {
    return text;
  }
  const shown = text.split(url.url).join(url.shown);
  return password ? shown.split(password).join('***') : shown;
}
