/**
 * Picks the batch sizes the short search compares: measured ok sizes from the probe
 * (so each has a known throughput and fits in memory), the ones closest on a log2 axis
 * to the two sizes that matter — the throughput knee (where speed stops improving) and
 * the noise scale B_simple (where bigger batches stop making faster progress).
 */
export function chooseCandidates(okSizes: readonly number[], knee: number, bSimple: number | null, count = 5): number[] {
  const pool = [...new Set(okSizes)].sort((a, b) => a - b);
  // A noise scale beyond the feasible range pulls towards that end of it.
  const clamp = (b: number) => Math.min(pool[pool.length - 1], Math.max(pool[0], b));
  const anchors = [knee, ...(bSimple !== null && Number.isFinite(bSimple) && bSimple > 0 ? [clamp(bSimple)] : [])];
  const distance = (b: number) => Math.min(...anchors.map((a) => Math.abs(Math.log2(b) - Math.log2(a))));
  return pool
    .map((b) => ({ b, d: distance(b) }))
    .sort((p, q) => p.d - q.d || p.b - q.b)
    .slice(0, count)
    .map((p) => p.b)
    .sort((a, b) => a - b);
}
