import type { Rng } from '../../shared/rng.js';
import { cumulativeSum, minSquaredDistances, searchCumulative } from '../kernels/weighted-sampling.js';
import type { Matrix } from '../matrix.js';

/**
 * Greedy k-means++ seeding (Arthur and Vassilvitskii 2007, greedy variant as in scikit-learn's
 * `_kmeans_plusplus`): the first centre is a uniform row; each next centre is the best, by resulting
 * potential (sum of squared distances to the nearest centre), of 2 + floor(ln k) candidates drawn with
 * probability proportional to squared distance. Cost: about k (2 + ln k) passes over x.
 * Returns k*cols values, row-major. Requires 1 <= k <= x.rows.
 */
export function initKmeansPlusPlus(x: Matrix, k: number, rng: Rng): Float64Array {
  const { rows: n, cols: dim, data } = x;
  const centroids = new Float64Array(k * dim);
  const first = rng.nextInt(n);
  centroids.set(data.subarray(first * dim, first * dim + dim), 0);
  let closest = new Float64Array(n);
  minSquaredDistances(data, n, dim, centroids, 0, null, closest);
  const localTrials = 2 + Math.floor(Math.log(k));
  const cumulative = new Float64Array(n);
  let candidate = new Float64Array(n);
  let best = new Float64Array(n);
  for (let c = 1; c < k; c++) {
    const total = cumulativeSum(closest, n, cumulative);
    let bestPotential = Infinity;
    let bestRow = -1;
    for (let t = 0; t < localTrials; t++) {
      const row = searchCumulative(cumulative, n, rng.next() * total);
      const potential = minSquaredDistances(data, n, dim, data, row * dim, closest, candidate);
      if (potential < bestPotential) {
        bestPotential = potential;
        bestRow = row;
        [candidate, best] = [best, candidate];
      }
    }
    centroids.set(data.subarray(bestRow * dim, bestRow * dim + dim), c * dim);
    [closest, best] = [best, closest];
  }
  return centroids;
}
