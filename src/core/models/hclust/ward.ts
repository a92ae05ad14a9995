import { condensedEuclidean, toWardDistances } from '../kernels/condensed-distances.js';
import { cutLinkage, labelLinkage, wardNnChain } from '../kernels/ward-nn-chain.js';
import type { Matrix } from '../matrix.js';

/** One merge, as a row of scipy's linkage matrix: clusters a < b (ids: points 0..n-1, merge r is n+r). */
export type Merge = readonly [a: number, b: number, height: number, size: number];

export interface Dendrogram {
  readonly format: 'ward-dendrogram@1';
  /** Number of leaves (points or weighted centroids). */
  readonly leaves: number;
  /** n-1 merges in non-decreasing height, exactly scipy.cluster.hierarchy.linkage(x, 'ward'). */
  readonly merges: readonly Merge[];
}

export interface WardOptions {
  /**
   * A weight per row (e.g. the cluster sizes when the rows are k-means centroids): each row then
   * stands for that many identical points, and heights are the Ward distances of the weighted
   * clusters; the size column sums weights. Default: 1 per row (plain scipy Ward).
   */
  readonly weights?: readonly number[];
}

/** Largest input: the condensed matrix is n(n-1)/2 doubles (5000 rows: 12.5M values, 100 MB). */
export const WARD_MAX_ROWS = 5000;

/**
 * Ward agglomerative clustering by the nearest-neighbour chain algorithm over a condensed distance
 * matrix: O(n^2) time and n(n-1)/2 doubles of memory (ml-hclust's agnes is cubic: 87 s at n=3000,
 * STACK.md). Heights are scipy's: Euclidean for two points, then Lance-Williams Ward updates, so the
 * merge height is sqrt(2 n_a n_b / (n_a + n_b)) * |centroid_a - centroid_b|.
 *
 * Meant for a sample of profiles (<= WARD_MAX_ROWS) or for k-means centroids weighted by cluster size
 * (a dendrogram of the clusters, for naming and merging personas), never for the whole population.
 */
export function wardLinkage(x: Matrix, options: WardOptions = {}): Dendrogram {
  const n = x.rows;
  if (n < 1) throw new RangeError('wardLinkage: need at least one row');
  if (n > WARD_MAX_ROWS) throw new RangeError(`wardLinkage: ${n} rows exceed WARD_MAX_ROWS (${WARD_MAX_ROWS}); cluster a sample or k-means centroids`);
  const weights = Float64Array.from(options.weights ?? Array.from({ length: n }, () => 1));
  if (weights.length !== n) throw new RangeError(`wardLinkage: ${weights.length} weights for ${n} rows`);
  if (Array.from(weights).some((w) => !(w > 0) || !Number.isFinite(w))) throw new RangeError('wardLinkage: weights must be positive and finite');
  const distances = new Float64Array((n * (n - 1)) / 2);
  condensedEuclidean(x.data, n, x.cols, distances);
  if (options.weights !== undefined) toWardDistances(distances, n, weights);
  const raw = new Float64Array((n - 1) * 4);
  wardNnChain(distances, n, Float64Array.from(weights), raw);
  const linkage = new Float64Array((n - 1) * 4);
  labelLinkage(raw, n, weights, linkage);
  const merges: Merge[] = [];
  for (let r = 0; r < n - 1; r++) {
    const [a = 0, b = 0, height = 0, size = 0] = linkage.subarray(r * 4, r * 4 + 4);
    merges.push([a, b, height, size]);
  }
  return { format: 'ward-dendrogram@1', leaves: n, merges };
}

/**
 * Flat clusters: undo the last k-1 merges. Labels 0..k-1 are numbered by each cluster's first leaf,
 * so they are stable for a given dendrogram. Ties in height are cut in merge order.
 */
export function cutTree(dendrogram: Dendrogram, k: number): Int32Array {
  const n = dendrogram.leaves;
  if (!Number.isInteger(k) || k < 1 || k > n) throw new RangeError(`cutTree: k must be an integer in [1, ${n}], got ${k}`);
  const linkage = Float64Array.from(dendrogram.merges.flat());
  const labels = new Int32Array(n);
  cutLinkage(linkage, n, k, labels);
  return labels;
}
