import { describe, expect, it } from 'vitest';
import { makeUniform } from '../../../../test/models/blobs.js';
import { createRng } from '../../shared/rng.js';
import { matrixToRows } from '../matrix.js';
import { initKmeansPlusPlus } from './init-kmeans-plus-plus.js';
import { ELKAN_MEMORY_CAP_BYTES, preferElkan } from './run-elkan.js';
import { runLloyd } from './run-lloyd.js';
import { toleranceFor, trainKmeans } from './train-kmeans.js';

describe('preferElkan', () => {
  it('picks Elkan only for many columns and centroids, within the memory cap', () => {
    expect(preferElkan(100_000, 10, 8)).toBe(false);
    expect(preferElkan(100_000, 10, 64)).toBe(false);
    expect(preferElkan(50_000, 40, 8)).toBe(false);
    expect(preferElkan(50_000, 40, 20)).toBe(true);
    expect(preferElkan(50_000, 64, 8)).toBe(true);
    const maxRows = Math.floor(ELKAN_MEMORY_CAP_BYTES / (8 * 20));
    expect(preferElkan(maxRows, 40, 20)).toBe(true);
    expect(preferElkan(maxRows + 1, 40, 20)).toBe(false);
  });
});

describe('trainKmeans on an Elkan-sized shape', () => {
  it('gives plain Lloyd\'s result (40 columns, k = 16)', () => {
    const x = makeUniform(600, 40, createRng(12));
    const k = 16;
    expect(preferElkan(x.rows, x.cols, k)).toBe(true);
    const init = initKmeansPlusPlus(x, k, createRng(13));
    const plain = runLloyd(x, init, k, { maxIterations: 300, shiftTolerance: toleranceFor(x, 1e-4) });
    const state = trainKmeans(x, { k, init: { centroids: matrixToRows({ rows: k, cols: x.cols, data: init }) } }, createRng(14));
    expect(state.inertia).toBe(plain.inertia);
    expect(state.iterations).toBe(plain.iterations);
    expect(state.centroids.flat()).toEqual(Array.from(plain.centroids));
  });
});
