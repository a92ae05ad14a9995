import { describe, expect, it } from 'vitest';
import { createRng } from '../../shared/rng.js';
import { makeBlobs, samePartition } from '../../../../test/models/blobs.js';
import { matrixFromRows, selectRows } from '../matrix.js';
import { cutTree, wardLinkage, WARD_MAX_ROWS } from './ward.js';
import { createMatrix } from '../matrix.js';

/** scipy 1.10.1: linkage([[0,0],[0,1],[4,0],[4,1],[10,10],[1,0.5]], 'ward'). */
const SCIPY_SMALL = [
  [0, 1, 1, 2],
  [2, 3, 1, 2],
  [5, 6, 1.1547005383792517, 3],
  [7, 8, 5.680375574437545, 5],
  [4, 9, 16.20133739335532, 6],
];

describe('wardLinkage', () => {
  const small = matrixFromRows([
    [0, 0],
    [0, 1],
    [4, 0],
    [4, 1],
    [10, 10],
    [1, 0.5],
  ]);

  it("reproduces scipy's linkage matrix on a small example", () => {
    const dendrogram = wardLinkage(small);
    expect(dendrogram.leaves).toBe(6);
    expect(dendrogram.merges.length).toBe(5);
    dendrogram.merges.forEach((merge, r) => {
      const expected = SCIPY_SMALL[r] ?? [];
      expect(merge[0]).toBe(expected[0]);
      expect(merge[1]).toBe(expected[1]);
      expect(merge[2]).toBeCloseTo(expected[2] ?? Number.NaN, 14);
      expect(merge[3]).toBe(expected[3]);
    });
  });

  it('cuts the tree like scipy cut_tree (labels by first leaf)', () => {
    const dendrogram = wardLinkage(small);
    expect(Array.from(cutTree(dendrogram, 3))).toEqual([0, 0, 1, 1, 2, 0]);
    expect(Array.from(cutTree(dendrogram, 1))).toEqual([0, 0, 0, 0, 0, 0]);
    expect(Array.from(cutTree(dendrogram, 6))).toEqual([0, 1, 2, 3, 4, 5]);
    expect(() => cutTree(dendrogram, 7)).toThrow(RangeError);
  });

  it('has non-decreasing heights and recovers blobs when cut', () => {
    const { x, truth } = makeBlobs(
      [
        [0, 0],
        [10, 0],
        [0, 10],
      ],
      40,
      1,
      createRng(1),
    );
    const dendrogram = wardLinkage(x);
    dendrogram.merges.forEach((merge, r) => expect(merge[2]).toBeGreaterThanOrEqual(dendrogram.merges[r - 1]?.[2] ?? 0));
    expect(dendrogram.merges.at(-1)?.[3]).toBe(120);
    expect(samePartition(cutTree(dendrogram, 3), truth)).toBe(true);
  });

  it('on weighted centroids equals Ward on the points they stand for', () => {
    // Centroid A stands for 2 identical points, B for 3, C for 1: the points' tree first merges the
    // duplicates at height 0, then has the same top merges as the weighted centroids.
    const centroids = matrixFromRows([[0, 0], [3, 1], [7, 5]]);
    const points = selectRows(centroids, [0, 0, 1, 1, 1, 2]);
    const weighted = wardLinkage(centroids, { weights: [2, 3, 1] });
    const expanded = wardLinkage(points);
    const top = expanded.merges.slice(-2);
    expect(expanded.merges.slice(0, 3).map((m) => m[2])).toEqual([0, 0, 0]);
    weighted.merges.forEach((merge, r) => {
      expect(merge[2]).toBeCloseTo(top[r]?.[2] ?? Number.NaN, 12);
      expect(merge[3]).toBe(top[r]?.[3]);
    });
  });

  it('handles one row, and refuses bad weights and too many rows', () => {
    expect(wardLinkage(matrixFromRows([[1, 2]])).merges).toEqual([]);
    expect(() => wardLinkage(small, { weights: [1, 2] })).toThrow(RangeError);
    expect(() => wardLinkage(small, { weights: [1, 1, 1, 1, 1, 0] })).toThrow(RangeError);
    expect(() => wardLinkage(createMatrix(WARD_MAX_ROWS + 1, 1))).toThrow(/WARD_MAX_ROWS/);
    expect(() => wardLinkage(createMatrix(0, 1))).toThrow(RangeError);
  });
});
