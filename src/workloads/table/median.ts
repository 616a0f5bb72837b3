/**
 * The median; the lower middle value's mean with the upper for an even count. Exactly
 * what sorting would give (`Float64Array.prototype.sort`, where -0 comes before 0), found
 * by selection: a column of millions of rows is not sorted for two of its values.
 */
export function median(values: Float64Array): number {
  // NaN has no place in `<`: only sorting orders it (last).
  for (let i = 0; i < values.length; i++) if (Number.isNaN(values[i])) return sortedMedian(values);
  const work = values.slice();
  const mid = work.length >> 1;
  const upper = orderedAt(values, mid, select(work, mid));
  if (work.length % 2) return upper;
  // After selecting `mid`, every value before it is at most its value: the lower middle is their largest.
  let lower = -Infinity;
  for (let i = 0; i < mid; i++) if (work[i] > lower) lower = work[i];
  return (orderedAt(values, mid - 1, lower) + upper) / 2;
}

function sortedMedian(values: Float64Array): number {
  const sorted = Float64Array.from(values).sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Reorders `a` so that `a[k]` is its k-th smallest value (by `<`, so -0 and 0 are one
 * value) with no larger value before it and no smaller after; returns that value.
 * Hoare's partition around a median of three; a range that will not shrink is sorted.
 */
export function select(a: Float64Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  // Far more rounds than a fair pivot takes: an adversarial order falls back to sorting.
  let rounds = 2 * Math.ceil(Math.log2(a.length + 1)) + 16;
  while (hi > lo) {
    if (rounds-- === 0) {
      a.subarray(lo, hi + 1).sort();
      return a[k];
    }
    const pivot = medianOfThree(a[lo], a[(lo + hi) >> 1], a[hi]);
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i++] = a[j];
        a[j--] = t;
      }
    }
    // Now a[lo..j] <= pivot <= a[i..hi], and what lies between equals the pivot.
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k];
  }
  return a[k];
}

function medianOfThree(a: number, b: number, c: number): number {
  return a < b ? (b < c ? b : a < c ? c : a) : a < c ? a : b < c ? c : b;
}

/** The k-th value of `values` sorted, given its value by `<`: a zero is -0 when k falls among the -0s, which sort before 0. */
function orderedAt(values: Float64Array, k: number, value: number): number {
  if (value !== 0) return value;
  let below = 0;
  for (let i = 0; i < values.length; i++) if (values[i] < 0 || Object.is(values[i], -0)) below += 1;
  return k < below ? -0 : 0;
}
