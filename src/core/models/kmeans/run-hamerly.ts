import { accumulateCentroids, divideCentroids, relocateEmptyClusters } from '../kernels/accumulate-centroids.js';
import {
  assignedSquaredDistances,
  assignNearestHamerly,
  assignNearestWithBounds,
  boundSlack,
  centroidHalfGaps,
  centroidMoves,
  countEmpty,
  resetBounds,
  updateBounds,
} from '../kernels/hamerly-bounds.js';
import { sum } from '../kernels/sum.js';
import type { Matrix } from '../matrix.js';
import type { LloydOptions, LloydRun } from './run-lloyd.js';

export type HamerlyRun = Omit<LloydRun, 'inertiaByIteration'>;

/**
 * Lloyd's algorithm accelerated by Hamerly's bounds (see kernels/hamerly-bounds.ts): the same
 * labels, centroids, inertia, iteration count and stopping rule as runLloyd, bit for bit (the
 * centroid sums are still accumulated over all rows in row order, and every distance that decides a
 * label, an empty-cluster re-seed or the inertia comes from the same loop as runLloyd's). Only the
 * per-pass inertia history is not kept. The passed centroids are not modified.
 */
export function runHamerly(x: Matrix, initialCentroids: Float64Array, k: number, options: LloydOptions): HamerlyRun {
  const { rows: n, cols: dim, data } = x;
  const slack = boundSlack(dim);
  let centroids = Float64Array.from(initialCentroids);
  let next = new Float64Array(k * dim);
  const sums = new Float64Array(k * dim);
  const counts = new Float64Array(k);
  const labels = new Int32Array(n).fill(-1);
  const distances = new Float64Array(n);
  const upper = new Float64Array(n);
  const lower = new Float64Array(n);
  const halfGaps = new Float64Array(k);
  const scratch = new Float64Array(k);
  const moves = new Float64Array(k);
  let iterations = 0;
  let converged = false;
  let labelsMatchCentroids = false;
  while (iterations < options.maxIterations) {
    let changed;
    if (iterations === 0) {
      changed = assignNearestWithBounds(data, n, dim, centroids, k, labels, upper, lower, slack, scratch);
    } else {
      centroidHalfGaps(centroids, k, dim, slack, halfGaps);
      changed = assignNearestHamerly(data, n, dim, centroids, k, labels, upper, lower, halfGaps, slack, scratch);
    }
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
      if (relocateEmptyClusters(data, n, dim, labels, distances, k, sums, counts) > 0) resetBounds(upper, lower, n);
    }
    const shift = divideCentroids(sums, counts, centroids, k, dim, next);
    [centroids, next] = [next, centroids];
    centroidMoves(next, centroids, k, dim, slack, moves);
    updateBounds(labels, n, moves, k, upper, lower, slack);
    if (shift <= options.shiftTolerance) {
      converged = true;
      break;
    }
  }
  if (iterations === 0) {
    assignNearestWithBounds(data, n, dim, centroids, k, labels, upper, lower, slack, scratch);
  } else if (!labelsMatchCentroids) {
    centroidHalfGaps(centroids, k, dim, slack, halfGaps);
    assignNearestHamerly(data, n, dim, centroids, k, labels, upper, lower, halfGaps, slack, scratch);
  }
  assignedSquaredDistances(data, n, dim, centroids, labels, distances);
  const inertia = sum(distances, n);
  accumulateCentroids(data, n, dim, labels, k, sums, counts);
  return { centroids, labels, inertia, iterations, converged, counts };
}
