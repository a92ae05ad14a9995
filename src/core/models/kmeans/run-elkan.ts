import {
  assignNearestElkan,
  assignNearestElkanFull,
  centroidHalfDistances,
  resetElkanBounds,
} from '../kernels/elkan-bounds.js';
import type { Matrix } from '../matrix.js';
import type { BoundedLloydRun, LloydBounds } from './run-bounded-lloyd.js';
import { runBoundedLloyd } from './run-bounded-lloyd.js';
import type { LloydOptions } from './run-lloyd.js';

export type ElkanRun = BoundedLloydRun;

/** Elkan's bounds: one upper bound per row and one lower bound per row and centroid (n*k). */
function createElkanBounds(x: Matrix, k: number, slack: number): LloydBounds {
  const { rows: n, cols: dim, data } = x;
  const upper = new Float64Array(n);
  const lower = new Float64Array(n * k);
  const halfDistances = new Float64Array(k * k);
  const halfGaps = new Float64Array(k);
  const scratch = new Float64Array(k);
  return {
    firstPass: (centroids, labels) => assignNearestElkanFull(data, n, dim, centroids, k, labels, upper, lower, slack, scratch),
    pass(centroids, labels, moves) {
      centroidHalfDistances(centroids, k, dim, slack, halfDistances, halfGaps);
      // The bounds follow the centroids' moves inside this pass.
      return assignNearestElkan(data, n, dim, centroids, k, labels, upper, lower, halfDistances, halfGaps, moves, slack);
    },
    reset: () => resetElkanBounds(upper, lower, n, k),
  };
}

/**
 * Lloyd accelerated by Elkan's bounds (kernels/elkan-bounds.ts); results as runLloyd's, bit for bit.
 * Holds n*k lower bounds (8 n k bytes): see preferElkan. The passed centroids are not modified.
 */
export function runElkan(x: Matrix, initialCentroids: Float64Array, k: number, options: LloydOptions): ElkanRun {
  return runBoundedLloyd(x, initialCentroids, k, options, createElkanBounds);
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
