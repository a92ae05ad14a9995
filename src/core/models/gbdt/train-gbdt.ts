import type { Rng } from '../../shared/rng.js';
import { sampleWithoutReplacement } from '../kernels/sample-indices.js';
import type { Matrix } from '../matrix.js';
import type { BinnedMatrix } from './binning.js';
import { binMatrix, fitBinEdges, MAX_BINS } from './binning.js';
import type { GbdtGrowth, GbdtLoss, GbdtParams, GbdtState, GbdtTreeState } from './gbdt-state.js';
import type { GrowParams } from './grow-tree.js';
import { createGrowContext, growTree, treeValueBinned } from './grow-tree.js';
import { baseScoreFor, computeGradients, meanLoss } from './losses.js';

/** Training settings; everything but the loss has a default (GBDT_DEFAULTS). */
export interface GbdtOptions {
  readonly loss: GbdtLoss;
  /** Shrinkage applied to every leaf. Default 0.1. */
  readonly learningRate?: number;
  /** Boosting rounds (trees), at most. Default 100. */
  readonly maxIterations?: number;
  /** 'leaf-wise' (best-first, default) or 'depth-wise' (level by level). */
  readonly growth?: GbdtGrowth;
  /** Leaves per tree, at most. Default 31. */
  readonly maxLeaves?: number;
  /** Edges from the root to the deepest leaf, at most; null (default) for no limit. */
  readonly maxDepth?: number | null;
  /** Training rows per leaf, at least. Default 20. */
  readonly minSamplesLeaf?: number;
  /** Sum of hessians per leaf, at least. Default 1e-3. */
  readonly minHessianLeaf?: number;
  /** L2 regularization of leaf values (lambda). Default 0. */
  readonly l2?: number;
  /** A split must reduce the loss by more than this. Default 0. */
  readonly minGainToSplit?: number;
  /** Value bins per feature, at most (plus one for missing values). Default 255. */
  readonly maxBins?: number;
  /** Fraction of the training rows drawn (without replacement) for each tree. Default 1. */
  readonly rowSubsample?: number;
  /** Fraction of the features drawn for each tree. Default 1. */
  readonly colSubsample?: number;
  /**
   * Stop when the validation loss has not improved by more than `tolerance` (default 0) for
   * `patience` rounds, and keep the trees up to the best round. Needs a validation set.
   */
  readonly earlyStopping?: { readonly patience: number; readonly tolerance?: number };
  /** Column names, kept in the model (one per column of x). */
  readonly featureNames?: readonly string[];
}

export const GBDT_DEFAULTS = {
  learningRate: 0.1,
  maxIterations: 100,
  growth: 'leaf-wise',
  maxLeaves: 31,
  maxDepth: null,
  minSamplesLeaf: 20,
  minHessianLeaf: 1e-3,
  l2: 0,
  minGainToSplit: 0,
  maxBins: MAX_BINS,
  rowSubsample: 1,
  colSubsample: 1,
} as const;

/** Bin edges are fitted on at most this many training rows (a seeded sample beyond it). */
export const BIN_FIT_ROWS = 200_000;

export interface GbdtDataset {
  /** Row-major features; NaN marks a missing value. */
  readonly x: Matrix;
  /** Targets: 0 or 1 for the logistic loss, any finite number for squared. */
  readonly y: ArrayLike<number>;
}

export interface GbdtFit {
  readonly state: GbdtState;
  /** Rounds boosted before stopping (trees grown, including those early stopping dropped). */
  readonly iterationsRun: number;
  /** Trees kept: the round with the lowest validation loss with early stopping, else all. */
  readonly bestIteration: number;
  /** Validation loss before any tree (index 0) and after each round; null without validation. */
  readonly validationLoss: readonly number[] | null;
}

function resolveParams(options: GbdtOptions): GbdtParams {
  const p: GbdtParams = {
    loss: options.loss,
    learningRate: options.learningRate ?? GBDT_DEFAULTS.learningRate,
    maxIterations: options.maxIterations ?? GBDT_DEFAULTS.maxIterations,
    growth: options.growth ?? GBDT_DEFAULTS.growth,
    maxLeaves: options.maxLeaves ?? GBDT_DEFAULTS.maxLeaves,
    maxDepth: options.maxDepth ?? GBDT_DEFAULTS.maxDepth,
    minSamplesLeaf: options.minSamplesLeaf ?? GBDT_DEFAULTS.minSamplesLeaf,
    minHessianLeaf: options.minHessianLeaf ?? GBDT_DEFAULTS.minHessianLeaf,
    l2: options.l2 ?? GBDT_DEFAULTS.l2,
    minGainToSplit: options.minGainToSplit ?? GBDT_DEFAULTS.minGainToSplit,
    maxBins: options.maxBins ?? GBDT_DEFAULTS.maxBins,
    rowSubsample: options.rowSubsample ?? GBDT_DEFAULTS.rowSubsample,
    colSubsample: options.colSubsample ?? GBDT_DEFAULTS.colSubsample,
    patience: options.earlyStopping?.patience ?? null,
    tolerance: options.earlyStopping?.tolerance ?? 0,
  };
  const fail = (what: string, v: unknown): never => {
    throw new RangeError(`trainGbdt: ${what}, got ${String(v)}`);
  };
  if (p.loss !== 'logistic' && p.loss !== 'squared') fail('loss must be logistic or squared', p.loss);
  if (p.growth !== 'leaf-wise' && p.growth !== 'depth-wise') fail('growth must be leaf-wise or depth-wise', p.growth);
  if (!(p.learningRate > 0 && Number.isFinite(p.learningRate))) fail('learningRate must be a positive number', p.learningRate);
  if (!Number.isInteger(p.maxIterations) || p.maxIterations < 0) fail('maxIterations must be a non-negative integer', p.maxIterations);
  if (!Number.isInteger(p.maxLeaves) || p.maxLeaves < 2) fail('maxLeaves must be an integer >= 2', p.maxLeaves);
  if (p.maxDepth !== null && (!Number.isInteger(p.maxDepth) || p.maxDepth < 1)) fail('maxDepth must be a positive integer or null', p.maxDepth);
  if (!Number.isInteger(p.minSamplesLeaf) || p.minSamplesLeaf < 1) fail('minSamplesLeaf must be a positive integer', p.minSamplesLeaf);
  if (!(p.minHessianLeaf >= 0)) fail('minHessianLeaf must be >= 0', p.minHessianLeaf);
  if (!(p.l2 >= 0 && Number.isFinite(p.l2))) fail('l2 must be a finite number >= 0', p.l2);
  if (!(p.minGainToSplit >= 0 && Number.isFinite(p.minGainToSplit))) fail('minGainToSplit must be a finite number >= 0', p.minGainToSplit);
  if (!Number.isInteger(p.maxBins) || p.maxBins < 2 || p.maxBins > MAX_BINS) fail(`maxBins must be an integer in [2, ${MAX_BINS}]`, p.maxBins);
  if (!(p.rowSubsample > 0 && p.rowSubsample <= 1)) fail('rowSubsample must be in (0, 1]', p.rowSubsample);
  if (!(p.colSubsample > 0 && p.colSubsample <= 1)) fail('colSubsample must be in (0, 1]', p.colSubsample);
  if (p.patience !== null && (!Number.isInteger(p.patience) || p.patience < 1)) fail('earlyStopping.patience must be a positive integer', p.patience);
  if (!(p.tolerance >= 0)) fail('earlyStopping.tolerance must be >= 0', p.tolerance);
  return p;
}

function targets(loss: GbdtLoss, data: GbdtDataset, what: string): Float64Array {
  if (data.y.length !== data.x.rows) throw new RangeError(`trainGbdt: ${what} has ${data.x.rows} rows but ${data.y.length} targets`);
  const y = Float64Array.from(data.y);
  for (let i = 0; i < y.length; i++) {
    const v = y[i]!;
    if (loss === 'logistic' ? v !== 0 && v !== 1 : !Number.isFinite(v)) {
      throw new RangeError(`trainGbdt: ${what} target ${i} is ${v}; the ${loss} loss needs ${loss === 'logistic' ? '0 or 1' : 'finite numbers'}`);
    }
  }
  return y;
}

/** k distinct values of [0, n), ascending. */
function sortedSample(n: number, k: number, rng: Rng): Int32Array {
  return sampleWithoutReplacement(n, k, rng).sort();
}

/**
 * Trains a histogram gradient-boosted tree ensemble. Deterministic for a given rng state: the rng
 * draws the bin-fitting sample (beyond BIN_FIT_ROWS rows) and each tree's row and column samples.
 * Throws RangeError on invalid options or shapes (a programmer error: callers validate input first).
 */
export function trainGbdt(train: GbdtDataset, options: GbdtOptions, rng: Rng, validation?: GbdtDataset): GbdtFit {
  const params = resolveParams(options);
  const { x } = train;
  const n = x.rows;
  if (n === 0) throw new RangeError('trainGbdt: no training rows');
  const y = targets(params.loss, train, 'the training set');
  if (options.featureNames !== undefined && options.featureNames.length !== x.cols) {
    throw new RangeError(`trainGbdt: ${options.featureNames.length} feature names for ${x.cols} columns`);
  }
  if (params.patience !== null && validation === undefined) throw new RangeError('trainGbdt: early stopping needs a validation set');
  if (validation !== undefined && validation.x.cols !== x.cols) {
    throw new RangeError(`trainGbdt: validation has ${validation.x.cols} columns, training has ${x.cols}`);
  }

  const bins = fitBinEdges(x, params.maxBins, n > BIN_FIT_ROWS ? sortedSample(n, BIN_FIT_ROWS, rng) : null);
  const binned = binMatrix(bins, x);
  const edgeCounts = Int32Array.from(bins.edges, (e) => e.length);
  const ctx = createGrowContext(binned.codes, n, edgeCounts);
  const growParams: GrowParams = { ...params, constantHessian: params.loss === 'squared' ? 1 : null };

  const baseScore = baseScoreFor(params.loss, y);
  const raw = new Float64Array(n).fill(baseScore);
  const trees: GbdtTreeState[] = [];

  let valBinned: BinnedMatrix | null = null;
  let valY: Float64Array | null = null;
  let valRaw: Float64Array | null = null;
  const validationLoss: number[] = [];
  if (validation !== undefined) {
    valY = targets(params.loss, validation, 'the validation set');
    valBinned = binMatrix(bins, validation.x);
    valRaw = new Float64Array(validation.x.rows).fill(baseScore);
    validationLoss.push(meanLoss(params.loss, valRaw, valY));
  }
  let bestIteration = 0;
  let bestLoss = validationLoss[0] ?? Infinity;

  const rowCount = params.rowSubsample === 1 ? n : Math.max(1, Math.round(params.rowSubsample * n));
  const colCount = Math.max(1, Math.round(params.colSubsample * x.cols));
  const allFeatures = Int32Array.from({ length: x.cols }, (_, f) => f);
  const inSample = rowCount < n ? new Uint8Array(n) : null;

  let iterationsRun = 0;
  for (let it = 0; it < params.maxIterations; it++) {
    computeGradients(params.loss, raw, y, ctx.grad, ctx.hess);
    if (rowCount < n) ctx.idx.set(sortedSample(n, rowCount, rng));
    else for (let i = 0; i < n; i++) ctx.idx[i] = i;
    const features = colCount < x.cols ? sortedSample(x.cols, colCount, rng) : allFeatures;
    const grown = growTree(ctx, growParams, rowCount, rowCount === n, features);
    trees.push(grown.tree);
    iterationsRun++;

    for (const leaf of grown.leaves) for (let j = leaf.start; j < leaf.end; j++) raw[ctx.idx[j]!]! += leaf.value;
    if (inSample !== null) {
      inSample.fill(0);
      for (let j = 0; j < rowCount; j++) inSample[ctx.idx[j]!] = 1;
      for (let i = 0; i < n; i++) if (inSample[i] === 0) raw[i]! += treeValueBinned(grown.tree, edgeCounts, binned.codes, n, i);
    }

    if (valBinned !== null && valRaw !== null && valY !== null) {
      for (let i = 0; i < valBinned.rows; i++) valRaw[i]! += treeValueBinned(grown.tree, edgeCounts, valBinned.codes, valBinned.rows, i);
      const loss = meanLoss(params.loss, valRaw, valY);
      validationLoss.push(loss);
      if (loss < bestLoss - params.tolerance) {
        bestLoss = loss;
        bestIteration = it + 1;
      }
      if (params.patience !== null && it + 1 - bestIteration >= params.patience) break;
    }
  }
  const kept = params.patience === null ? trees.length : bestIteration;
  const state: GbdtState = {
    format: 'gbdt@1',
    loss: params.loss,
    baseScore,
    features: x.cols,
    featureNames: options.featureNames === undefined ? null : [...options.featureNames],
    binEdges: bins.edges.map((e) => Array.from(e)),
    trees: trees.slice(0, kept),
    params,
  };
  return { state, iterationsRun, bestIteration: kept, validationLoss: validation === undefined ? null : validationLoss };
}
