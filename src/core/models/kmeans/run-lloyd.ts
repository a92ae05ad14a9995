import { accumulateCentroids, divideCentroids, relocateEmptyClusters } from '../kernels/accumulate-centroids.js';
import { assignNearest } from '../kernels/assign-nearest.js';
import { sum } from '../kernels/sum.js';
import type { Matrix } from '../matrix.js';

export interface LloydOptions {
  readonly maxIterations: number;
  /** Absolute tolerance on the total squared centroid shift of one pass (see toleranceFor). */
  readonly shiftTolerance: number;
}

export interface LloydRun {
  /** k*cols, row-major. */
  readonly centroids: Float64Array;
  /** Nearest centroid of each row for the final centroids. */
  readonly labels: Int32Array;
  readonly inertia: number;
  readonly iterations: number;
  readonly converged: boolean;
  /** Rows per final label. */
  readonly counts: Float64Array;
  /** Inertia of each assignment pass against the centroids of that pass; never increases. */
  readonly inertiaByIteration: readonly number[];
}

/**
 * Lloyd's algorithm from given centroids, with scikit-learn's stopping rule: stop when no label
 * changes (strict convergence) or when the total squared centroid shift is <= shiftTolerance; then the
 * labels and inertia are those of the final centroids. A cluster left empty is re-seeded with the
 * point farthest from its centroid. The passed centroids are not modified.
 */
export function runLloyd(x: Matrix, initialCentroids: Float64Array, k: number, options: LloydOptions): LloydRun {
  const { rows: n, cols: dim, data } = x;
  let centroids = Float64Array.from(initialCentroids);
  let next = new Float64Array(k * dim);
  const sums = new Float64Array(k * dim);
  const counts = new Float64Array(k);
  const labels = new Int32Array(n).fill(-1);
  const distances = new Float64Array(n);
  const inertiaByIteration: number[] = [];
  let iterations = 0;
  let converged = false;
  let labelsMatchCentroids = false;
  while (iterations < options.maxIterations) {
    const changed = assignNearest(data, n, dim, centroids, k, labels, distances);
    iterations++;
    inertiaByIteration.push(sum(distances, n));
    if (changed === 0 && iterations > 1) {
      // Centroids are already the means of these labels: a fixed point.
      converged = true;
      labelsMatchCentroids = true;
      break;
    }
    accumulateCentroids(data, n, dim, labels, k, sums, counts);
    relocateEmptyClusters(data, n, dim, labels, distances, k, sums, counts);
    const shift = divideCentroids(sums, counts, centroids, k, dim, next);
    [centroids, next] = [next, centroids];
    if (shift <= options.shiftTolerance) {
      converged = true;
      break;
    }
  }
  let inertia = inertiaByIteration[inertiaByIteration.length - 1] ?? 0;
  if (!labelsMatchCentroids) {
    assignNearest(data, n, dim, centroids, k, labels, distances);
    inertia = sum(distances, n);
  }
  accumulateCentroids(data, n, dim, labels, k, sums, counts);
  return { centroids, labels, inertia, iterations, converged, counts, inertiaByIteration };
}
