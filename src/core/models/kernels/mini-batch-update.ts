import { squaredDistance } from './squared-distance.js';

/**
 * One Sculley (2010) mini-batch step over m rows of x picked by batch[0 .. m): every row is first
 * assigned to its nearest centroid (labels from the centroids as they were before the step), then
 * each row moves its centroid by the per-centroid learning rate 1/counts[c]:
 * c <- (1 - eta) c + eta x. counts accumulate across steps. Returns the batch's summed squared
 * distance to the pre-step centroids.
 */
export function miniBatchUpdate(
  x: Float64Array,
  dim: number,
  batch: Int32Array,
  m: number,
  centroids: Float64Array,
  k: number,
  counts: Float64Array,
  batchLabels: Int32Array,
): number {
  let inertia = 0;
  for (let b = 0; b < m; b++) {
    const xOffset = batch[b]! * dim;
    let best = 0;
    let bestDistance = Infinity;
    for (let c = 0; c < k; c++) {
      const d = squaredDistance(x, xOffset, centroids, c * dim, dim);
      if (d < bestDistance) {
        bestDistance = d;
        best = c;
      }
    }
    batchLabels[b] = best;
    inertia += bestDistance;
  }
  for (let b = 0; b < m; b++) {
    const c = batchLabels[b]!;
    const count = counts[c]! + 1;
    counts[c] = count;
    const eta = 1 / count;
    const xOffset = batch[b]! * dim;
    const cOffset = c * dim;
    for (let j = 0; j < dim; j++) {
      const v = centroids[cOffset + j]!;
      centroids[cOffset + j] = v + eta * (x[xOffset + j]! - v);
    }
  }
  return inertia;
}
