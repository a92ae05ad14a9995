import { describe, expect, it } from 'vitest';
import { makeBlobs, makeUniform } from '../../../../test/models/blobs.js';
import { createRng } from '../../shared/rng.js';
import type { Matrix } from '../matrix.js';
import { matrixFromRows } from '../matrix.js';
import { initKmeansPlusPlus } from './init-kmeans-plus-plus.js';
import { runElkan } from './run-elkan.js';
import { runHamerly } from './run-hamerly.js';
import { runLloyd } from './run-lloyd.js';
import { toleranceFor } from './train-kmeans.js';

type AcceleratedLloyd = typeof runHamerly;

/** Both exact accelerations must give plain Lloyd's run bit for bit; one suite checks each. */
describe.each([
  ['runHamerly', runHamerly],
  ['runElkan', runElkan],
] as [string, AcceleratedLloyd][])('%s equals plain Lloyd', (_name, runFast) => {
  function expectSameRun(x: Matrix, init: Float64Array, k: number, tolerance: number, maxIterations = 300): void {
    const options = { maxIterations, shiftTolerance: toleranceFor(x, tolerance) };
    const plain = runLloyd(x, init, k, options);
    const fast = runFast(x, init, k, options);
    expect(fast.iterations).toBe(plain.iterations);
    expect(fast.converged).toBe(plain.converged);
    expect(Array.from(fast.labels)).toEqual(Array.from(plain.labels));
    expect(Math.abs(fast.inertia - plain.inertia)).toBeLessThanOrEqual(1e-9 * Math.max(plain.inertia, Number.MIN_VALUE));
    // Same summation order throughout, so in fact bit for bit:
    expect(fast.inertia).toBe(plain.inertia);
    expect(Array.from(fast.centroids)).toEqual(Array.from(plain.centroids));
    expect(Array.from(fast.counts)).toEqual(Array.from(plain.counts));
  }

  function blobCentres(count: number, dim: number, rng: ReturnType<typeof createRng>): number[][] {
    return Array.from({ length: count }, () => Array.from({ length: dim }, () => 20 * rng.next()));
  }

  describe('on every kind of data', () => {
    const ks = [2, 3, 5, 8, 13, 20];

    it.each(ks)('uniform data, k = %i, k-means++ starts, tolerance 1e-4 and 0', (k) => {
      const x = makeUniform(1500, 4, createRng(100 + k));
      const rng = createRng(200 + k);
      for (const tolerance of [1e-4, 0]) expectSameRun(x, initKmeansPlusPlus(x, k, rng), k, tolerance);
    });

    it.each(ks)('gaussian blobs, k = %i, k-means++ starts', (k) => {
      const rng = createRng(300 + k);
      const { x } = makeBlobs(blobCentres(6, 5, rng), 200, 1.5, rng);
      for (let restart = 0; restart < 3; restart++) expectSameRun(x, initKmeansPlusPlus(x, k, rng), k, 1e-4);
    });

    it('high-dimensional uniform data and few iterations (stops at maxIterations)', () => {
      const x = makeUniform(800, 40, createRng(7));
      const rng = createRng(8);
      expectSameRun(x, initKmeansPlusPlus(x, 10, rng), 10, 0, 4);
      expectSameRun(x, initKmeansPlusPlus(x, 10, rng), 10, 0);
    });

    it('re-seeds empty clusters exactly as plain Lloyd (bad starts far from the data)', () => {
      for (const seed of [1, 2, 3]) {
        const rng = createRng(seed);
        const { x } = makeBlobs(blobCentres(4, 3, rng), 150, 1, rng);
        const k = 9;
        // Four starts on data rows, the rest far away: those clusters are empty after the first pass.
        const rows = Array.from({ length: k }, (_, c) => (c < 4 ? Array.from(x.data.subarray(c * 150 * 3, c * 150 * 3 + 3)) : [1000 + c, -1000, 500 * c]));
        expectSameRun(x, matrixFromRows(rows).data, k, 1e-4);
        expectSameRun(x, matrixFromRows(rows).data, k, 0);
      }
    });

    it('duplicate points, duplicate starts and exact ties are broken as plain Lloyd breaks them', () => {
      const x = matrixFromRows([[0, 0], [0, 0], [1, 0], [0, 1], [1, 1], [1, 1], [2, 2], [2, 2], [0.5, 0.5], [1.5, 1.5]]);
      expectSameRun(x, matrixFromRows([[0, 0], [0, 0], [2, 2], [1, 1]]).data, 4, 0);
      expectSameRun(x, matrixFromRows([[0.5, 0.5], [1.5, 1.5], [0.5, 0.5]]).data, 3, 0);
      const grid = matrixFromRows(Array.from({ length: 64 }, (_, i) => [i % 8, Math.floor(i / 8)]));
      expectSameRun(grid, matrixFromRows([[0, 0], [7, 0], [0, 7], [7, 7], [3.5, 3.5]]).data, 5, 0);
      expectSameRun(grid, matrixFromRows([[1, 1], [2, 1]]).data, 2, 0);
    });

    it('k = 1 and k = rows', () => {
      const x = makeUniform(30, 3, createRng(9));
      expectSameRun(x, initKmeansPlusPlus(x, 1, createRng(10)), 1, 0);
      expectSameRun(x, initKmeansPlusPlus(x, 30, createRng(11)), 30, 0);
    });
  });
});
