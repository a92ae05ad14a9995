import { describe, expect, it } from 'vitest';
import { createRng } from '../../shared/rng.js';
import { cholesky, choleskySolve, invert, matVec, scaledIdentity, shermanMorrisonUpdate, standardNormal } from './linalg.js';

describe('linalg', () => {
  it('keeps A⁻¹ equal to the direct inverse through many Sherman-Morrison updates', () => {
    const d = 6;
    const lambda = 0.7;
    const rng = createRng(3);
    const a = scaledIdentity(d, lambda);
    const inv = scaledIdentity(d, 1 / lambda);
    for (let t = 0; t < 500; t++) {
      const x = Array.from({ length: d }, () => standardNormal(rng));
      for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) a[i * d + j] = (a[i * d + j] ?? 0) + (x[i] ?? 0) * (x[j] ?? 0);
      shermanMorrisonUpdate(inv, x, d);
    }
    const direct = invert(a, d);
    const scale = Math.max(...direct.map(Math.abs));
    for (let i = 0; i < d * d; i++) expect(Math.abs((inv[i] ?? 0) - (direct[i] ?? 0)) / scale).toBeLessThan(1e-10);
    // and it really is the inverse: A·A⁻¹ = I
    for (let c = 0; c < d; c++) {
      const col = Array.from({ length: d }, (_, r) => inv[r * d + c] ?? 0);
      const e = matVec(a, col, d);
      for (let r = 0; r < d; r++) expect(e[r]).toBeCloseTo(r === c ? 1 : 0, 9);
    }
  });

  it('factors and solves a symmetric positive definite system by Cholesky', () => {
    const m = [4, 2, 0.4, 2, 5, 1, 0.4, 1, 3];
    const l = cholesky(m, 3);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        let s = 0;
        for (let k = 0; k < 3; k++) s += (l[i * 3 + k] ?? 0) * (l[j * 3 + k] ?? 0);
        expect(s).toBeCloseTo(m[i * 3 + j] ?? 0, 12);
      }
    }
    const y = choleskySolve(l, [1, 2, 3], 3);
    const back = matVec(m, y, 3);
    expect(Array.from(back).map((v) => Number(v.toFixed(10)))).toEqual([1, 2, 3]);
  });

  it('draws standard normals', () => {
    const rng = createRng(11);
    const n = 50_000;
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const z = standardNormal(rng);
      s += z;
      s2 += z * z;
    }
    expect(Math.abs(s / n)).toBeLessThan(0.02);
    expect(Math.abs(s2 / n - 1)).toBeLessThan(0.03);
  });
});
