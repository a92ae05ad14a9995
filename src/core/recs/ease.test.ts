import { describe, expect, it } from 'vitest';
import { createRng } from '../shared/rng.js';
import { easeScores, fitEase, gramMatrix, invertSpd, recommendEase, selectEaseLambda } from './ease.js';
import { buildInteractions } from './interactions.js';

// Users {0,1}, {1,2}, {0,1,2}: XᵀX = [[2,2,1],[2,3,2],[1,2,2]]; with λ = 1, G = [[3,2,1],[2,4,2],[1,2,3]],
// det 16, P = G⁻¹ = [[1/2,-1/4,0],[-1/4,1/2,-1/4],[0,-1/4,1/2]] (cofactors by hand), so
// B = −P·diag(1/diag P) with zero diagonal = [[0,1/2,0],[1/2,0,1/2],[0,1/2,0]].
const x = buildInteractions(3, 3, [0, 0, 1, 1, 2, 2, 2], [0, 1, 1, 2, 0, 1, 2]);

describe('EASE', () => {
  it('builds the Gram matrix', () => {
    expect(Array.from(gramMatrix(x))).toEqual([2, 2, 1, 2, 3, 2, 1, 2, 2]);
  });

  it('matches the hand-computed 3-item solution', () => {
    const model = fitEase(x, 1);
    const expected = [0, 0.5, 0, 0.5, 0, 0.5, 0, 0.5, 0];
    Array.from(model.weights).forEach((v, i) => expect(v).toBeCloseTo(expected[i] ?? Number.NaN, 12));
    expect(Array.from(easeScores(model, [0, 1]))).toEqual([0.5, 0.5, 0.5].map((v) => expect.closeTo(v, 12)));
    expect(recommendEase(model, x, 0, 5)).toEqual([2]);
  });

  it.each([1, 2, 5, 36, 37])('inverts a random SPD matrix of size %i (G·G⁻¹ = I)', (n) => {
    const rng = createRng(7);
    const a = Float64Array.from({ length: n * n }, () => rng.next() - 0.5);
    const g = new Float64Array(n * n);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        let s = i === j ? 0.5 : 0;
        for (let t = 0; t < n; t++) s += (a[t * n + i] ?? 0) * (a[t * n + j] ?? 0);
        g[i * n + j] = s;
      }
    const p = invertSpd(g, n);
    let worst = 0;
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let t = 0; t < n; t++) s += (g[i * n + t] ?? 0) * (p[t * n + j] ?? 0);
        worst = Math.max(worst, Math.abs(s - (i === j ? 1 : 0)));
      }
    expect(worst).toBeLessThan(1e-9);
  });

  it('rejects a matrix that is not positive definite, and λ ≤ 0', () => {
    expect(() => invertSpd(Float64Array.from([1, 2, 2, 1]), 2)).toThrow(/positive definite/);
    expect(() => fitEase(x, 0)).toThrow(RangeError);
  });

  it('selects λ on a seeded training hold-out, deterministically', () => {
    const rng = createRng(1);
    const users: number[] = [];
    const items: number[] = [];
    for (let u = 0; u < 60; u++) {
      for (let i = 0; i < 12; i++) {
        if (rng.next() < (i % 3 === u % 3 ? 0.8 : 0.15)) {
          users.push(u);
          items.push(i);
        }
      }
    }
    const big = buildInteractions(60, 12, users, items);
    const a = selectEaseLambda(big, [0.1, 10, 1000], createRng(5), { k: 3 });
    const b = selectEaseLambda(big, [0.1, 10, 1000], createRng(5), { k: 3 });
    expect(a).toEqual(b);
    expect([0.1, 10, 1000]).toContain(a.lambda);
    expect(a.scores.map((s) => s.lambda)).toEqual([0.1, 10, 1000]);
    for (const s of a.scores) expect(s.ndcg).toBeGreaterThan(0);
  });
});
