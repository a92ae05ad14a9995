import { describe, expect, it } from 'vitest';
import { makeBlobs, makeUniform, samePartition } from '../../../../test/models/blobs.js';
import { createRng } from '../../shared/rng.js';
import { matrixFromRows, matrixToRows } from '../matrix.js';
import { initKmeansPlusPlus } from './init-kmeans-plus-plus.js';
import { parseKmeansState } from './kmeans-state.js';
import { predictKmeans } from './predict-kmeans.js';
import { runLloyd } from './run-lloyd.js';
import { toleranceFor, trainKmeans } from './train-kmeans.js';

const digits = 9;
const CENTRES = [
  [0, 0, 0],
  [20, 0, 0],
  [0, 20, 0],
  [0, 0, 20],
];

function blobs(seed = 1): ReturnType<typeof makeBlobs> {
  return makeBlobs(CENTRES, 50, 1, createRng(seed));
}

describe('trainKmeans', () => {
  it('recovers well-separated blobs exactly', () => {
    const { x, truth } = blobs();
    const state = trainKmeans(x, { k: 4 }, createRng(11));
    expect(samePartition(predictKmeans(state, x), truth)).toBe(true);
    expect([...state.clusterSizes].sort()).toEqual([50, 50, 50, 50]);
    expect(state.converged).toBe(true);
    expect(state.format).toBe('kmeans@1');
    expect(state.algorithm).toBe('lloyd');
  });

  it('puts each centroid at the mean of its cluster, and reports the inertia of those labels', () => {
    const { x } = blobs(2);
    const state = trainKmeans(x, { k: 4, tolerance: 0 }, createRng(3));
    const labels = predictKmeans(state, x);
    const rows = matrixToRows(x);
    let inertia = 0;
    state.centroids.forEach((centroid, c) => {
      const members = rows.filter((_, i) => labels[i] === c);
      expect(members.length).toBe(state.clusterSizes[c]);
      centroid.forEach((value, j) => {
        const mean = members.reduce((acc, r) => acc + (r[j] ?? 0), 0) / members.length;
        expect(value).toBeCloseTo(mean, digits);
      });
      for (const r of members) inertia += r.reduce((acc, v, j) => acc + (v - (centroid[j] ?? 0)) ** 2, 0);
    });
    expect(state.inertia).toBeCloseTo(inertia, 6);
  });

  it('never increases the inertia from one Lloyd pass to the next', () => {
    const x = makeUniform(2000, 3, createRng(4));
    const rng = createRng(5);
    for (let restart = 0; restart < 3; restart++) {
      const run = runLloyd(x, initKmeansPlusPlus(x, 8, rng), 8, { maxIterations: 200, shiftTolerance: 0 });
      expect(run.inertiaByIteration.length).toBeGreaterThan(5);
      run.inertiaByIteration.forEach((value, i) => {
        const previous = run.inertiaByIteration[i - 1] ?? Infinity;
        expect(value).toBeLessThanOrEqual(previous * (1 + 1e-12));
      });
      expect(run.inertia).toBeLessThanOrEqual(run.inertiaByIteration[0] ?? 0);
    }
  });

  it('is reproducible: same seed, same model; another seed may differ', () => {
    const x = makeUniform(1000, 4, createRng(6));
    const a = trainKmeans(x, { k: 6, restarts: 2 }, createRng(42));
    const b = trainKmeans(x, { k: 6, restarts: 2 }, createRng(42));
    expect(b).toEqual(a);
    const others = [43, 44, 45].map((seed) => trainKmeans(x, { k: 6, restarts: 1 }, createRng(seed)));
    expect(others.some((o) => JSON.stringify(o.centroids) !== JSON.stringify(a.centroids))).toBe(true);
  });

  it('picks the best restart by inertia: more restarts are never worse on the same stream prefix', () => {
    const x = makeUniform(800, 2, createRng(7));
    const one = trainKmeans(x, { k: 7, restarts: 1 }, createRng(8));
    const four = trainKmeans(x, { k: 7, restarts: 4 }, createRng(8));
    expect(four.inertia).toBeLessThanOrEqual(one.inertia);
  });

  it('round-trips through JSON with identical predictions', () => {
    const x = makeUniform(500, 5, createRng(9));
    const state = trainKmeans(x, { k: 5 }, createRng(10));
    const restored = parseKmeansState(JSON.parse(JSON.stringify(state)));
    expect(restored.ok).toBe(true);
    if (!restored.ok) return;
    expect(restored.value).toEqual(state);
    expect(Array.from(predictKmeans(restored.value, x))).toEqual(Array.from(predictKmeans(state, x)));
  });

  it('re-seeds an empty cluster with the farthest point', () => {
    const x = matrixFromRows([[0], [1], [2], [10], [11], [12], [40]]);
    // The third centroid starts far from every point, so it is empty after the first pass.
    const state = trainKmeans(x, { k: 3, init: { centroids: [[1], [11], [1000]] } }, createRng(1));
    expect([...state.clusterSizes].sort((a, b) => a - b)).toEqual([1, 3, 3]);
    expect(state.centroids.map((c) => c[0])).toEqual([1, 11, 40]);
    expect(state.inertia).toBeCloseTo(4, digits);
  });

  it('uses fixed initial centroids as given (one run, deterministic regardless of rng)', () => {
    const { x } = blobs(3);
    const init = { centroids: CENTRES };
    const a = trainKmeans(x, { k: 4, init, restarts: 4 }, createRng(1));
    const b = trainKmeans(x, { k: 4, init }, createRng(2));
    expect(b).toEqual(a);
    expect(a.centroids[1]?.[0]).toBeGreaterThan(15); // centroid 1 stayed with the blob at x = 20
  });

  it('mini-batch recovers the blobs and gets within 1% of Lloyd inertia', () => {
    const { x, truth } = makeBlobs(CENTRES, 500, 1, createRng(12));
    const lloyd = trainKmeans(x, { k: 4 }, createRng(13));
    const mini = trainKmeans(x, { k: 4, miniBatch: { batchSize: 100, iterations: 100 } }, createRng(13));
    expect(mini.algorithm).toBe('mini-batch');
    expect(mini.iterations).toBe(100);
    expect(samePartition(predictKmeans(mini, x), truth)).toBe(true);
    expect(mini.inertia).toBeLessThan(lloyd.inertia * 1.01);
  });

  it('follows scikit-learn: the tolerance is relative to the mean column variance', () => {
    const x = matrixFromRows([
      [0, 0],
      [2, 4],
    ]);
    // Column variances 1 and 4: mean 2.5.
    expect(toleranceFor(x, 1e-4)).toBeCloseTo(2.5e-4, 15);
    expect(toleranceFor(x, 0)).toBe(0);
  });

  it('refuses invalid parameters and mismatched shapes', () => {
    const x = makeUniform(10, 2, createRng(1));
    const rng = createRng(1);
    expect(() => trainKmeans(x, { k: 11 }, rng)).toThrow(/exceeds/);
    expect(() => trainKmeans(x, { k: 0 }, rng)).toThrow(RangeError);
    expect(() => trainKmeans(x, { k: 2, restarts: 0 }, rng)).toThrow(RangeError);
    expect(() => trainKmeans(x, { k: 2, tolerance: -1 }, rng)).toThrow(RangeError);
    expect(() => trainKmeans(x, { k: 2, init: { centroids: [[0, 0]] } }, rng)).toThrow(/initial centroids/);
    expect(() => trainKmeans(x, { k: 2, miniBatch: { batchSize: 0, iterations: 1 } }, rng)).toThrow(RangeError);
    const state = trainKmeans(x, { k: 2 }, rng);
    expect(() => predictKmeans(state, matrixFromRows([[1, 2, 3]]))).toThrow(RangeError);
    expect(parseKmeansState({ ...state, centroids: [[1, 2]] }).ok).toBe(false);
    expect(parseKmeansState({ ...state, dimensions: 3 }).ok).toBe(false);
    expect(parseKmeansState({ ...state, format: 'kmeans@2' }).ok).toBe(false);
  });
});

describe('initKmeansPlusPlus', () => {
  it('picks rows of x, one per well-separated blob', () => {
    const { x, truth } = blobs(4);
    const seeds = initKmeansPlusPlus(x, 4, createRng(5));
    const rows = matrixToRows(x);
    const picked = matrixToRows({ rows: 4, cols: 3, data: seeds }).map((seed) => rows.findIndex((r) => r.every((v, j) => v === seed[j])));
    expect(picked.every((i) => i >= 0)).toBe(true);
    expect(new Set(picked.map((i) => truth[i])).size).toBe(4);
  });

  it('copes with fewer distinct points than k', () => {
    const x = matrixFromRows([[1], [1], [1], [2]]);
    const state = trainKmeans(x, { k: 3 }, createRng(1));
    expect(state.inertia).toBe(0);
    expect(state.clusterSizes.reduce((a, b) => a + b, 0)).toBe(4);
  });
});
