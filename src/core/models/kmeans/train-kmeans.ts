import type { Rng } from '../../shared/rng.js';
import { columnMeansAndStds, TRANSFORM_NONE } from '../kernels/column-transforms.js';
import { sampleWithoutReplacement } from '../kernels/sample-indices.js';
import type { Matrix } from '../matrix.js';
import { matrixFromRows, matrixToRows, selectRows } from '../matrix.js';
import { initKmeansPlusPlus } from './init-kmeans-plus-plus.js';
import type { KmeansState } from './kmeans-state.js';
import { preferElkan, runElkan } from './run-elkan.js';
import { runHamerly } from './run-hamerly.js';
import { runMiniBatch } from './run-mini-batch.js';

export interface KmeansParams {
  /** Number of clusters, 1 <= k <= rows. */
  readonly k: number;
  /** Seeded restarts; the one with the lowest inertia wins. Default 4. Ignored with given centroids. */
  readonly restarts?: number;
  /** Lloyd passes per restart. Default 300. */
  readonly maxIterations?: number;
  /**
   * Relative tolerance, as scikit-learn's `tol`: a restart stops when the total squared centroid
   * shift of one pass is <= tolerance * (mean column variance of x). Default 1e-4.
   */
  readonly tolerance?: number;
  /** 'kmeans++' (default, greedy, seeded by rng) or fixed starting centroids (k rows). */
  readonly init?: 'kmeans++' | { readonly centroids: readonly (readonly number[])[] };
  /**
   * Mini-batch k-means (Sculley) for large populations: `iterations` steps of `batchSize` rows each,
   * k-means++ seeded on a sample of min(rows, max(3 batchSize, k)) rows as scikit-learn does.
   */
  readonly miniBatch?: { readonly batchSize: number; readonly iterations: number };
}

export const KMEANS_DEFAULTS = { restarts: 4, maxIterations: 300, tolerance: 1e-4 } as const;

/** scikit-learn's `_tolerance`: tolerance * mean of the column variances of x. */
export function toleranceFor(x: Matrix, tolerance: number): number {
  if (tolerance === 0 || x.rows === 0) return 0;
  const means = new Float64Array(x.cols);
  const stds = new Float64Array(x.cols);
  columnMeansAndStds(x.data, x.rows, x.cols, new Uint8Array(x.cols).fill(TRANSFORM_NONE), means, stds);
  const variances = Array.from(stds, (s) => s * s);
  return (tolerance * variances.reduce((a, b) => a + b, 0)) / Math.max(1, x.cols);
}

function requirePositiveInteger(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`trainKmeans: ${name} must be a positive integer, got ${value}`);
}

/**
 * Trains k-means on x (already scaled: see scaling.ts). Deterministic for a given rng state. Throws
 * RangeError on invalid parameters (k > rows included): callers validate user input first.
 */
export function trainKmeans(x: Matrix, params: KmeansParams, rng: Rng): KmeansState {
  const k = params.k;
  requirePositiveInteger('k', k);
  if (k > x.rows) throw new RangeError(`trainKmeans: k (${k}) exceeds the number of rows (${x.rows})`);
  const restarts = params.restarts ?? KMEANS_DEFAULTS.restarts;
  const maxIterations = params.maxIterations ?? KMEANS_DEFAULTS.maxIterations;
  const tolerance = params.tolerance ?? KMEANS_DEFAULTS.tolerance;
  requirePositiveInteger('restarts', restarts);
  requirePositiveInteger('maxIterations', maxIterations);
  if (!(tolerance >= 0)) throw new RangeError(`trainKmeans: tolerance must be >= 0, got ${tolerance}`);
  const init = params.init ?? 'kmeans++';
  let fixed: Float64Array | null = null;
  if (init !== 'kmeans++') {
    const given = matrixFromRows(init.centroids, x.cols);
    if (given.rows !== k) throw new RangeError(`trainKmeans: ${given.rows} initial centroids for k = ${k}`);
    fixed = given.data;
  }
  const shiftTolerance = toleranceFor(x, tolerance);
  const miniBatch = params.miniBatch;
  if (miniBatch !== undefined) {
    requirePositiveInteger('miniBatch.batchSize', miniBatch.batchSize);
    requirePositiveInteger('miniBatch.iterations', miniBatch.iterations);
  }

  // Exact accelerated Lloyd: Elkan or Hamerly by shape (see preferElkan); the results are the same.
  const runExact = preferElkan(x.rows, x.cols, k) ? runElkan : runHamerly;
  let best: { centroids: Float64Array; inertia: number; iterations: number; converged: boolean; counts: Float64Array } | null = null;
  const runs = fixed === null ? restarts : 1;
  for (let r = 0; r < runs; r++) {
    let run;
    if (miniBatch === undefined) {
      run = runExact(x, fixed ?? initKmeansPlusPlus(x, k, rng), k, { maxIterations, shiftTolerance });
    } else {
      const initRows = Math.min(x.rows, Math.max(3 * miniBatch.batchSize, k));
      const seeds = fixed ?? initKmeansPlusPlus(selectRows(x, sampleWithoutReplacement(x.rows, initRows, rng)), k, rng);
      run = runMiniBatch(x, seeds, k, { ...miniBatch, shiftTolerance: 0 }, rng);
    }
    if (best === null || run.inertia < best.inertia) best = run;
  }
  if (best === null) throw new Error('trainKmeans: no restart ran');
  return {
    format: 'kmeans@1',
    k,
    dimensions: x.cols,
    centroids: matrixToRows({ rows: k, cols: x.cols, data: best.centroids }),
    inertia: best.inertia,
    iterations: best.iterations,
    converged: best.converged,
    clusterSizes: Array.from(best.counts),
    algorithm: miniBatch === undefined ? 'lloyd' : 'mini-batch',
  };
}
