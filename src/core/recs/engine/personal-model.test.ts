import { describe, expect, it } from 'vitest';
import { createRng } from '../../shared/rng.js';
import { easeScores, fitEase } from '../ease.js';
import { fitAls } from '../implicit-als.js';
import { buildInteractions } from '../interactions.js';
import type { PersonalModel } from './personal-model.js';
import { alsBase, personalFromJson, personalScores, personalToJson } from './personal-model.js';

function matrix(nUsers: number, nItems: number, seed: number) {
  const rng = createRng(seed);
  const users: number[] = [];
  const items: number[] = [];
  for (let u = 0; u < nUsers; u++) for (let i = 0; i < nItems; i++) if (rng.next() < 0.3) (users.push(u), items.push(i));
  return buildInteractions(nUsers, nItems, users, items);
}

describe('the personal model, served exactly', () => {
  it('EASE scores a history as the sum of its rows, exactly as the trained model', () => {
    const x = matrix(40, 12, 1);
    const ease = fitEase(x, 5);
    const model: PersonalModel = { kind: 'ease', nItems: 12, items: Int32Array.from({ length: 12 }, (_, i) => i), weights: ease.weights };
    const out = new Float64Array(12);
    expect(personalScores(model, [1, 4, 7], out)).toBe(true);
    expect(Array.from(out)).toEqual(Array.from(easeScores(ease, [1, 4, 7])));
  });

  it('ALS folds a person in by solving the implicit-ALS user equation exactly', () => {
    const x = matrix(60, 15, 2);
    const f = 6;
    const alpha = 5;
    const lambda = 2;
    const als = fitAls(x, createRng(3), { factors: f, alpha, lambda, sweeps: 10 });
    const model: PersonalModel = { kind: 'als', nItems: 15, items: Int32Array.from({ length: 15 }, (_, i) => i), factors: f, itemFactors: als.itemFactors, base: alsBase(als.itemFactors, 15, f, lambda), alpha };
    const history = [0, 3, 9];
    const scores = new Float64Array(15);
    personalScores(model, history, scores);
    // Recover x from the scores of f independent items and check (YᵀY + λI + α Σ y_i y_iᵀ) x = (1 + α) Σ y_i.
    const y = als.itemFactors;
    const solve = (rows: number[]): number[] => {
      const a = rows.map((r) => Array.from(y.subarray(r * f, r * f + f)));
      const b = rows.map((r) => scores[r] as number);
      for (let c = 0; c < f; c++) {
        let p = c;
        for (let r = c + 1; r < f; r++) if (Math.abs(a[r]?.[c] ?? 0) > Math.abs(a[p]?.[c] ?? 0)) p = r;
        [a[c], a[p]] = [a[p] as number[], a[c] as number[]];
        [b[c], b[p]] = [b[p] as number, b[c] as number];
        for (let r = c + 1; r < f; r++) {
          const m = (a[r]?.[c] ?? 0) / (a[c]?.[c] ?? 1);
          for (let k = c; k < f; k++) (a[r] as number[])[k] = (a[r]?.[k] ?? 0) - m * (a[c]?.[k] ?? 0);
          b[r] = (b[r] ?? 0) - m * (b[c] ?? 0);
        }
      }
      const sol = new Array<number>(f).fill(0);
      for (let r = f - 1; r >= 0; r--) {
        let s = b[r] ?? 0;
        for (let k = r + 1; k < f; k++) s -= (a[r]?.[k] ?? 0) * (sol[k] ?? 0);
        sol[r] = s / (a[r]?.[r] ?? 1);
      }
      return sol;
    };
    const xu = solve([1, 2, 4, 5, 6, 7]);
    for (let p = 0; p < f; p++) {
      let lhs = lambda * (xu[p] ?? 0);
      for (let i = 0; i < 15; i++) {
        const yi = y.subarray(i * f, i * f + f);
        const d = yi.reduce((s, v, q) => s + v * (xu[q] ?? 0), 0);
        lhs += (yi[p] as number) * d * (history.includes(i) ? 1 + alpha : 1);
      }
      const rhs = history.reduce((s, i) => s + (1 + alpha) * (y[i * f + p] as number), 0);
      expect(lhs).toBeCloseTo(rhs, 8);
    }
  });

  it('reads back from JSON bit for bit, and refuses an inconsistent document', () => {
    const x = matrix(30, 8, 4);
    const model: PersonalModel = { kind: 'ease', nItems: 8, items: Int32Array.from([0, 2, 3, 5, 6, 7, 8, 9]), weights: fitEase(x, 3).weights };
    const back = personalFromJson(JSON.parse(JSON.stringify(personalToJson(model))), 10);
    expect(back).toEqual(model);
    expect(personalFromJson(JSON.parse(JSON.stringify(personalToJson(model))), 9)).toBeNull();
  });
});
