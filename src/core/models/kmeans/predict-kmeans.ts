import { assignNearest } from '../kernels/assign-nearest.js';
import type { Matrix } from '../matrix.js';
import { matrixFromRows } from '../matrix.js';
import type { KmeansState } from './kmeans-state.js';

/** The nearest centroid (0..k-1, first on ties) of every row of x, in the model's scaled space. */
export function predictKmeans(state: KmeansState, x: Matrix): Int32Array {
  if (x.cols !== state.dimensions) throw new RangeError(`predictKmeans: model has ${state.dimensions} columns, matrix has ${x.cols}`);
  const centroids = matrixFromRows(state.centroids, state.dimensions);
  const labels = new Int32Array(x.rows).fill(-1);
  assignNearest(x.data, x.rows, x.cols, centroids.data, state.k, labels, new Float64Array(x.rows));
  return labels;
}
