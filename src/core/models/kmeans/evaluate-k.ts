import type { Rng } from '../../shared/rng.js';
import { condensedEuclidean } from '../kernels/condensed-distances.js';
import { sampleWithoutReplacement } from '../kernels/sample-indices.js';
import { meanSilhouette } from '../kernels/silhouette.js';
import type { Matrix } from '../matrix.js';
import { selectRows } from '../matrix.js';
import type { KmeansState } from './kmeans-state.js';
import { predictKmeans } from './predict-kmeans.js';
import type { KmeansParams } from './train-kmeans.js';
import { trainKmeans } from './train-kmeans.js';

export interface EvaluateKOptions {
  /** Smallest k tried, >= 2 (silhouette needs two clusters). */
  readonly kMin: number;
  /** Largest k tried, <= rows. */
  readonly kMax: number;
  /** Restarts per k. Default 4. */
  readonly restarts?: number;
  /** Rows in the silhouette sample (exact O(s^2) silhouette). Default 2000; all rows when fewer. */
  readonly sampleSize?: number;
  readonly maxIterations?: number;
  readonly tolerance?: number;
  readonly miniBatch?: KmeansParams['miniBatch'];
}

export interface KEvidence {
  readonly k: number;
  /** Within-cluster sum of squares on all rows (the elbow curve). */
  readonly inertia: number;
  /** Mean silhouette on the sample, in [-1, 1]; higher is better. */
  readonly silhouette: number;
  /** Distance of (k, inertia) below the chord from the first to the last k, both axes scaled to [0, 1]. */
  readonly elbowScore: number;
  readonly iterations: number;
  readonly converged: boolean;
  readonly clusterSizes: readonly number[];
}

export interface KChoice {
  readonly chosenK: number;
  /** The rule that chose, in words, for the report. */
  readonly rule: string;
  /** The k at the sharpest bend of the inertia curve (largest elbowScore), shown as a second opinion. */
  readonly elbowK: number;
  readonly sampleSize: number;
  readonly evidence: readonly KEvidence[];
  /** The model trained for the chosen k. */
  readonly model: KmeansState;
}

/** Silhouettes closer than this count as a tie (then the smaller k wins). */
export const SILHOUETTE_TIE_TOLERANCE = 1e-9;
export const DEFAULT_SILHOUETTE_SAMPLE_SIZE = 2000;

/**
 * The rule of evaluateK: the k with the highest silhouette; a later k must beat the best so far by
 * more than SILHOUETTE_TIE_TOLERANCE, so ties go to the smaller k. NaN (undefined) never wins.
 * Evidence must be in increasing k.
 */
export function chooseKBySilhouette(evidence: readonly Pick<KEvidence, 'k' | 'silhouette'>[]): number {
  let best: Pick<KEvidence, 'k' | 'silhouette'> | null = null;
  for (const e of evidence) {
    if (best === null || Number.isNaN(best.silhouette) || e.silhouette > best.silhouette + SILHOUETTE_TIE_TOLERANCE) best = e;
  }
  if (best === null) throw new RangeError('chooseKBySilhouette: no evidence');
  return best.k;
}

/**
 * Trains k-means for every k in [kMin, kMax] and chooses k by the highest mean silhouette on one
 * seeded sample of rows shared by all k (ties within SILHOUETTE_TIE_TOLERANCE go to the smaller k).
 * The inertia per k and the elbow are returned as evidence, not used to choose: inertia always falls
 * as k grows, so it cannot choose on its own.
 */
export function evaluateK(x: Matrix, options: EvaluateKOptions, rng: Rng): KChoice {
  const { kMin, kMax } = options;
  if (!Number.isInteger(kMin) || !Number.isInteger(kMax) || kMin < 2 || kMax < kMin || kMax > x.rows) {
    throw new RangeError(`evaluateK: need integers 2 <= kMin <= kMax <= rows (${x.rows}), got ${kMin}..${kMax}`);
  }
  const sampleSize = Math.min(x.rows, options.sampleSize ?? DEFAULT_SILHOUETTE_SAMPLE_SIZE);
  const sample = selectRows(x, sampleWithoutReplacement(x.rows, sampleSize, rng));
  const distances = new Float64Array((sampleSize * (sampleSize - 1)) / 2);
  condensedEuclidean(sample.data, sample.rows, sample.cols, distances);
  const scratch = new Float64Array(sampleSize * kMax);
  const counts = new Float64Array(kMax);

  const runs: { k: number; model: KmeansState; silhouette: number }[] = [];
  for (let k = kMin; k <= kMax; k++) {
    const params: KmeansParams = {
      k,
      ...(options.restarts === undefined ? {} : { restarts: options.restarts }),
      ...(options.maxIterations === undefined ? {} : { maxIterations: options.maxIterations }),
      ...(options.tolerance === undefined ? {} : { tolerance: options.tolerance }),
      ...(options.miniBatch === undefined ? {} : { miniBatch: options.miniBatch }),
    };
    const model = trainKmeans(x, params, rng);
    const silhouette = meanSilhouette(distances, sampleSize, predictKmeans(model, sample), k, scratch, counts);
    runs.push({ k, model, silhouette });
  }

  const first = runs[0];
  const last = runs[runs.length - 1];
  if (first === undefined || last === undefined) throw new Error('evaluateK: no k evaluated');
  const inertiaSpan = first.model.inertia - last.model.inertia;
  const kSpan = last.k - first.k;
  const evidence: KEvidence[] = runs.map(({ k, model, silhouette }) => {
    const kScaled = kSpan === 0 ? 0 : (k - first.k) / kSpan;
    const inertiaScaled = inertiaSpan === 0 ? 0 : (first.model.inertia - model.inertia) / inertiaSpan;
    return {
      k,
      inertia: model.inertia,
      silhouette,
      elbowScore: inertiaScaled - kScaled,
      iterations: model.iterations,
      converged: model.converged,
      clusterSizes: model.clusterSizes,
    };
  });

  const chosenK = chooseKBySilhouette(evidence);
  const chosen = runs.find((run) => run.k === chosenK) ?? first;
  let elbow = evidence[0] ?? null;
  for (const e of evidence) if (elbow === null || e.elbowScore > elbow.elbowScore) elbow = e;

  return {
    chosenK: chosen.k,
    rule: `highest mean silhouette on a seeded sample of ${sampleSize} rows; ties within ${SILHOUETTE_TIE_TOLERANCE} go to the smaller k`,
    elbowK: elbow?.k ?? first.k,
    sampleSize,
    evidence,
    model: chosen.model,
  };
}
