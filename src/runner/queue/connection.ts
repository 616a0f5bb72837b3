import type { Redis } from 'ioredis';
import { QueueError, describeError } from '../../util/errors';
import type { QueueUrl } from './url';

/** Node's codes for a server certificate signed by no CA this machine trusts (a private CA's, a self-signed one). */
const UNTRUSTED_CERTIFICATE = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
]);
/** Those, and a certificate out of date or for another host: no retry mends any of them. */
const BAD_CERTIFICATE = new Set([...UNTRUSTED_CERTIFICATE, 'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'ERR_TLS_CERT_ALTNAME_INVALID']);

/** How long a `rediss://` connection waits for its first handshake to verify (or not) before it carries on as any connection does. */
const FIRST_HANDSHAKE_MS = 5000;

/** True for an error of a server certificate that does not verify (untrusted CA, expired, another host's). */
export function isCertificateError(err: unknown): boolean {
  return BAD_CERTIFICATE.has(errorCode(err));
}

/** A connection error's text; for a certificate from a CA Node does not trust, how to trust it. */
export function describeConnectionError(err: unknown): string {
  const text = describeError(err);
  return UNTRUSTED_CERTIFICATE.has(errorCode(err)) ? `${text}; to trust the server's CA, set NODE_EXTRA_CA_CERTS to its PEM file` : text;
}

/** True for Redis refusing the URL's user or password: no retry mends it. */
export function isAuthError(err: unknown): boolean {
  return /^(WRONGPASS|NOAUTH|NOPERM)\b/.test((err as { message?: unknown } | null)?.message?.toString() ?? '');
}

function errorCode(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
}

/**
 * A Redis connection for BullMQ (which needs `maxRetriesPerRequest: null`: a command
 * waits out a reconnect instead of failing). ioredis is loaded here, on first use, so
 * commands without `--queue` never load it. Its errors are kept, not printed: the caller
 * says what they mean, with the URL's password left out. ioredis retries a failed TLS
 * handshake silently, so a `rediss://` URL waits for its first one: a server certificate
 * that does not verify is the user's to fix, and fails here.
 * @throws QueueError when the first TLS handshake meets a certificate that does not verify.
 */
export async function connectRedis(url: QueueUrl): Promise<{ redis: Redis; lastError: () => string | null }> {
  const { default: IORedis } = await import('ioredis');
  const redis = new IORedis(url.url, { maxRetriesPerRequest: null, lazyConnect: false });
  let last: string | null = null;
  redis.on('error', (err: unknown) => {
    last = describeConnectionError(err);
  });
  redis.on('ready', () => {
    last = null;
  });
  if (url.tls) {
    const first = new Promise<unknown>((resolve) => {
      redis.once('ready', () => resolve(null));
      redis.once('error', resolve);
    });
    const err = await within(first, FIRST_HANDSHAKE_MS, null);
    if (isCertificateError(err)) {
      redis.disconnect();
      throw new QueueError(`cannot connect to Redis at ${url.shown}: its TLS certificate does not verify (${redactError(describeConnectionError(err), url)})`, { cause: err });
    }
  }
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
