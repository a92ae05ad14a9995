import { describe, expect, it } from 'vitest';
import { buildInteractions } from './interactions.js';
import { fitItemSimilarity, itemSimilarityScores, itemUsers, recommendItemSimilarity, similarItems } from './item-similarity.js';

// Users {0,1,2}, {0,1}, {1,3}, {2,3}: item counts n = [2,3,2,2];
// co-occurrence C (off-diagonal): C01 = 2, C02 = 1, C03 = 0, C12 = 1, C13 = 1, C23 = 1.
// cosine: s01 = 2/√6, s02 = 1/2, s12 = 1/√6, s13 = 1/√6, s23 = 1/2.
const x = buildInteractions(4, 4, [0, 0, 0, 1, 1, 2, 2, 3, 3], [0, 1, 2, 0, 1, 1, 3, 2, 3]);
const r6 = Math.sqrt(6);

describe('item similarity', () => {
  it('transposes the matrix', () => {
    const t = itemUsers(x);
    expect(Array.from(t.colPtr)).toEqual([0, 2, 5, 7, 9]);
    expect(Array.from(t.rowIdx)).toEqual([0, 1, 0, 1, 2, 0, 3, 2, 3]);
  });

  it('computes hand-checked co-occurrence neighbours, best first, ties by index', () => {
    const m = fitItemSimilarity(x, { kind: 'cooccurrence', neighbours: 10 });
    expect(similarItems(m, 0, 10)).toEqual([
      { item: 1, score: 2 },
      { item: 2, score: 1 },
    ]);
    expect(similarItems(m, 1, 10)).toEqual([
      { item: 0, score: 2 },
      { item: 2, score: 1 },
      { item: 3, score: 1 },
    ]);
    expect(similarItems(m, 3, 10).map((s) => s.item)).toEqual([1, 2]);
    expect(similarItems(m, 1, 1)).toEqual([{ item: 0, score: 2 }]);
    expect(similarItems(m, 9, 3)).toEqual([]);
  });

  it('computes hand-checked cosine neighbours and keeps at most N per item', () => {
    const m = fitItemSimilarity(x, { kind: 'cosine', neighbours: 2 });
    expect(Array.from(m.nbrPtr)).toEqual([0, 2, 4, 6, 8]);
    const s1 = similarItems(m, 1, 5);
    expect(s1.map((s) => s.item)).toEqual([0, 2]);
    expect(s1[0]?.score).toBeCloseTo(2 / r6, 12);
    expect(s1[1]?.score).toBeCloseTo(1 / r6, 12);
    const s2 = similarItems(m, 2, 5);
    expect(s2.map((s) => s.item)).toEqual([0, 3]);
    expect(s2.map((s) => s.score)).toEqual([0.5, 0.5]);
  });

  it('scores a user by summing the similarities of the held items and excludes seen items', () => {
    const m = fitItemSimilarity(x, { kind: 'cosine', neighbours: 10 });
    // User 1 holds {0,1}: item 2 gets s02 + s12 = 1/2 + 1/√6, item 3 gets s13 = 1/√6.
    const scores = itemSimilarityScores(m, [0, 1]);
    expect(scores[2]).toBeCloseTo(0.5 + 1 / r6, 12);
    expect(scores[3]).toBeCloseTo(1 / r6, 12);
    expect(recommendItemSimilarity(m, x, 1, 5)).toEqual([2, 3]);
    expect(recommendItemSimilarity(m, x, 1, 1)).toEqual([2]);
    // A user outside the matrix: no exclusions, all scores 0, ties by index.
    expect(recommendItemSimilarity(m, x, 99, 2)).toEqual([0, 1]);
  });

  it('rejects a bad neighbour count', () => {
    expect(() => fitItemSimilarity(x, { neighbours: 0 })).toThrow(RangeError);
  });
});
