import { describe, expect, it } from 'vitest';
import { createMatrix } from '../matrix.js';
import { createRng } from '../../shared/rng.js';
import { evaluateUplift } from './evaluate-uplift.js';
import { fitTwoModel, fitXLearner } from './uplift-models.js';

/**
 * A randomized test with a known heterogeneous effect: base rate 0.1 + 0.05·x2; the treatment adds
 * 0.25 where x0 = 1 and nothing where x0 = 0 (x1, x2 are noise / base-rate features).
 */
function synthetic(n: number, seed: number): { x: ReturnType<typeof createMatrix>; treatment: Float64Array; y: Float64Array; effect: Float64Array } {
  const rng = createRng(seed);
  const x = createMatrix(n, 3);
  const treatment = new Float64Array(n);
  const y = new Float64Array(n);
  const effect = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const x0 = rng.next() < 0.4 ? 1 : 0;
    const x1 = rng.next();
    const x2 = rng.next() < 0.5 ? 1 : 0;
    x.data.set([x0, x1, x2], i * 3);
    treatment[i] = rng.next() < 0.5 ? 1 : 0;
    effect[i] = x0 === 1 ? 0.25 : 0;
    const p = 0.1 + 0.05 * x2 + (treatment[i] === 1 ? (effect[i] as number) : 0);
    y[i] = rng.next() < p ? 1 : 0;
  }
  return { x, treatment, y, effect };
}

function meanWhere(values: Float64Array, mask: Float64Array, want: number): number {
  let s = 0;
  let c = 0;
  values.forEach((v, i) => {
    if (mask[i] === want) {
      s += v;
      c++;
    }
  });
  return s / c;
}

describe('uplift models', () => {
  const data = synthetic(8000, 1);
  const x0 = Float64Array.from({ length: data.x.rows }, (_, i) => data.x.data[i * 3] as number);

  for (const [name, fit] of [
    ['two-model logistic', () => fitTwoModel(data, 'logistic', createRng(2))],
    ['two-model GBDT', () => fitTwoModel(data, 'gbdt', createRng(2))],
    ['X-learner GBDT', () => fitXLearner(data, createRng(2))],
  ] as const) {
    it(`${name} recovers the effect by segment`, () => {
      const uplift = fit().predict(data.x);
      expect(meanWhere(uplift, x0, 1)).toBeGreaterThan(0.17);
      expect(meanWhere(uplift, x0, 1)).toBeLessThan(0.33);
      expect(Math.abs(meanWhere(uplift, x0, 0))).toBeLessThan(0.06);
    });
  }

  it('X-learner is reproducible with the seed and uses g = treated share', () => {
    const a = fitXLearner(data, createRng(9));
    const b = fitXLearner(data, createRng(9));
    expect(Array.from(a.predict(data.x))).toEqual(Array.from(b.predict(data.x)));
    const treated = data.treatment.reduce((s, t) => s + t, 0);
    expect(a.treatedShare).toBeCloseTo(treated / data.x.rows, 12);
    expect(Object.keys(a.trees).sort()).toEqual(['mu0', 'mu1', 'tau0', 'tau1']);
  });

  it('refuses data without both arms', () => {
    expect(() => fitTwoModel({ ...data, treatment: new Float64Array(data.x.rows).fill(1) }, 'gbdt', createRng(1))).toThrow(/both treated and control/);
  });
});

describe('evaluateUplift', () => {
  it('models beat random clearly on held-out halves; random stays near 0; the rule (x0 first) is the true ranking', () => {
    const data = synthetic(6000, 4);
    const rule = Float64Array.from({ length: data.x.rows }, (_, i) => data.x.data[i * 3] as number);
    const report = evaluateUplift({ ...data, ruleScore: rule, models: ['two-model-logistic', 'two-model-gbdt', 'x-learner-gbdt'], splits: 4 }, createRng(7));
    const by = new Map(report.policies.map((p) => [p.policy, p]));
    for (const rows of report.testRows) expect(Math.abs(rows - 3000)).toBeLessThanOrEqual(2); // halves, rounded per stratum
    expect(Math.abs(by.get('random')?.qini.mean ?? 1)).toBeLessThan(0.1);
    for (const model of ['two-model-logistic', 'two-model-gbdt', 'x-learner-gbdt'] as const) {
      const p = by.get(model);
      expect(p?.qini.values).toHaveLength(4);
      // The ranking by the true effect scores about 0.2 here (the perfect curve orders by realized outcomes).
      expect(p?.qini.mean, model).toBeGreaterThan(0.15);
      expect((p?.qini.mean ?? 0) - (by.get('random')?.qini.mean ?? 0), model).toBeGreaterThan(0.12);
      expect(p?.upliftAtK.mean, model).toBeGreaterThan(0.15);
    }
    expect(by.get('rule')?.qini.mean).toBeGreaterThan(0.15);
  });

  it('is reproducible with the rng seed', () => {
    const data = synthetic(2000, 5);
    const run = (): unknown => evaluateUplift({ ...data, ruleScore: null, models: ['x-learner-gbdt'], splits: 2 }, createRng(1)).policies.map((p) => p.qini.values);
    expect(run()).toEqual(run());
  });
});
