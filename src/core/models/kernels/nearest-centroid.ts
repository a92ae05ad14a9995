import { squaredDistance } from './squared-distance.js';

/**
 * Index of the centroid nearest to x[xOffset .. xOffset+dim) among k centroids stored row-major in
 * `centroids` (the first on ties), and writes its squared distance to out[outIndex] when out is given.
 */
export function nearestCentroid(
  x: Float64Array,
  xOffset: number,
  centroids: Float64Array,
  k: number,
  dim: number,
  out?: Float64Array,
  outIndex = 0,
): number {
  let best = 0;
  let bestDistance = Infinity;
  for (let c = 0; c < k; c++) {
    const d = squaredDistance(x, xOffset, centroids, c * dim, dim);
    if (d < bestDistance) {
      bestDistance = d;
      best = c;
    }
  }
  if (out !== undefined) out[outIndex] = bestDistance;
  return best;
}
