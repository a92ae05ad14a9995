import { assignNearestHamerly, assignNearestWithBounds, centroidHalfGaps, resetBounds } from '../kernels/hamerly-bounds.js';
import type { Matrix } from '../matrix.js';
import type { BoundedLloydRun, LloydBounds } from './run-bounded-lloyd.js';
import { runBoundedLloyd } from './run-bounded-lloyd.js';
import type { LloydOptions } from './run-lloyd.js';

export type HamerlyRun = BoundedLloydRun;

/** Hamerly's bounds: one upper bound per row and one lower bound to its second-nearest centroid. */
function createHamerlyBounds(x: Matrix, k: number, slack: number): LloydBounds {
  const { rows: n, cols: dim, data } = x;
  const upper = new Float64Array(n);
  const lower = new Float64Array(n);
  const halfGaps = new Float64Array(k);
  const scratch = new Float64Array(k);
  const otherMoves = new Float64Array(k);
  const revisit = new Int32Array(n);
  return {
    firstPass: (centroids, labels) => assignNearestWithBounds(data, n, dim, centroids, k, labels, upper, lower, slack, scratch),
    pass(centroids, labels, moves) {
      centroidHalfGaps(centroids, k, dim, slack, halfGaps);
      // The bounds follow the centroids' moves inside this pass.
      return assignNearestHamerly(data, n, dim, centroids, k, labels, upper, lower, halfGaps, moves, slack, scratch, otherMoves, revisit);
    },
    reset: () => resetBounds(upper, lower, n),
  };
}

/** Lloyd accelerated by Hamerly's bounds (kernels/hamerly-bounds.ts); results as runLloyd's, bit for bit. */
export function runHamerly(x: Matrix, initialCentroids: Float64Array, k: number, options: LloydOptions): HamerlyRun {
  return runBoundedLloyd(x, initialCentroids, k, options, createHamerlyBounds);
}
