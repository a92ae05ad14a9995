import { describe, expect, it } from 'vitest';
import { catalogueCoverage, evaluateRanking, mapAtK, ndcgAtK, precisionAtK, recallAtK } from './metrics.js';

const rec = [1, 2, 3, 4, 5];
const rel = new Set([2, 5, 9]);

describe('ranking metrics (Microsoft Recommenders definitions)', () => {
  it('precision and recall at k', () => {
    expect(precisionAtK(rec, rel, 5)).toBeCloseTo(2 / 5, 15);
    expect(recallAtK(rec, rel, 5)).toBeCloseTo(2 / 3, 15);
    expect(precisionAtK(rec, rel, 3)).toBeCloseTo(1 / 3, 15);
    // Precision divides by k even when the list is shorter.
    expect(precisionAtK([2], rel, 10)).toBeCloseTo(1 / 10, 15);
  });

  it('NDCG with 1/ln(1+rank) and IDCG over min(|relevant|, k)', () => {
    const dcg = 1 / Math.log(3) + 1 / Math.log(6);
    const idcg = 1 / Math.log(2) + 1 / Math.log(3) + 1 / Math.log(4);
    expect(ndcgAtK(rec, rel, 5)).toBeCloseTo(dcg / idcg, 15);
    // k = 2: IDCG over 2 positions only.
    expect(ndcgAtK(rec, rel, 2)).toBeCloseTo(1 / Math.log(3) / (1 / Math.log(2) + 1 / Math.log(3)), 15);
    expect(ndcgAtK([9, 5, 2], rel, 3)).toBeCloseTo(1, 15);
  });

  it('MAP normalised by |relevant|, not min(k, |relevant|)', () => {
    expect(mapAtK(rec, rel, 5)).toBeCloseTo((1 / 2 + 2 / 5) / 3, 15);
    expect(mapAtK(rec, rel, 3)).toBeCloseTo(1 / 2 / 3, 15);
    expect(mapAtK([2], new Set([2, 3, 4, 5]), 1)).toBeCloseTo(1 / 4, 15);
  });

  it('averages over users present in both maps; coverage over the catalogue', () => {
    const report = evaluateRanking(
      new Map([
        [1, [1, 2, 3, 4, 5]],
        [2, [7, 8]],
        [3, [1]],
      ]),
      new Map([
        [1, rel],
        [2, new Set([8])],
        [4, new Set([1])],
      ]),
      5,
      20,
    );
    expect(report.users).toBe(2);
    expect(report.precision).toBeCloseTo((2 / 5 + 1 / 5) / 2, 15);
    expect(report.recall).toBeCloseTo((2 / 3 + 1) / 2, 15);
    expect(report.map).toBeCloseTo(((1 / 2 + 2 / 5) / 3 + 1 / 2) / 2, 15);
    expect(report.ndcg).toBeCloseTo((ndcgAtK(rec, rel, 5) + 1 / Math.log(3) / (1 / Math.log(2))) / 2, 15);
    expect(report.coverage).toBeCloseTo(7 / 20, 15);
    expect(catalogueCoverage([[1, 2], [2, 3]], 6)).toBeCloseTo(0.5, 15);
  });
});
