import { describe, expect, it } from 'vitest';
import { buildInteractions, topK, userItems } from './interactions.js';
import { fitPopularity, recommendPopular } from './popularity.js';
import { evaluateOnSplit, parseRatingsTsv, prepareSplit } from './protocol.js';

describe('interactions and top-k', () => {
  it('builds a binary CSR matrix (duplicates collapse, rows ascending)', () => {
    const x = buildInteractions(2, 4, [1, 0, 1, 1], [3, 2, 0, 3]);
    expect(Array.from(userItems(x, 0))).toEqual([2]);
    expect(Array.from(userItems(x, 1))).toEqual([0, 3]);
    expect(() => buildInteractions(1, 1, [0], [1])).toThrow(RangeError);
  });

  it('breaks ties by ascending index and honours exclusions', () => {
    const s = Float64Array.from([1, 2, 2, 0, 2]);
    expect(topK(s, 2)).toEqual([1, 2]);
    expect(topK(s, 3, [1])).toEqual([2, 4, 0]);
    expect(topK(s, 10, [0, 2])).toEqual([1, 4, 3]);
  });
});

describe('most-popular recommender', () => {
  it('ranks by training count, ties by ascending item, without seen items', () => {
    const x = buildInteractions(3, 4, [0, 0, 1, 2, 2], [0, 1, 1, 2, 3]);
    const model = fitPopularity(x);
    expect(Array.from(model.counts)).toEqual([1, 2, 1, 1]);
    expect(recommendPopular(model, x, 2, 2)).toEqual([1, 0]);
    expect(recommendPopular(model, x, 0, 5)).toEqual([2, 3]);
  });

  it('evaluates a tiny split with the protocol (test-only items stay relevant)', () => {
    const train = parseRatingsTsv('10\t100\t5\t1\n10\t200\t3\t2\n20\t200\t4\t3\n30\t300\t1\t4\n');
    const test = parseRatingsTsv('20\t100\t5\t9\n20\t999\t4\t9\n30\t200\t2\t9\n');
    const split = prepareSplit(train, test);
    expect(split.itemIds).toEqual([100, 200, 300]);
    const model = fitPopularity(split.train);
    const report = evaluateOnSplit(split, (u, k) => recommendPopular(model, split.train, u, k), 1);
    // User 20: top 1 = item 100 (count 1, ties 100 < 300), relevant {100, 999}; user 30: item 200, relevant.
    expect(report.users).toBe(2);
    expect(report.precision).toBeCloseTo(1, 15);
    expect(report.recall).toBeCloseTo((1 / 2 + 1) / 2, 15);
  });
});
