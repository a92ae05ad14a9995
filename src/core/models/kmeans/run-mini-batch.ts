import type { Rng } from '../../shared/rng.js';
import { assignNearest } from '../kernels/assign-nearest.js';
import { miniBatchUpdate } from '../kernels/mini-batch-update.js';
import { countLabels, fillWithReplacement } from '../kernels/sample-indices.js';
import { squaredDistance } from '../kernels/squared-distance.js';
import { sum } from '../kernels/sum.js';
import type { Matrix } from '../matrix.js';

export interface MiniBatchOptions {
  readonly batchSize: number;
  readonly iterations: number;
  /** Stop early once one step moves the centroids by at most this total squared shift (0: never). */
  readonly shiftTolerance: number;
}

export interface MiniBatchRun {
  readonly centroids: Float64Array;
  readonly labels: Int32Array;
  readonly inertia: number;
  readonly iterations: number;
  readonly converged: boolean;
  readonly counts: Float64Array;
}

/**
 * Mini-batch k-means (Sculley 2010, "Web-scale k-means clustering", algorithm 1): each step draws
 * batchSize rows with replacement, assigns them to the current centroids, then moves each centroid
 * towards its rows with a per-centroid learning rate 1/(rows seen so far). Cost per step is
 * O(batchSize k d) instead of O(n k d). Ends with one full pass for labels and the exact inertia.
 */
export function runMiniBatch(x: Matrix, initialCentroids: Float64Array, k: number, options: MiniBatchOptions, rng: Rng): MiniBatchRun {
  const { rows: n, cols: dim, data } = x;
  const centroids = Float64Array.from(initialCentroids);
  const before = new Float64Array(k * dim);
  const seen = new Float64Array(k);
  const batchSize = Math.min(options.batchSize, n);
  const batch = new Int32Array(batchSize);
  const batchLabels = new Int32Array(batchSize);
  let iterations = 0;
  let converged = false;
  while (iterations < options.iterations) {
    fillWithReplacement(batch, batchSize, n, rng);
    before.set(centroids);
    miniBatchUpdate(data, dim, batch, batchSize, centroids, k, seen, batchLabels);
    iterations++;
    if (options.shiftTolerance > 0 && squaredDistance(before, 0, centroids, 0, k * dim) <= options.shiftTolerance) {
      converged = true;
      break;
    }
  }
  const labels = new Int32Array(n).fill(-1);
  const distances = new Float64Array(n);
  assignNearest(data, n, dim, centroids, k, labels, distances);
  const counts = new Float64Array(k);
  countLabels(labels, n, k, counts);
  return { centroids, labels, inertia: sum(distances, n), iterations, converged, counts };
}
