import { accumulateCentroids, divideCentroids, relocateEmptyClusters } from '../kernels/accumulate-centroids.js';
import { assignedSquaredDistances, boundSlack, centroidMoves, countEmpty } from '../kernels/hamerly-bounds.js';
import { sum } from '../kernels/sum.js';
import type { Matrix } from '../matrix.js';
import type { LloydOptions, LloydRun } from './run-lloyd.js';

export type BoundedLloydRun = Omit<LloydRun, 'inertiaByIteration'>;

/**
 * The distance bounds of one exact accelerated Lloyd (Hamerly's or Elkan's). Each strategy owns its
 * bound arrays; runBoundedLloyd owns everything else, so both share one loop and one stopping rule.
 */
export interface LloydBounds {
  /** First pass: every distance, labels and bounds set. Returns how many labels changed. */
  firstPass(centroids: Float64Array, labels: Int32Array): number;
  /**
   * A later pass using the bounds; `moves` is how far each centroid moved since the last pass (both
   * strategies loosen their bounds by it inside the pass, in the same sweep as the skip test).
   */
  pass(centroids: Float64Array, labels: Int32Array, moves: Float64Array): number;
  /** After an empty cluster was re-seeded: the bounds no longer hold. */
  reset(): void;
}

/**
 * Lloyd's algorithm with exact bounds: the same labels, centroids, inertia, iteration count and
 * stopping rule as runLloyd, bit for bit (centroid sums are still accumulated over all rows in row
 * order, and every distance that decides a label, an empty-cluster re-seed or the inertia comes from
 * the same loop as runLloyd's). Only the per-pass inertia history is not kept. The passed centroids
 * are not modified.
 */
export function runBoundedLloyd(
  x: Matrix,
  initialCentroids: Float64Array,
  k: number,
  options: LloydOptions,
  createBounds: (x: Matrix, k: number, slack: number) => LloydBounds,
): BoundedLloydRun {
  const { rows: n, cols: dim, data } = x;
  const slack = boundSlack(dim);
  const bounds = createBounds(x, k, slack);
  let centroids = Float64Array.from(initialCentroids);
  let next = new Float64Array(k * dim);
  const sums = new Float64Array(k * dim);
  const counts = new Float64Array(k);
  const labels = new Int32Array(n).fill(-1);
  const distances = new Float64Array(n);
  const moves = new Float64Array(k);
  let iterations = 0;
  let converged = false;
  let labelsMatchCentroids = false;
  while (iterations < options.maxIterations) {
    const changed = iterations === 0 ? bounds.firstPass(centroids, labels) : bounds.pass(centroids, labels, moves);
    iterations++;
    if (changed === 0 && iterations > 1) {
      converged = true;
      labelsMatchCentroids = true;
      break;
    }
    accumulateCentroids(data, n, dim, labels, k, sums, counts);
    if (countEmpty(counts, k) > 0) {
      // Re-seeding needs every row's exact distance, as runLloyd has it from its E-step.
      assignedSquaredDistances(data, n, dim, centroids, labels, distances);
      if (relocateEmptyClusters(data, n, dim, labels, distances, k, sums, counts) > 0) bounds.reset();
    }
    const shift = divideCentroids(sums, counts, centroids, k, dim, next);
    [centroids, next] = [next, centroids];
    centroidMoves(next, centroids, k, dim, slack, moves);
    if (shift <= options.shiftTolerance) {
      converged = true;
      break;
    }
  }
  if (iterations === 0) bounds.firstPass(centroids, labels);
  else if (!labelsMatchCentroids) bounds.pass(centroids, labels, moves);
  assignedSquaredDistances(data, n, dim, centroids, labels, distances);
  const inertia = sum(distances, n);
  accumulateCentroids(data, n, dim, labels, k, sums, counts);
  return { centroids, labels, inertia, iterations, converged, counts };
}
