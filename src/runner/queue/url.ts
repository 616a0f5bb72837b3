import { UsageError } from '../../util/errors';

/** A Redis connection URL checked once: the URL to connect with, and the form that may be shown. */
export interface QueueUrl {
  /** The URL as given, password included: passed to the Redis client and nowhere else. */
  url: string;
  /** The same URL with any password (and user name) replaced by `***`: the only form printed or written. */
  shown: string;
  /** `rediss://`: TLS. */
  tls: boolean;
}

/**
 * Checks a `--queue` URL: `redis://[user:password@]HOST[:PORT][/DB]` or `rediss://…` (TLS).
 * The error never repeats the URL, which may hold a password.
 * @throws UsageError for anything else.
 */
export function parseQueueUrl(raw: string, option = 'queue'): QueueUrl {
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new UsageError(`${option} is not a URL; give redis://HOST:PORT[/DB] or rediss://HOST:PORT[/DB]`, { option });
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new UsageError(`${option} must start with redis:// or rediss:// (TLS), not ${parsed.protocol}//`, { option });
  }
  if (!parsed.hostname) throw new UsageError(`${option} names no host; give redis://HOST:PORT[/DB]`, { option });
  const db = parsed.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d+$/.test(db)) throw new UsageError(`${option}: the database after the host must be a number, not "${db}"`, { option });
  return { url: raw, shown: redactUrl(parsed), tls: parsed.protocol === 'rediss:' };
}

/** The URL without its credentials: `redis://***@host:port/db` when it had any. */
function redactUrl(parsed: URL): string {
  const credentials = parsed.username !== '' || parsed.password !== '';
  const port = parsed.port ? `:${parsed.port}` : '';
  const db = parsed.pathname && parsed.pathname !== '/' ? parsed.pathname : '';
  return `${parsed.protocol}//${credentials ? '***@' : ''}${parsed.hostname}${port}${db}`;
}
