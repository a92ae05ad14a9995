import { describe, expect, it } from 'vitest';
import type { Rng } from '../../shared/rng.js';
import { createRng } from '../../shared/rng.js';
import type { Matrix } from '../matrix.js';
import { createMatrix } from '../matrix.js';
import { logLoss } from '../metrics/probability.js';
import { rocAuc } from '../metrics/ranking.js';
import type { GbdtTreeState } from './gbdt-state.js';
import { gainImportance } from './importance.js';
import { meanLoss } from './losses.js';
import { compileGbdt, predictGbdt } from './predict-gbdt.js';
import { trainGbdt } from './train-gbdt.js';

/** Rows of uniform features in [-1, 1) and a target computed from each row. */
function makeData(rows: number, cols: number, rng: Rng, target: (row: Float64Array, rng: Rng) => number): { x: Matrix; y: Float64Array } {
  const x = createMatrix(rows, cols);
  const y = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    const row = x.data.subarray(i * cols, (i + 1) * cols);
    for (let j = 0; j < cols; j++) row[j] = 2 * rng.next() - 1;
    y[i] = target(row, rng);
  }
  return { x, y };
}

function accuracy(y: Float64Array, p: Float64Array): number {
  let right = 0;
  for (let i = 0; i < y.length; i++) if ((p[i]! >= 0.5 ? 1 : 0) === y[i]) right++;
  return right / y.length;
}

const xor = (row: Float64Array): number => (row[0]! > 0 !== row[1]! > 0 ? 1 : 0);

/** Depth of the deepest leaf. */
function depthOf(tree: GbdtTreeState, node = 0): number {
  const l = tree.left[node] ?? -1;
  return l === -1 ? 0 : 1 + Math.max(depthOf(tree, l), depthOf(tree, tree.right[node] ?? -1));
}

describe('trainGbdt', () => {
  it('learns an XOR interaction that no single split can express', () => {
    const train = makeData(600, 3, createRng(1), xor);
    const test = makeData(400, 3, createRng(2), xor);
    const fit = trainGbdt(train, { loss: 'logistic', maxIterations: 40, learningRate: 0.3, maxLeaves: 8, minSamplesLeaf: 5 }, createRng(3));
    const p = predictGbdt(fit.state, test.x);
    expect(accuracy(test.y, p)).toBeGreaterThan(0.95);
    expect(rocAuc(test.y, p)).toBeGreaterThan(0.98);
    // Stumps add up one feature at a time: they cannot (the test can fail).
    const stumps = trainGbdt(train, { loss: 'logistic', maxIterations: 40, learningRate: 0.3, maxLeaves: 2, minSamplesLeaf: 5 }, createRng(3));
    expect(rocAuc(test.y, predictGbdt(stumps.state, test.x))).toBeLessThan(0.7);
  });

  it('learns a monotone function with the squared loss', () => {
    const f = (v: number): number => v * v * v + 2 * v;
    const train = makeData(800, 1, createRng(4), (row) => f(row[0]!));
    const fit = trainGbdt(train, { loss: 'squared', maxIterations: 200, learningRate: 0.2, minSamplesLeaf: 5 }, createRng(5));
    expect(fit.state.baseScore).toBeCloseTo(train.y.reduce((a, b) => a + b, 0) / train.y.length, 12);
    const grid = createMatrix(41, 1, Float64Array.from({ length: 41 }, (_, i) => -0.95 + (1.9 * i) / 40));
    const pred = predictGbdt(fit.state, grid);
    for (let i = 0; i < 41; i++) {
      expect(Math.abs(pred[i]! - f(grid.data[i]!))).toBeLessThan(0.05);
      if (i > 0) expect(pred[i]!).toBeGreaterThan(pred[i - 1]!);
    }
  });

  it('routes missing values to the side whose rows they resemble, learned from the gain', () => {
    for (const missingLike of [0, 1]) {
      // y = 1 when x > 0; a third of the rows have x missing and y = missingLike.
      const rng = createRng(6 + missingLike);
      const train = makeData(600, 1, rng, (row, r) => {
        if (r.next() < 1 / 3) {
          row[0] = NaN;
          return missingLike;
        }
        return row[0]! > 0 ? 1 : 0;
      });
      const fit = trainGbdt(train, { loss: 'logistic', maxIterations: 20, maxLeaves: 2, learningRate: 0.5 }, createRng(8));
      const root = fit.state.trees[0]!;
      expect(root.feature[0]).toBe(0);
      expect(root.missingLeft[0]).toBe(missingLike === 0);
      const [pMissing, pLow, pHigh] = predictGbdt(fit.state, createMatrix(3, 1, Float64Array.from([NaN, -0.5, 0.5])));
      expect(pMissing).toBe(missingLike === 1 ? pHigh : pLow);
    }
  });

  it('sends missing values to the larger side when the training data had none there', () => {
    const train = makeData(300, 1, createRng(9), (row) => (row[0]! > 0.6 ? 1 : 0));
    const fit = trainGbdt(train, { loss: 'logistic', maxIterations: 1, maxLeaves: 2 }, createRng(1));
    const [pMissing, pLow] = predictGbdt(fit.state, createMatrix(2, 1, Float64Array.from([NaN, -0.5])));
    expect(pMissing).toBe(pLow);
  });

  it('stops early and keeps the round with the lowest validation loss', () => {
    // Labels are 30% noise and trees are deep: the validation loss turns up after a few rounds.
    const noisy = (row: Float64Array, rng: Rng): number => ((row[0]! > 0 ? 1 : 0) ^ (rng.next() < 0.3 ? 1 : 0));
    const train = makeData(400, 4, createRng(10), noisy);
    const val = makeData(300, 4, createRng(11), noisy);
    const patience = 5;
    const fit = trainGbdt(train, { loss: 'logistic', maxIterations: 200, learningRate: 0.5, maxLeaves: 31, minSamplesLeaf: 2, earlyStopping: { patience } }, createRng(12), val);
    const losses = fit.validationLoss ?? [];
    const best = losses.indexOf(Math.min(...losses));
    expect(fit.bestIteration).toBe(best);
    expect(fit.state.trees).toHaveLength(best);
    expect(fit.iterationsRun).toBe(best + patience);
    expect(fit.iterationsRun).toBeLessThan(200);
    expect(losses).toHaveLength(fit.iterationsRun + 1);
    // The kept model scores exactly the recorded best loss: binned training paths = raw-value paths.
    const raw = compileGbdt(fit.state).predictRaw(val.x);
    expect(meanLoss('logistic', raw, val.y)).toBe(losses[best]);
    expect(logLoss(val.y, predictGbdt(fit.state, val.x))).toBeCloseTo(losses[best]!, 12);
    expect(() => trainGbdt(train, { loss: 'logistic', earlyStopping: { patience } }, createRng(1))).toThrow(/validation/);
  });

  it('is reproducible with seeded row and column subsampling, and different with another seed', () => {
    const data = makeData(500, 6, createRng(13), (row, rng) => (row[0]! + row[1]! * row[2]! + 0.3 * (rng.next() - 0.5) > 0 ? 1 : 0));
    const options = { loss: 'logistic', maxIterations: 15, rowSubsample: 0.5, colSubsample: 0.5 } as const;
    const a = trainGbdt(data, options, createRng(14));
    const b = trainGbdt(data, options, createRng(14));
    const c = trainGbdt(data, options, createRng(15));
    expect(b.state).toEqual(a.state);
    expect(c.state.trees).not.toEqual(a.state.trees);
    for (const tree of a.state.trees) {
      expect(tree.count[0]).toBe(250);
      expect(new Set(tree.feature.filter((f) => f >= 0)).size).toBeLessThanOrEqual(3);
    }
  });

  it('ranks a pure-noise feature last by gain importance', () => {
    // y depends strongly on x0, weakly on x1; x2 is noise.
    const data = makeData(1000, 3, createRng(16), (row, rng) => (2 * row[0]! + 0.7 * row[1]! + 0.5 * (rng.next() - 0.5) > 0 ? 1 : 0));
    const fit = trainGbdt(data, { loss: 'logistic', maxIterations: 30 }, createRng(17));
    const importance = gainImportance(fit.state);
    expect(importance.ranking).toEqual([0, 1, 2]);
    expect(importance.normalized.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12);
    expect(importance.total[0]!).toBeGreaterThan(importance.total[1]!);
  });

  it('respects the depth, leaf and rows-per-leaf limits, in both growth orders', () => {
    const data = makeData(800, 4, createRng(18), (row) => (Math.sin(3 * row[0]!) + row[1]! * row[2]! > 0 ? 1 : 0));
    for (const growth of ['leaf-wise', 'depth-wise'] as const) {
      const fit = trainGbdt(data, { loss: 'logistic', maxIterations: 10, growth, maxDepth: 3, maxLeaves: 6, minSamplesLeaf: 30 }, createRng(19));
      for (const tree of fit.state.trees) {
        const leaves = tree.feature.map((f, i) => (f === -1 ? i : -1)).filter((i) => i >= 0);
        expect(leaves.length).toBeLessThanOrEqual(6);
        expect(depthOf(tree)).toBeLessThanOrEqual(3);
        for (const leaf of leaves) expect(tree.count[leaf]!).toBeGreaterThanOrEqual(30);
      }
    }
    // Depth-wise with room for a full level splits the root's both children before any grandchild.
    const levels = trainGbdt(data, { loss: 'logistic', maxIterations: 1, growth: 'depth-wise', maxLeaves: 4 }, createRng(1));
    expect(depthOf(levels.state.trees[0]!)).toBe(2);
  });

  it('refuses invalid settings and shapes', () => {
    const data = makeData(50, 2, createRng(20), (row) => (row[0]! > 0 ? 1 : 0));
    expect(() => trainGbdt(data, { loss: 'logistic', maxBins: 256 }, createRng(1))).toThrow(RangeError);
    expect(() => trainGbdt(data, { loss: 'logistic', rowSubsample: 0 }, createRng(1))).toThrow(RangeError);
    expect(() => trainGbdt({ x: data.x, y: data.y.map((v) => v * 2) }, { loss: 'logistic' }, createRng(1))).toThrow(/0 or 1/);
    expect(() => trainGbdt({ x: data.x, y: data.y.subarray(1) }, { loss: 'squared' }, createRng(1))).toThrow(RangeError);
  });
});
