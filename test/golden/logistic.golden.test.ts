import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { calibrate, fitIsotonic, fitPlatt } from '../../src/core/models/calibration/calibrate.js';
import { fitLogisticRegression, parseLogisticModel, predictLogistic } from '../../src/core/models/linear/logistic-regression.js';
import { matrixFromRows } from '../../src/core/models/matrix.js';

/** scikit-learn's answers on the same data (scripts/gen-golden-logistic.py). */
interface Golden {
  readonly X: number[][];
  readonly y: number[];
  readonly logistic: { readonly C: number; readonly intercept: number; readonly coefficients: number[] }[];
  readonly scores: number[];
  readonly platt: { readonly A: number; readonly B: number };
  readonly isotonic: { readonly probe: number[]; readonly predicted: number[] };
}

const golden = JSON.parse(readFileSync(new URL('./logistic.cases.json', import.meta.url), 'utf8')) as Golden;
const x = matrixFromRows(golden.X);

describe('logistic regression against scikit-learn (same data, same penalty)', () => {
  for (const c of golden.logistic) {
    it(`C = ${c.C}: the same coefficients to 1e-7`, () => {
      const model = fitLogisticRegression(x, golden.y, { l2: 1 / c.C });
      expect(model.converged).toBe(true);
      expect(model.intercept).toBeCloseTo(c.intercept, 7);
      model.coefficients.forEach((w, j) => expect(w).toBeCloseTo(c.coefficients[j] ?? Number.NaN, 7));
    });
  }

  it('serializes to JSON and predicts bit-identically after parsing', () => {
    const model = fitLogisticRegression(x, golden.y);
    const parsed = parseLogisticModel(JSON.parse(JSON.stringify(model)));
    if (!parsed.ok) throw new Error(parsed.error);
    expect(predictLogistic(parsed.value, x)).toEqual(predictLogistic(model, x));
  });

  it('stays finite on perfectly separable data (the penalty bounds it)', () => {
    const separable = matrixFromRows([[-2], [-1], [1], [2]]);
    const model = fitLogisticRegression(separable, [0, 0, 1, 1], { l2: 0.01 });
    expect(model.converged).toBe(true);
    expect(Number.isFinite(model.coefficients[0])).toBe(true);
    expect(model.coefficients[0]).toBeGreaterThan(3);
  });
});

describe('calibration against scikit-learn', () => {
  it("Platt scaling finds scikit-learn's A and B (p = 1 / (1 + exp(A·s + B)))", () => {
    const platt = fitPlatt(golden.scores, golden.y);
    if (platt.method !== 'platt') throw new Error('not platt');
    expect(-platt.a).toBeCloseTo(golden.platt.A, 4);
    expect(-platt.b).toBeCloseTo(golden.platt.B, 4);
  });

  it('isotonic regression predicts as IsotonicRegression(out_of_bounds="clip")', () => {
    const iso = fitIsotonic(golden.scores, golden.y);
    golden.isotonic.probe.forEach((s, i) => expect(calibrate(iso, s)).toBeCloseTo(golden.isotonic.predicted[i] ?? Number.NaN, 10));
  });

  it('isotonic output never decreases with the score', () => {
    const iso = fitIsotonic(golden.scores, golden.y);
    const probes = [...golden.scores].sort((a, b) => a - b);
    for (let i = 1; i < probes.length; i++) expect(calibrate(iso, probes[i] ?? 0)).toBeGreaterThanOrEqual(calibrate(iso, probes[i - 1] ?? 0));
  });
});
