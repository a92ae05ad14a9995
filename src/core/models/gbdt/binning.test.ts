import { describe, expect, it } from 'vitest';
import { createMatrix } from '../matrix.js';
import { binMatrix, binValue, edgesFromSorted, fitBinEdges, missingCode } from './binning.js';

describe('binning', () => {
  it('gives one bin per distinct value when they are few, cut at the midpoints', () => {
    expect(Array.from(edgesFromSorted(Float64Array.from([1, 1, 2, 4, 4, 4]), 255))).toEqual([1.5, 3]);
    expect(Array.from(edgesFromSorted(Float64Array.from([7, 7]), 255))).toEqual([]);
    expect(Array.from(edgesFromSorted(new Float64Array(0), 255))).toEqual([]);
  });

  it('cuts many distinct values into at most maxBins equal-count bins, ties kept together', () => {
    const sorted = Float64Array.from({ length: 1000 }, (_, i) => i);
    const edges = edgesFromSorted(sorted, 4);
    expect(Array.from(edges)).toEqual([249.5, 499.5, 749.5]);
    // 600 zeros then 400 distinct values: the zeros stay in one bin, edges strictly increase.
    const tied = Float64Array.from({ length: 1000 }, (_, i) => (i < 600 ? 0 : i));
    const e = edgesFromSorted(tied, 10);
    expect(e[0]).toBe(0);
    expect(e.length).toBeLessThanOrEqual(9);
    for (let j = 1; j < e.length; j++) expect(e[j]!).toBeGreaterThan(e[j - 1]!);
    const full = edgesFromSorted(Float64Array.from({ length: 5000 }, (_, i) => i * 0.37), 255);
    expect(full.length).toBe(254);
  });

  it('codes value v as the first edge it does not exceed, and NaN as the missing code', () => {
    const edges = Float64Array.from([1.5, 3]);
    expect([0, 1.5, 1.6, 3, 3.1, -Infinity, Infinity].map((v) => binValue(edges, v))).toEqual([0, 0, 1, 1, 2, 0, 2]);
    expect(binValue(edges, NaN)).toBe(missingCode(2));
    expect(missingCode(2)).toBe(3);
  });

  it('bins a row-major matrix into column-major codes, ignoring NaN when fitting', () => {
    const x = createMatrix(4, 2, Float64Array.from([1, 10, 2, NaN, 3, 30, NaN, 10]));
    const bins = fitBinEdges(x, 255);
    expect(bins.edges.map((e) => Array.from(e))).toEqual([[1.5, 2.5], [20]]);
    const binned = binMatrix(bins, x);
    expect(Array.from(binned.codes)).toEqual([0, 1, 2, 3, 0, 2, 1, 0]);
    expect(() => fitBinEdges(x, 256)).toThrow(RangeError);
  });
});
