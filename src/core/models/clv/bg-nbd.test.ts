import { describe, expect, it } from 'vitest';
import { createRng } from '../../shared/rng.js';
import type { BgNbdParams } from './bg-nbd.js';
import {
  bgNbdConditionalExpectedPurchases,
  bgNbdExpectedPurchases,
  bgNbdLogLikelihood,
  bgNbdLogLikelihoodOne,
  bgNbdProbabilityAlive,
  fitBgNbd,
} from './bg-nbd.js';
import { simulateCustomers } from './simulate.js';

const PAPER: BgNbdParams = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
const rel = (got: number, want: number): number => Math.abs(got - want) / Math.abs(want);

describe('BG/NBD likelihood', () => {
  it('equals hand-computed values for one customer', () => {
    // r = α = a = b = 1, x = 1, t_x = 1, T = 2:
    // L = Γ(2)/Γ(1) · [B(1,2)/B(1,1) · 3^-2 + B(2,1)/B(1,1) · 2^-2] = 1/18 + 1/8 = 13/72
    const ones = { r: 1, alpha: 1, a: 1, b: 1 };
    expect(bgNbdLogLikelihoodOne(ones, 1, 1, 2)).toBeCloseTo(Math.log(13 / 72), 14);
    // x = 0: L = (α / (α + T))^r = 1/3
    expect(bgNbdLogLikelihoodOne(ones, 0, 0, 2)).toBeCloseTo(Math.log(1 / 3), 14);
    // The paper's parameters against mpmath (30 digits) of the unsimplified formula with beta functions.
    expect(rel(bgNbdLogLikelihoodOne(PAPER, 2, 30.43, 38.86), -9.4586063070662712451)).toBeLessThan(1e-13);
    expect(rel(bgNbdLogLikelihoodOne(PAPER, 0, 0, 38.86), -0.55471327643815845108)).toBeLessThan(1e-13);
    expect(rel(bgNbdLogLikelihoodOne(PAPER, 40, 30.43, 38.86), -42.576437005318609569)).toBeLessThan(1e-13);
  });

  it('weights count identical rows', () => {
    const rows = [
      { x: 0, tx: 0, T: 30 },
      { x: 3, tx: 12.5, T: 30 },
      { x: 3, tx: 12.5, T: 30 },
      { x: 1, tx: 2, T: 25 },
    ];
    const weighted = [
      { x: 0, tx: 0, T: 30 },
      { x: 3, tx: 12.5, T: 30, weight: 2 },
      { x: 1, tx: 2, T: 25 },
    ];
    expect(bgNbdLogLikelihood(PAPER, weighted)).toBeCloseTo(bgNbdLogLikelihood(PAPER, rows), 12);
    expect(bgNbdLogLikelihood(PAPER, rows)).toBeCloseTo(
      rows.reduce((s, r) => s + bgNbdLogLikelihoodOne(PAPER, r.x, r.tx, r.T), 0),
      12,
    );
  });

  it('refuses invalid observations with the reasons', () => {
    const res = fitBgNbd([
      { x: 1.5, tx: 1, T: 2 },
      { x: 1, tx: 3, T: 2 },
      { x: 1, tx: 1, T: 2, weight: 0 },
    ]);
    expect(res.ok).toBe(false);
    if (!res.ok) expect(res.error).toEqual([expect.stringMatching(/row 0: x must be an integer/), expect.stringMatching(/row 1: t_x/), expect.stringMatching(/row 2: weight/)]);
    expect(fitBgNbd([]).ok).toBe(false);
  });
});

describe('BG/NBD predictions', () => {
  it('match mpmath for the conditional expectation, E[X(t)] and the paper’s 1.226', () => {
    expect(bgNbdConditionalExpectedPurchases(PAPER, 39, 2, 30.43, 38.86)).toBeCloseTo(1.226, 3);
    expect(rel(bgNbdConditionalExpectedPurchases(PAPER, 39, 2, 30.43, 38.86), 1.2260281747671444463)).toBeLessThan(1e-12);
    expect(rel(bgNbdConditionalExpectedPurchases(PAPER, 520, 40, 30.43, 38.86), 1.1828819423880290409)).toBeLessThan(1e-12);
    expect(rel(bgNbdConditionalExpectedPurchases(PAPER, 39, 0, 0, 38.86), 0.19509805201126263869)).toBeLessThan(1e-12);
    expect(rel(bgNbdExpectedPurchases(PAPER, 39), 1.1967231933208168419)).toBeLessThan(1e-12);
    // t / α = 1178: far along the negative axis (the continuation path of 2F1).
    expect(rel(bgNbdExpectedPurchases(PAPER, 5200), 12.148119026370995128)).toBeLessThan(1e-11);
  });

  it('match mpmath (300 digits) across the parameter space: x up to 500, horizons up to 100 T, tiny P(alive)', () => {
    // [r, alpha, a, b, x, t_x, T, t, E[Y(t) | x, t_x, T], E[X(t)]], drawn at random (seeded) in
    // r in [0.05, 5], alpha in [0.1, 100], a in [0.05, 10], b in [0.05, 50].
    const cases: readonly (readonly number[])[] = [
      [0.07486664934154057, 0.9948483326037992, 8.267520837130661, 9.421532508690458, 0, 0, 27.351995536345203, 210.36589739508602, 0.23137177815786597, 0.6557292759507013],
      [0.1620350527024061, 0.5366471279593258, 0.15513202287122876, 26.55917967858496, 0, 0, 112.12624069566205, 3854.7544352139075, 5.167188191515478, 609.1664798166892],
      [0.4482563726286113, 6.948267056225641, 0.1343381851491683, 1.0959215282189565, 1, 15.050297836309792, 18.58877222962196, 181.61882763601488, 7.3626060731807215, 8.272234585257529],
      [0.1158571185632984, 0.17002073875401033, 0.765254110992192, 1.5587805704847348, 1, 106.94788405701051, 140.39951376886876, 4040.243507563186, 4.866174971301685, 14.483668623664549],
      [0.5473287099650316, 8.334415039141238, 0.7070957876938838, 4.867977874782882, 5, 53.3420865328653, 131.13292698184773, 38.99045986822323, 0.17502838110630664, 1.9183147752495604],
      [0.20394121201996399, 6.029928504927708, 0.07253365034334253, 0.1183951399810615, 5, 42.64697017101046, 48.84821130168127, 3723.7736384060054, 266.191230304028, 53.10023224351508],
      [0.4024937185556403, 4.778781329365207, 6.693978964187813, 1.2501157024590461, 20, 32.48874418783878, 171.0816043628996, 600.2490339769514, 2.5555319389062144e-13, 1.0296416232490446],
      [0.1262675225795242, 7.655580522922571, 3.446458158777831, 0.09731292039463743, 20, 124.52584350935435, 136.63543595626, 3559.408539948689, 4.4855209263389835, 0.5581459478034205],
      [4.997067924176736, 0.16818555793764314, 0.9036896865853786, 8.147352084941874, 100, 19.11574549131306, 147.56128454868704, 3371.963946524002, 6.705493923245199e-89, 122.97858904469794],
      [3.188506742223271, 0.1643061798382267, 9.377435401863945, 0.2090320822748232, 100, 60.888744550426495, 63.622796977868006, 3629.274074178819, 1.3383991289545694, 1.024951798760296],
      [0.06703935699359592, 0.12792585885667587, 5.284445665147026, 3.1539460111514623, 500, 40.993590026838824, 93.05492501404527, 910.7674565142469, 2.4777256884858463e-174, 0.738398142565533],
    ];
    for (const [r = 0, alpha = 0, a = 0, b = 0, x = 0, tx = 0, T = 0, t = 0, conditional = 0, fresh = 0] of cases) {
      const params = { r, alpha, a, b };
      expect(rel(bgNbdConditionalExpectedPurchases(params, t, x, tx, T), conditional), `E[Y(${t}) | ${x}, ${tx}, ${T}] at ${JSON.stringify(params)}`).toBeLessThan(1e-11);
      expect(rel(bgNbdExpectedPurchases(params, t), fresh), `E[X(${t})] at ${JSON.stringify(params)}`).toBeLessThan(1e-11);
    }
  });

  it('a brand-new customer (x = 0, T = 0) expects E[X(t)]; predictions are 0 at t = 0 and grow with t', () => {
    for (const t of [1, 10, 52, 400]) {
      expect(rel(bgNbdConditionalExpectedPurchases(PAPER, t, 0, 0, 0), bgNbdExpectedPurchases(PAPER, t))).toBeLessThan(1e-12);
    }
    expect(bgNbdConditionalExpectedPurchases(PAPER, 0, 3, 10, 20)).toBe(0);
    let previous = 0;
    for (const t of [0.01, 1, 5, 20, 100, 1000]) {
      const e = bgNbdConditionalExpectedPurchases(PAPER, t, 3, 10, 20);
      expect(e).toBeGreaterThan(previous);
      previous = e;
    }
  });

  it('is continuous through a = 1, where the closed form is 0/0', () => {
    const at = (a: number): number => bgNbdConditionalExpectedPurchases({ ...PAPER, a }, 39, 2, 30.43, 38.86);
    const exact = at(1);
    expect(Number.isFinite(exact)).toBe(true);
    expect(Math.abs(at(1 + 1e-7) - exact)).toBeLessThan(1e-6);
    expect(Math.abs(at(1 - 1e-7) - exact)).toBeLessThan(1e-6);
    expect(Math.abs(at(1.01) - exact)).toBeLessThan(0.01);
    expect(Number.isFinite(bgNbdExpectedPurchases({ ...PAPER, a: 1 }, 39))).toBe(true);
  });

  it('probability alive: 1 without repeat purchases, lower after a long silence, no overflow for heavy buyers', () => {
    expect(bgNbdProbabilityAlive(PAPER, 0, 0, 38.86)).toBe(1);
    expect(bgNbdProbabilityAlive(PAPER, 2, 30.43, 38.86)).toBeGreaterThan(bgNbdProbabilityAlive(PAPER, 2, 5, 38.86));
    const heavyRecent = bgNbdProbabilityAlive(PAPER, 2000, 38.8, 38.86);
    const heavyGone = bgNbdProbabilityAlive(PAPER, 2000, 10, 38.86);
    expect(heavyRecent).toBeGreaterThan(0.5);
    expect(heavyGone).toBeGreaterThanOrEqual(0);
    expect(heavyGone).toBeLessThan(1e-100);
    expect(Number.isFinite(bgNbdConditionalExpectedPurchases(PAPER, 52, 2000, 38.8, 38.86))).toBe(true);
  });
});

describe('fitBgNbd', () => {
  const truth: BgNbdParams = { r: 0.6, alpha: 5, a: 0.9, b: 3 };
  const rng = createRng(20_050_401);
  const horizons = Array.from({ length: 6000 }, (_, i) => 26 + (i % 27));
  const customers = simulateCustomers(truth, { p: 5, q: 4, v: 20 }, horizons, rng);

  it('recovers the parameters of simulated customers within their standard errors, and says it converged', () => {
    const res = fitBgNbd(customers);
    expect(res.ok).toBe(true);
    if (!res.ok) return;
    const { params, standardErrors, diagnostics } = res.value;
    expect(diagnostics.converged, diagnostics.message).toBe(true);
    expect(diagnostics.gradientNorm).toBeLessThan(1e-5);
    expect(diagnostics.startsAgreeing).toBeGreaterThanOrEqual(2);
    expect(diagnostics.customers).toBe(6000);
    expect(standardErrors).not.toBeNull();
    for (const key of ['r', 'alpha', 'a', 'b'] as const) {
      const se = standardErrors?.[key] ?? Number.NaN;
      expect(Math.abs(params[key] - truth[key]), `${key}: ${params[key]} ± ${se}, truth ${truth[key]}`).toBeLessThan(3.5 * se);
    }
    expect(diagnostics.logLikelihood).toBeCloseTo(bgNbdLogLikelihood(params, customers), 8);
  });

  it('a penalizer shrinks the parameters', () => {
    const plain = fitBgNbd(customers);
    const penalized = fitBgNbd(customers, { penalizer: 0.01 });
    if (!plain.ok || !penalized.ok) throw new Error('fit failed');
    const sq = (p: BgNbdParams): number => p.r ** 2 + p.alpha ** 2 + p.a ** 2 + p.b ** 2;
    expect(sq(penalized.value.params)).toBeLessThan(sq(plain.value.params));
    expect(penalized.value.diagnostics.penalizer).toBe(0.01);
    expect(penalized.value.diagnostics.logLikelihood).toBeLessThan(plain.value.diagnostics.logLikelihood);
  });

  it('reports, instead of hiding, a fit the data cannot support (nobody came back)', () => {
    const res = fitBgNbd(Array.from({ length: 50 }, (_, i) => ({ x: 0, tx: 0, T: 10 + i })));
    expect(res.ok).toBe(true);
    if (!res.ok) return;
    expect(res.value.diagnostics.converged).toBe(false);
    expect(res.value.diagnostics.message).toMatch(/boundary/);
  });
});
