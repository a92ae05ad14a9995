import { squaredDistancesToCentroids } from './hamerly-bounds.js';
import { squaredDistance } from './squared-distance.js';

/**
 * Kernels of Elkan's exact accelerated Lloyd (Elkan 2003, "Using the triangle inequality to
 * accelerate k-means"): per point an upper bound u on the distance to its assigned centroid and k
 * lower bounds l[c], one per centroid; per pair of centroids half their distance. Centroid c is not
 * measured for a point when u is below max(l[c], half distance from its current centroid to c).
 *
 * As in hamerly-bounds.ts, bounds are on Euclidean (not squared) distances and carry the relative
 * slack boundSlack(dim) (upper bounds inflated, lower bounds and half distances deflated), so a
 * centroid is skipped only when it is strictly farther than the current one by a margin far above
 * rounding error. Every distance that is measured uses the loop of assignNearest (j = 0 .. dim-1 in
 * order), and a measured tie goes to the lower centroid index, so labels and distances agree bit for
 * bit with plain Lloyd. lower holds n*k values, row-major (point i's bounds at i*k .. i*k+k).
 */

/**
 * The full E-step with Elkan's bounds: labels[i] = nearest centroid (first on ties), upper[i] =
 * inflated distance to it, lower[i*k + c] = deflated distance to centroid c, for every c. scratch
 * holds k values. Returns how many labels changed.
 */
export function assignNearestElkanFull(
  x: Float64Array,
  n: number,
  dim: number,
  centroids: Float64Array,
  k: number,
  labels: Int32Array,
  upper: Float64Array,
  lower: Float64Array,
  slack: number,
  scratch: Float64Array,
): number {
  const up = 1 + slack;
  const down = 1 - slack;
  let changed = 0;
  for (let i = 0; i < n; i++) {
    const lOffset = i * k;
    squaredDistancesToCentroids(x, i * dim, centroids, k, dim, scratch);
    let best = 0;
    let bestDistance = Infinity;
    for (let c = 0; c < k; c++) {
      const d = scratch[c]!;
      lower[lOffset + c] = Math.sqrt(d) * down;
      if (d < bestDistance) {
        bestDistance = d;
        best = c;
      }
    }
    if (labels[i] !== best) {
      labels[i] = best;
      changed++;
    }
    upper[i] = Math.sqrt(bestDistance) * up;
  }
  return changed;
}

/**
 * halfDistances[a*k + b] = deflated half of the distance between centroids a and b (symmetric,
 * 0 on the diagonal); halfGaps[c] = the smallest of them over b != c (Infinity when k = 1).
 */
export function centroidHalfDistances(
  centroids: Float64Array,
  k: number,
  dim: number,
  slack: number,
  halfDistances: Float64Array,
  halfGaps: Float64Array,
): void {
  const down = 1 - slack;
  halfGaps.fill(Infinity, 0, k);
  for (let a = 0; a < k; a++) {
    const aOffset = a * dim;
    halfDistances[a * k + a] = 0;
    for (let b = a + 1; b < k; b++) {
      const half = Math.sqrt(squaredDistance(centroids, aOffset, centroids, b * dim, dim)) * 0.5 * down;
      halfDistances[a * k + b] = half;
      halfDistances[b * k + a] = half;
      if (half < halfGaps[a]!) halfGaps[a] = half;
      if (half < halfGaps[b]!) halfGaps[b] = half;
    }
  }
}

/**
 * Elkan's E-step, with the bound update for the last centroid moves (centroidMoves) folded in, one
 * pass over the n*k lower bounds instead of two: first upper[i] grows by moves[label] and every
 * lower[i*k + c] shrinks by moves[c] (never below 0), both with slack as in Hamerly's pass
 * (hamerly-bounds.ts). Then a row whose upper bound is below halfGaps[label] keeps its label.
 * Otherwise, for each other centroid c in index order, c is skipped when
 * upper < max(lower[i*k + c], halfDistances[label*k + c]); before the first centroid that survives,
 * the distance to the current centroid is measured and upper tightened (and the test repeated); a
 * surviving centroid is measured, its lower bound set, and it becomes the label when strictly nearer,
 * or as near with a lower index (the first-on-ties rule of assignNearest). Returns how many labels
 * changed.
 */
export function assignNearestElkan(
  x: Float64Array,
  n: number,
  dim: number,
  centroids: Float64Array,
  k: number,
  labels: Int32Array,
  upper: Float64Array,
  lower: Float64Array,
  halfDistances: Float64Array,
  halfGaps: Float64Array,
  moves: Float64Array,
  slack: number,
): number {
  const up = 1 + slack;
  const down = 1 - slack;
  let changed = 0;
  for (let i = 0; i < n; i++) {
    const start = labels[i]!;
    let u = (upper[i]! + moves[start]!) * up;
    const lOffset = i * k;
    for (let c = 0; c < k; c++) {
      const l = lower[lOffset + c]!;
      const p = moves[c]!;
      const shrunk = l - p - slack * (l + p);
      lower[lOffset + c] = shrunk > 0 ? shrunk : 0;
    }
    if (u < halfGaps[start]!) {
      upper[i] = u;
      continue;
    }
    const xOffset = i * dim;
    let label = start;
    let hOffset = label * k;
    let tight = false;
    let bestDistance = 0;
    for (let c = 0; c < k; c++) {
      if (c === label) continue;
      const lc = lower[lOffset + c]!;
      const hc = halfDistances[hOffset + c]!;
      const bound = lc > hc ? lc : hc;
      if (u < bound) continue;
      if (!tight) {
        const own = squaredDistance(x, xOffset, centroids, label * dim, dim);
        bestDistance = own;
        const root = Math.sqrt(own);
        u = root * up;
        lower[lOffset + label] = root * down;
        tight = true;
        if (u < bound) continue;
      }
      const d = squaredDistance(x, xOffset, centroids, c * dim, dim);
      const root = Math.sqrt(d);
      lower[lOffset + c] = root * down;
      if (d < bestDistance || (d === bestDistance && c < label)) {
        label = c;
        hOffset = label * k;
        bestDistance = d;
        u = root * up;
      }
    }
    upper[i] = u;
    if (label !== start) {
      labels[i] = label;
      changed++;
    }
  }
  return changed;
}

/** Forgets every bound (upper = Infinity, all n*k lower = 0): the next pass measures every row. */
export function resetElkanBounds(upper: Float64Array, lower: Float64Array, n: number, k: number): void {
  upper.fill(Infinity, 0, n);
  lower.fill(0, 0, n * k);
}
