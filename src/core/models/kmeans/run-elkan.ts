import { accumulateCentroids, divideCentroids, relocateEmptyClusters } from '../kernels/accumulate-centroids.js';
import {
  assignNearestElkan,
  assignNearestElkanFull,
  centroidHalfDistances,
  resetElkanBounds,
} from '../kernels/elkan-bounds.js';
import { assignedSquaredDistances, boundSlack, centroidMoves, countEmpty } from '../kernels/hamerly-bounds.js';
import { sum } from '../kernels/sum.js';
import type { Matrix } from '../matrix.js';
import type { HamerlyRun } from './run-hamerly.js';
import type { LloydOptions } from './run-lloyd.js';

export type ElkanRun = HamerlyRun;

/**
 * Lloyd's algorithm accelerated by Elkan's bounds (see kernels/elkan-bounds.ts): like runHamerly,
 * the same labels, centroids, inertia, iteration count and stopping rule as runLloyd, bit for bit.
 * Holds n*k lower bounds (8 n k bytes): see chooseKmeansAlgorithm. The passed centroids are not
 * modified.
 */
export function runElkan(x: Matrix, initialCentroids: Float64Array, k: number, options: LloydOptions): ElkanRun {
  const { rows: n, cols: dim, data } = x;
  const slack = boundSlack(dim);
  let centroids = Float64Array.from(initialCentroids);
  let next = new Float64Array(k * dim);
  const sums = new Float64Array(k * dim);
  const counts = new Float64Array(k);
  const labels = new Int32Array(n).fill(-1);
  const distances = new Float64Array(n);
  const upper = new Float64Array(n);
  const lower = new Float64Array(n * k);
  const halfDistances = new Float64Array(k * k);
  const halfGaps = new Float64Array(k);
  const moves = new Float64Array(k);
  const scratch = new Float64Array(k);
  let iterations = 0;
  let converged = false;
  let labelsMatchCentroids = false;
  while (iterations < options.maxIterations) {
    let changed;
    if (iterations === 0) {
      changed = assignNearestElkanFull(data, n, dim, centroids, k, labels, upper, lower, slack, scratch);
    } else {
      centroidHalfDistances(centroids, k, dim, slack, halfDistances, halfGaps);
      changed = assignNearestElkan(data, n, dim, centroids, k, labels, upper, lower, halfDistances, halfGaps, moves, slack);
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
      if (relocateEmptyClusters(data, n, dim, labels, distances, k, sums, counts) > 0) resetElkanBounds(upper, lower, n, k);
    }
    const shift = divideCentroids(sums, counts, centroids, k, dim, next);
    [centroids, next] = [next, centroids];
    // The bounds follow these moves at the start of the next pass (assignNearestElkan).
    centroidMoves(next, centroids, k, dim, slack, moves);
    if (shift <= options.shiftTolerance) {
      converged = true;
      break;
    }
  }
  if (iterations === 0) {
    assignNearestElkanFull(data, n, dim, centroids, k, labels, upper, lower, slack, scratch);
  } else if (!labelsMatchCentroids) {
    centroidHalfDistances(centroids, k, dim, slack, halfDistances, halfGaps);
    assignNearestElkan(data, n, dim, centroids, k, labels, upper, lower, halfDistances, halfGaps, moves, slack);
  }
  assignedSquaredDistances(data, n, dim, centroids, labels, distances);
  const inertia = sum(distances, n);
  accumulateCentroids(data, n, dim, labels, k, sums, counts);
  return { centroids, labels, inertia, iterations, converged, counts };
}

/** Elkan's n*k lower bounds may take at most this many bytes (8 per bound); above it, Hamerly. */
export const ELKAN_MEMORY_CAP_BYTES = 64 * 1024 * 1024;

/**
 * Which exact accelerated Lloyd trainKmeans runs (both give runLloyd's results bit for bit, so this
 * only decides speed): Elkan when dim >= 32 and dim * k >= 512 and its lower bounds fit
 * ELKAN_MEMORY_CAP_BYTES; Hamerly otherwise. Measured on uniform data (the hardest case for bounds),
 * ms per pass Hamerly vs Elkan: 100k x 10, k = 8: 9.3 vs 11.2; 100k x 10, k = 32: 21.6 vs 25.8;
 * 100k x 3, k = 8: 3.3 vs 5.9; 50k x 20, k = 20: 14.3 vs 14.2; 50k x 40, k = 8: 14.3 vs 14.7;
 * 50k x 40, k = 20: 27.0 vs 23.6; 50k x 64, k = 8: 25.0 vs 23.6. Elkan's k bounds per point only pay
 * for their upkeep when distances are long (many columns) and there are many centroids to skip.
 */
export function preferElkan(rows: number, dim: number, k: number): boolean {
  return dim >= 32 && dim * k >= 512 && rows * k * 8 <= ELKAN_MEMORY_CAP_BYTES;
}
