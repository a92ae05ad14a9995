import type { Matrix } from '../matrix.js';
import type { GbdtLoss, GbdtState } from './gbdt-state.js';
import { sigmoid } from './losses.js';

/**
 * A model flattened for inference: every node of every tree in typed arrays, split thresholds
 * resolved from the bin edges (feature value <= threshold goes left; +Infinity when the split sends
 * every non-missing value left). This takes the same path as the binned training rows did, so
 * training scores, binned validation scores and raw-row predictions agree to the last bit.
 */
export interface GbdtPredictor {
  readonly loss: GbdtLoss;
  readonly features: number;
  /** Raw scores (log-odds for logistic) of every row of x (NaN = missing). */
  predictRaw(x: Matrix): Float64Array;
  /** Probabilities (logistic) or values (squared) of every row of x. */
  predict(x: Matrix): Float64Array;
  /** The raw score of one row of feature values. */
  predictRowRaw(row: ArrayLike<number>): number;
  /** The probability or value of one row. */
  predictRow(row: ArrayLike<number>): number;
}

/** Flattens a (validated) model for prediction. */
export function compileGbdt(state: GbdtState): GbdtPredictor {
  const total = state.trees.reduce((s, t) => s + t.feature.length, 0);
  const roots = new Int32Array(state.trees.length);
  const feature = new Int32Array(total);
  const threshold = new Float64Array(total);
  const missingLeft = new Uint8Array(total);
  const left = new Int32Array(total);
  const right = new Int32Array(total);
  const value = new Float64Array(total);
  let offset = 0;
  state.trees.forEach((tree, t) => {
    roots[t] = offset;
    for (let i = 0; i < tree.feature.length; i++) {
      const f = tree.feature[i] ?? -1;
      const at = offset + i;
      feature[at] = f;
      value[at] = tree.value[i] ?? 0;
      if (f < 0) continue;
      const edges = state.binEdges[f] ?? [];
      threshold[at] = edges[tree.bin[i] ?? 0] ?? Infinity;
      missingLeft[at] = tree.missingLeft[i] === true ? 1 : 0;
      left[at] = offset + (tree.left[i] ?? 0);
      right[at] = offset + (tree.right[i] ?? 0);
    }
    offset += tree.feature.length;
  });
  const base = state.baseScore;
  const treeCount = roots.length;
  const cols = state.features;

  /** Sum of base + tree outputs for the row at data[at .. at + cols). */
  const scoreAt = (data: ArrayLike<number>, at: number): number => {
    let s = base;
    for (let t = 0; t < treeCount; t++) {
      let node = roots[t]!;
      let f = feature[node]!;
      while (f >= 0) {
        const v = data[at + f]!;
        node = v <= threshold[node]! || (v !== v && missingLeft[node] === 1) ? left[node]! : right[node]!;
        f = feature[node]!;
      }
      s += value[node]!;
    }
    return s;
  };
  const finish = state.loss === 'logistic' ? sigmoid : (v: number): number => v;
  const check = (width: number): void => {
    if (width !== cols) throw new RangeError(`GBDT: the model has ${cols} features, the input has ${width}`);
  };
  const predictRaw = (x: Matrix): Float64Array => {
    check(x.cols);
    const out = new Float64Array(x.rows);
    for (let i = 0; i < x.rows; i++) out[i] = scoreAt(x.data, i * cols);
    return out;
  };
  return {
    loss: state.loss,
    features: cols,
    predictRaw,
    predict(x: Matrix): Float64Array {
      const out = predictRaw(x);
      for (let i = 0; i < out.length; i++) out[i] = finish(out[i]!);
      return out;
    },
    predictRowRaw(row: ArrayLike<number>): number {
      check(row.length);
      return scoreAt(row, 0);
    },
    predictRow(row: ArrayLike<number>): number {
      check(row.length);
      return finish(scoreAt(row, 0));
    },
  };
}

/** Probabilities (logistic) or values (squared) of every row of x: compileGbdt(state).predict(x). */
export function predictGbdt(state: GbdtState, x: Matrix): Float64Array {
  return compileGbdt(state).predict(x);
}
