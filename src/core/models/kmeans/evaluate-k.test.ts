import { describe, expect, it } from 'vitest';
import { makeBlobs, samePartition } from '../../../../test/models/blobs.js';
import { createRng } from '../../shared/rng.js';
import { condensedEuclidean } from '../kernels/condensed-distances.js';
import { meanSilhouette } from '../kernels/silhouette.js';
import { matrixFromRows } from '../matrix.js';
import { chooseKBySilhouette, evaluateK } from './evaluate-k.js';
import { predictKmeans } from './predict-kmeans.js';

function silhouetteOf(rows: number[][], labels: number[], k: number): number {
  const x = matrixFromRows(rows);
  const distances = new Float64Array((x.rows * (x.rows - 1)) / 2);
  condensedEuclidean(x.data, x.rows, x.cols, distances);
  return meanSilhouette(distances, x.rows, Int32Array.from(labels), k, new Float64Array(x.rows * k), new Float64Array(k));
}

describe('meanSilhouette', () => {
  it('matches scikit-learn silhouette_score on small cases (values from sklearn 1.2.1)', () => {
    expect(silhouetteOf([[0], [1], [10], [11], [30]], [0, 0, 1, 1, 2], 3)).toBeCloseTo(0.7197994987468672, 12);
    expect(
      silhouetteOf(
        [
          [0, 0],
          [1, 0],
          [10, 1],
          [11, 3],
          [30, 2],
          [31, 0],
        ],
        [0, 0, 1, 1, 2, 0],
        3,
      ),
    ).toBeCloseTo(0.007655899002953104, 12);
  });

  it('is NaN with a single non-empty cluster', () => {
    expect(silhouetteOf([[0], [1]], [0, 0], 2)).toBeNaN();
  });
});

describe('evaluateK', () => {
  const centres = [
    [0, 0],
    [12, 0],
    [0, 12],
    [12, 12],
    [30, 30],
  ];

  it('chooses the true number of well-separated blobs by silhouette, with the evidence table', () => {
    const { x, truth } = makeBlobs(centres, 80, 1, createRng(1));
    const choice = evaluateK(x, { kMin: 2, kMax: 8, restarts: 2, sampleSize: 150 }, createRng(2));
    expect(choice.chosenK).toBe(5);
    expect(choice.sampleSize).toBe(150);
    expect(choice.rule).toMatch(/silhouette/);
    expect(choice.evidence.map((e) => e.k)).toEqual([2, 3, 4, 5, 6, 7, 8]);
    const best = choice.evidence.find((e) => e.k === 5);
    for (const e of choice.evidence) {
      expect(e.silhouette).toBeGreaterThanOrEqual(-1);
      expect(e.silhouette).toBeLessThanOrEqual(best?.silhouette ?? -Infinity);
    }
    expect(choice.model.k).toBe(5);
    expect(samePartition(predictKmeans(choice.model, x), truth)).toBe(true);
    // Inertia falls with k on this data; the elbow scores are reported for each k.
    const inertias = choice.evidence.map((e) => e.inertia);
    expect(inertias).toEqual([...inertias].sort((a, b) => b - a));
    expect(choice.evidence.every((e) => Number.isFinite(e.elbowScore))).toBe(true);
    expect(choice.evidence.map((e) => e.k)).toContain(choice.elbowK);
  });

  it('is reproducible for a seed', () => {
    const { x } = makeBlobs(centres, 30, 2, createRng(3));
    const a = evaluateK(x, { kMin: 2, kMax: 6, sampleSize: 100 }, createRng(4));
    const b = evaluateK(x, { kMin: 2, kMax: 6, sampleSize: 100 }, createRng(4));
    expect(b).toEqual(a);
  });

  it('gives ties (within the tolerance) to the smaller k, and never picks an undefined silhouette', () => {
    expect(chooseKBySilhouette([{ k: 2, silhouette: 0.5 }, { k: 3, silhouette: 0.5 }, { k: 4, silhouette: 0.4 }])).toBe(2);
    expect(chooseKBySilhouette([{ k: 2, silhouette: 0.5 }, { k: 3, silhouette: 0.5 + 1e-12 }])).toBe(2);
    expect(chooseKBySilhouette([{ k: 2, silhouette: 0.5 }, { k: 3, silhouette: 0.5 + 1e-6 }])).toBe(3);
    expect(chooseKBySilhouette([{ k: 2, silhouette: Number.NaN }, { k: 3, silhouette: 0.1 }, { k: 4, silhouette: Number.NaN }])).toBe(3);
    expect(() => chooseKBySilhouette([])).toThrow(RangeError);
    // In evaluateK: two duplicate pairs are two clusters (silhouette 1); k = 3 must split a pair.
    const choice = evaluateK(matrixFromRows([[0], [0], [10], [10]]), { kMin: 2, kMax: 3, sampleSize: 4 }, createRng(1));
    expect(choice.evidence[0]?.silhouette).toBe(1);
    expect(choice.chosenK).toBe(2);
  });

  it('refuses a range it cannot evaluate', () => {
    const x = matrixFromRows([[0], [1], [2]]);
    expect(() => evaluateK(x, { kMin: 1, kMax: 2 }, createRng(1))).toThrow(RangeError);
    expect(() => evaluateK(x, { kMin: 3, kMax: 2 }, createRng(1))).toThrow(RangeError);
    expect(() => evaluateK(x, { kMin: 2, kMax: 4 }, createRng(1))).toThrow(RangeError);
  });
});
