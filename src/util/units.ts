import { UsageError } from './errors';

const BYTE_UNITS: Record<string, number> = {
  b: 1,
  kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12,
  kib: 2 ** 10, mib: 2 ** 20, gib: 2 ** 30, tib: 2 ** 40,
  // Bare letters follow the binary convention of `docker --memory` and `ulimit`.
  k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40,
};

/**
 * Parses a human memory size: plain bytes (`1048576`), decimal units (`2GB`, `500MB`),
 * binary units (`512MiB`, `1.5GiB`) or bare letters, which are binary (`512M`, `2G`).
 * @throws UsageError on anything else, naming `what`.
 */
export function parseBytes(text: string | number, what = 'memory size'): number {
  if (typeof text === 'number') return requirePositive(text, String(text), what);
  const match = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*([a-z]*)\s*$/i.exec(text);
  const factor = match ? BYTE_UNITS[(match[2] || 'b').toLowerCase()] : undefined;
  if (!match || factor === undefined) {
    throw new UsageError(`${what} "${text}" is not a size: use bytes or a unit, e.g. 512MiB, 2GB, 1.5GiB`, { option: what });
  }
  return requirePositive(Math.floor(Number(match[1]) * factor), text, what);
}

const DURATION_UNITS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600 };

/**
 * Parses a duration into seconds: a plain number of seconds (`90`), or one or more
 * number-unit pairs with units ms, s, m, h (`90s`, `2m`, `1m30s`).
 * @throws UsageError on anything else, naming `what`.
 */
export function parseDuration(text: string | number, what = 'duration'): number {
  if (typeof text === 'number') return requirePositive(text, String(text), what);
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return requirePositive(Number(trimmed), text, what);
  const part = /(\d+(?:\.\d+)?)\s*(ms|s|m|h)/gy;
  let seconds = 0;
  let consumed = 0;
  for (let m = part.exec(trimmed); m; m = part.exec(trimmed)) {
    seconds += Number(m[1]) * DURATION_UNITS[m[2]];
    consumed = part.lastIndex;
  }
  if (consumed === 0 || consumed !== trimmed.length) {
    throw new UsageError(`${what} "${text}" is not a duration: use seconds or units, e.g. 90, 90s, 2m, 1m30s`, { option: what });
  }
  return requirePositive(seconds, text, what);
}

function requirePositive(value: number, text: string, what: string): number {
  if (!Number.isFinite(value) || value <= 0) {
    throw new UsageError(`${what} "${text}" must be a positive number`, { option: what });
  }
  return value;
}

/** `1536` → `1.5 KiB`: binary units, three significant digits. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return String(bytes);
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  if (unit === 0) return `${value} B`;
  return `${value >= 1000 ? value.toFixed(0) : value.toPrecision(3)} ${units[unit]}`;
}

/** `75.3` → `1m15s`, `4.21` → `4.2s`. */
export function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes}m${Math.round(seconds - minutes * 60)}s`;
}

/** Three significant digits, exponent form outside [1e-3, 1e5); a dash for a missing value. */
export function formatNumber(value: number | null | undefined, dash = '-'): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return dash;
  if (value !== 0 && (Math.abs(value) >= 1e5 || Math.abs(value) < 1e-3)) return value.toExponential(2);
  return Number(value.toPrecision(3)).toString();
}
