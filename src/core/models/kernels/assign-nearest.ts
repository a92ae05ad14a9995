import { squaredDistance } from './squared-distance.js';

/**
 * The E-step of Lloyd's algorithm: for each of the n rows of x (row-major, dim columns), the nearest
 * of the k centroids (first on ties). Writes the label to labels[i] and the squared distance to
 * distances[i]; returns how many labels changed. Distances are computed directly (not through
 * |x|^2 - 2x.c + |c|^2), so they are exact and never negative.
 */
export function assignNearest(
  x: Float64Array,
  n: number,
  dim: number,
  centroids: Float64Array,
  k: number,
  labels: Int32Array,
  distances: Float64Array,
): number {
  let changed = 0;
  for (let i = 0; i < n; i++) {
    const xOffset = i * dim;
    let best = 0;
    let bestDistance = Infinity;
    for (let c = 0; c < k; c++) {
      const d = squaredDistance(x, xOffset, centroids, c * dim, dim);
      if (d < bestDistance) {
        bestDistance = d;
        best = c;
      }
    }
    if (labels[i] !== best) {
      labels[i] = best;
      changed++;
    }
    distances[i] = bestDistance;
  }
  return changed;
}
