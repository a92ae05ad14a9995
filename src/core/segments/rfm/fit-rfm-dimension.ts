import type { RfmDimensionBoundaries } from './rfm-boundaries.js';
import type { RfmTies } from './rfm-config.js';

/**
 * Fits the cut points of one dimension (see RfmConfig for the bucketing rule and
 * RfmDimensionBoundaries for the edges). O(N log N): one typed-array sort, one pass.
 * Values must be finite (checked by the caller).
 */
export function fitRfmDimension(
  values: readonly number[],
  betterWhen: 'higher' | 'lower',
  buckets: number,
  ties: RfmTies,
): RfmDimensionBoundaries {
  const n = values.length;
  // Work on "goodness" (higher is better); +0 folds -0 into 0 so ties are exact.
  const goodness = new Float64Array(n);
  for (let i = 0; i < n; i++) goodness[i] = (betterWhen === 'higher' ? (values[i] as number) : -(values[i] as number)) + 0;
  goodness.sort();

  const bucketCounts = new Array<number>(buckets).fill(0);
  const edgesGoodness = new Array<number | null>(buckets - 1).fill(null);
  let distinctValues = 0;
  let start = 0;
  while (start < n) {
    const value = goodness[start] as number;
    let end = start + 1;
    while (end < n && goodness[end] === value) end++;
    distinctValues++;
    const bucket = bucketOfGroup(start + 1, end, n, buckets, ties);
    bucketCounts[bucket - 1] = (bucketCounts[bucket - 1] as number) + (end - start);
    // This group is the first (worst) to reach every score up to its bucket not yet reached.
    for (let k = 1; k < bucket; k++) if (edgesGoodness[k - 1] === null) edgesGoodness[k - 1] = value;
    start = end;
  }

  const toValue = (g: number): number => (betterWhen === 'higher' ? g : -g + 0);
  return {
    betterWhen,
    edges: edgesGoodness.map((g) => (g === null ? null : toValue(g))),
    bestValue: n === 0 ? null : toValue(goodness[n - 1] as number),
    worstValue: n === 0 ? null : toValue(goodness[0] as number),
    bucketCounts,
    distinctValues,
    fittedCount: n,
  };
}

/**
 * Bucket of a tie group holding the 1-based ranks lo..hi of n: qcut's position
 * q = (rank - 1) / (n - 1), bucket = max(1, ceil(q * buckets)), computed on integers (ranks are
 * doubled so a mid-rank stays whole) so there is no rounding at the edges.
 */
export function bucketOfGroup(lo: number, hi: number, n: number, buckets: number, ties: RfmTies): number {
  if (n === 1) return ties === 'min' ? 1 : Math.ceil(buckets / 2);
  const doubledRank = ties === 'min' ? 2 * lo : lo + hi;
  const bucket = Math.ceil(((doubledRank - 2) * buckets) / (2 * (n - 1)));
  return Math.min(buckets, Math.max(1, bucket));
}
