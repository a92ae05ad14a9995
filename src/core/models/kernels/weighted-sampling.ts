import { squaredDistance } from './squared-distance.js';

/**
 * out[i] = min(current[i], |x_i - p|^2) for the n rows of x, where p = points[pOffset .. +dim);
 * current may be null (treated as +Infinity). Returns the sum of out (the k-means++ "potential").
 */
export function minSquaredDistances(
  x: Float64Array,
  n: number,
  dim: number,
  points: Float64Array,
  pOffset: number,
  current: Float64Array | null,
  out: Float64Array,
): number {
  let total = 0;
  for (let i = 0; i < n; i++) {
    const d = squaredDistance(x, i * dim, points, pOffset, dim);
    const m = current === null ? d : Math.min(d, current[i]!);
    out[i] = m;
    total += m;
  }
  return total;
}

/** cumulative[i] = weights[0] + ... + weights[i]; returns the total. */
export function cumulativeSum(weights: Float64Array, n: number, cumulative: Float64Array): number {
  let total = 0;
  for (let i = 0; i < n; i++) {
    total += weights[i]!;
    cumulative[i] = total;
  }
  return total;
}

/**
 * The first i with cumulative[i] > target (binary search over a non-decreasing array), clipped to
 * n - 1: drawing target uniformly in [0, total) picks index i with probability weights[i] / total,
 * and never a zero-weight index.
 */
export function searchCumulative(cumulative: Float64Array, n: number, target: number): number {
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cumulative[mid]! > target) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
