import { describe, expect, it } from 'vitest';
import { createRng, type Rng } from '../shared/rng.js';
import type { Experiment, UnitOutcome } from './experiment.js';
import { experimentResults } from './experiment-results.js';
import { exponentialDraw } from './simulate.js';

const EXPERIMENT: Experiment = {
  key: 'home-hero',
  placement: 'home_hero',
  version: 1,
  arms: [
    { key: 'control', treatment: 'control', weight: 1 },
    { key: 'personalized', treatment: 'personalized', weight: 1 },
  ],
  baseline: 'control',
  status: 'running',
  attributionHours: 168,
  marginRate: 0.3,
  startedAtMs: 0,
};

interface ArmSpec {
  readonly arm: string;
  readonly n: number;
  /** Multiplies the conversion rate of each customer type. */
  readonly conversionFactor: number;
  readonly orderValue?: number;
  /** Discount given per order. */
  readonly discountPerOrder?: number;
  readonly segment?: (i: number, loyal: boolean) => readonly string[];
}

/**
 * Customers are loyal (30%, converting at 20%) or not (5.71%): 10% conversion on average for the
 * control. An order is worth an exponential amount (mean 50). preRevenue is drawn by the same
 * process before the test (no treatment), so it correlates with revenue through the type.
 */
function simulateArm(rng: Rng, spec: ArmSpec): UnitOutcome[] {
  const out: UnitOutcome[] = [];
  const value = spec.orderValue ?? 50;
  for (let i = 0; i < spec.n; i++) {
    const loyal = rng.next() < 0.3;
    const base = loyal ? 0.2 : 0.04 / 0.7;
    const pre = rng.next() < base ? exponentialDraw(rng, value) : 0;
    const orders = rng.next() < base * spec.conversionFactor ? 1 : 0;
    const revenue = orders > 0 ? exponentialDraw(rng, value) : 0;
    const exposures = 1 + rng.nextInt(3);
    out.push({
      unit: `${spec.arm}-${i}`,
      arm: spec.arm,
      exposures,
      clicks: rng.nextInt(exposures + 1) === 0 || orders > 0 ? 1 : 0,
      orders,
      revenue,
      discount: orders * (spec.discountPerOrder ?? 0),
      preRevenue: pre,
      segments: spec.segment ? spec.segment(i, loyal) : [loyal ? 'loyal' : 'other'],
    });
  }
  return out;
}

describe('experimentResults', () => {
  it('finds a +20% conversion effect with the right sign and covers the true values', () => {
    const rng = createRng(7);
    const units = [
      ...simulateArm(rng, { arm: 'control', n: 40_000, conversionFactor: 1 }),
      ...simulateArm(rng, { arm: 'personalized', n: 40_000, conversionFactor: 1.2, discountPerOrder: 2 }),
    ];
    const r = experimentResults(EXPERIMENT, units);
    expect(r.units).toBe(80_000);
    expect(r.srm.mismatch).toBe(false);
    const [control, personalized] = r.arms;
    expect(control?.isBaseline).toBe(true);
    expect(control?.conversion.rate).toBeCloseTo(0.1, 1);
    expect(personalized?.discountPerUnit).toBeCloseTo(2 * (personalized?.conversion.rate ?? 0), 10);
    expect(personalized?.averageOrderValue).toBeGreaterThan(45);

    const c = r.comparisons[0];
    expect(c?.arm).toBe('personalized');
    const conv = c?.conversion;
    if (!conv) throw new Error('conversion comparison expected');
    expect(conv.difference.lower).toBeGreaterThan(0);
    expect(conv.difference.lower).toBeLessThan(0.02);
    expect(conv.difference.upper).toBeGreaterThan(0.02);
    expect(conv.lift?.lower).toBeLessThan(0.2);
    expect(conv.lift?.upper).toBeGreaterThan(0.2);
    expect(conv.alwaysValid?.significant).toBe(true);
    expect(conv.alwaysValid?.lower).toBeLessThan(conv.difference.lower); // wider than fixed-horizon
    expect(conv.bayesian.chanceToBeatBaseline).toBeGreaterThan(0.99);

    // Revenue per unit: true difference 0.02 × 50 = 1.
    const rev = c?.revenuePerUnit;
    if (!rev) throw new Error('revenue comparison expected');
    expect(rev.difference.lower).toBeLessThan(1);
    expect(rev.difference.upper).toBeGreaterThan(1);
    expect(rev.alwaysValid?.lower).toBeGreaterThan(0);
    expect(rev.alwaysValid?.looks).toBe(1);
    expect(rev.cuped?.varianceReduction).toBeGreaterThan(0);
    expect(rev.bayesian.method).toMatch(/^Bayesian/);
    expect(rev.bayesian.chanceToBeatBaseline).toBeGreaterThan(0.99);
    expect(c?.verdict.verdict).toBe('better');
    expect(c?.verdict.reason).toContain(rev.alwaysValid?.estimate.toFixed(2));

    // AOV unchanged (true ratio 0): the interval covers 0.
    expect(c?.averageOrderValue?.difference.lower).toBeLessThan(0);
    expect(c?.averageOrderValue?.difference.upper).toBeGreaterThan(0);
    expect(c?.ctr?.difference.estimate).toBeGreaterThan(0); // an order implies a click here

    // ROI = 0.3 Δrevenue − Δdiscount, the last being 2 × conversion of the arm (control gives none).
    const roi = c?.roi;
    if (!roi) throw new Error('roi expected');
    expect(roi.marginPerUnit.estimate).toBeCloseTo(0.3 * rev.difference.estimate, 10);
    expect(roi.incentiveCostPerUnit.estimate).toBeCloseTo(personalized?.discountPerUnit ?? Number.NaN, 10);
    expect(roi.roiPerUnit.estimate).toBeCloseTo(roi.marginPerUnit.estimate - roi.incentiveCostPerUnit.estimate, 10);
    expect(roi.totals.roi).toBeCloseTo(roi.roiPerUnit.estimate * 40_000, 6);
    expect(roi.roiPerUnit.lower).toBeLessThan(roi.roiPerUnit.estimate);
  });

  it('gives an inconclusive verdict on an A/A-like input', () => {
    const rng = createRng(11);
    const units = [...simulateArm(rng, { arm: 'control', n: 10_000, conversionFactor: 1 }), ...simulateArm(rng, { arm: 'personalized', n: 10_000, conversionFactor: 1 })];
    const c = experimentResults(EXPERIMENT, units).comparisons[0];
    expect(c?.verdict.verdict).toBe('inconclusive');
    expect(c?.verdict.reason).toMatch(/contains 0/);
    expect(c?.revenuePerUnit?.alwaysValid?.lower).toBeLessThan(0);
    expect(c?.revenuePerUnit?.alwaysValid?.upper).toBeGreaterThan(0);
    expect(c?.conversion?.alwaysValid?.significant).toBe(false);
  });

  it('flags a sample-ratio mismatch for a 60/40 split under 50/50 weights, and will not call a winner', () => {
    const rng = createRng(3);
    const units = [...simulateArm(rng, { arm: 'control', n: 600, conversionFactor: 1 }), ...simulateArm(rng, { arm: 'personalized', n: 400, conversionFactor: 3 })];
    const r = experimentResults(EXPERIMENT, units);
    expect(r.srm.mismatch).toBe(true);
    expect(r.srm.expected).toEqual([500, 500]);
    expect(r.comparisons[0]?.verdict.verdict).toBe('inconclusive');
    expect(r.comparisons[0]?.verdict.reason).toMatch(/sample-ratio mismatch/);
    const balanced = experimentResults(EXPERIMENT, [...simulateArm(rng, { arm: 'control', n: 500, conversionFactor: 1 }), ...simulateArm(rng, { arm: 'personalized', n: 500, conversionFactor: 1 })]);
    expect(balanced.srm.mismatch).toBe(false);
  });

  it('breaks results down by segment: the arm gains in one, loses in another, skips small ones', () => {
    const rng = createRng(5);
    const seg = (i: number): readonly string[] => [i % 2 === 0 ? 'mobile' : 'desktop', ...(i < 40 ? ['tiny'] : [])];
    const control = simulateArm(rng, { arm: 'control', n: 8_000, conversionFactor: 1, segment: seg });
    // Personalized: mobile customers convert 2.5× as often, desktop ones 0.4× as often.
    const mobile = simulateArm(rng, { arm: 'personalized', n: 4_000, conversionFactor: 2.5, segment: () => ['mobile'] });
    const desktop = simulateArm(rng, { arm: 'personalized', n: 4_000, conversionFactor: 0.4, segment: () => ['desktop'] });
    const units = [...control, ...mobile.map((u, i) => ({ ...u, unit: `m${i}` })), ...desktop.map((u, i) => ({ ...u, unit: `d${i}` }))];
    const segments = experimentResults(EXPERIMENT, units).comparisons[0]?.segments ?? [];
    expect(segments.map((s) => s.segment)).toEqual(['mobile', 'desktop']); // sorted by effect; 'tiny' has 20 units in the control only
    expect(segments[0]?.outcome).toBe('gains');
    expect(segments[0]?.conversionOutcome).toBe('gains');
    expect(segments[1]?.outcome).toBe('loses');
    expect(segments[1]?.conversion.upper).toBeLessThan(0);
    expect(segments[0]?.baselineUnits).toBe(4_000);
  });

  it('returns values, not exceptions, when the data cannot support a comparison', () => {
    const row = (unit: string, arm: string, orders = 0): UnitOutcome => ({ unit, arm, exposures: 0, clicks: 0, orders, revenue: orders * 10, discount: 0, preRevenue: 0, segments: [] });
    const r = experimentResults(EXPERIMENT, [row('a', 'control'), row('b', 'control'), row('c', 'personalized'), row('d', 'personalized'), row('e', 'gone'), row('a', 'control')]);
    expect(r.ignoredUnits).toBe(1);
    expect(r.duplicateUnits).toBe(1);
    const c = r.comparisons[0];
    expect(c?.revenuePerUnit?.difference.estimate).toBe(0);
    expect(c?.revenuePerUnit?.alwaysValid).toBeNull();
    expect(c?.revenuePerUnit?.lift).toBeNull();
    expect(c?.averageOrderValue).toBeNull();
    expect(c?.ctr).toBeNull();
    expect(c?.verdict.verdict).toBe('inconclusive');
    expect(r.arms[0]?.ctr.rate).toBeNull();
    const one = experimentResults(EXPERIMENT, [row('a', 'control', 1), row('c', 'personalized')]);
    expect(one.comparisons[0]?.conversion).toBeNull();
    expect(one.comparisons[0]?.verdict.reason).toMatch(/Not enough data/);
  });

  it('continues the always-valid tests from previous looks: τ² fixed, p-value never rises', () => {
    const rng = createRng(9);
    const first = [...simulateArm(rng, { arm: 'control', n: 2_000, conversionFactor: 1 }), ...simulateArm(rng, { arm: 'personalized', n: 2_000, conversionFactor: 1 })];
    const r1 = experimentResults(EXPERIMENT, first);
    const prev = r1.comparisons[0];
    const more = [...first, ...simulateArm(rng, { arm: 'control', n: 2_000, conversionFactor: 1 }).map((u) => ({ ...u, unit: `x${u.unit}` })), ...simulateArm(rng, { arm: 'personalized', n: 2_000, conversionFactor: 1 }).map((u) => ({ ...u, unit: `x${u.unit}` }))];
    const looks = { personalized: { ...(prev?.revenuePerUnit?.alwaysValid ? { revenuePerUnit: prev.revenuePerUnit.alwaysValid } : {}), ...(prev?.conversion?.alwaysValid ? { conversion: prev.conversion.alwaysValid } : {}) } };
    const r2 = experimentResults(EXPERIMENT, more, { previousLooks: looks });
    const a = r2.comparisons[0]?.revenuePerUnit?.alwaysValid;
    expect(a?.looks).toBe(2);
    expect(a?.tau2).toBe(prev?.revenuePerUnit?.alwaysValid?.tau2);
    expect(a?.pValue).toBeLessThanOrEqual(prev?.revenuePerUnit?.alwaysValid?.pValue ?? 1);
    expect(r2.comparisons[0]?.conversion?.alwaysValid?.looks).toBe(2);
  });
});

describe('retention and the refund guardrail', () => {
  const unit = (arm: string, i: number, orders: number, refunded: boolean): UnitOutcome => ({
    unit: `${arm}-${i}`,
    arm,
    exposures: 1,
    clicks: 0,
    orders,
    revenue: orders * 40,
    discount: 0,
    preRevenue: 0,
    refunded,
    segments: [],
  });

  it('flags an arm whose customers refund significantly more, and compares repeat buyers', () => {
    const units = [
      ...Array.from({ length: 400 }, (_, i) => unit('control', i, i % 4 === 0 ? 2 : 1, i % 50 === 0)),
      ...Array.from({ length: 400 }, (_, i) => unit('personalized', i, 1, i % 4 === 0)),
    ];
    const results = experimentResults(EXPERIMENT, units);
    const c = results.comparisons[0];
    expect(results.arms.find((a) => a.key === 'personalized')?.refundRate.rate).toBeCloseTo(0.25, 6);
    expect(c?.guardrail?.breached).toBe(true);
    expect(c?.guardrail?.refunds.estimate).toBeCloseTo(0.25 - 0.02, 6);
    expect(c?.retention?.estimate).toBeCloseTo(-0.25, 6);
    expect(c?.retention?.upper).toBeLessThan(0);
  });

  it('keeps the guardrail when refunds do not differ', () => {
    const units = [...Array.from({ length: 200 }, (_, i) => unit('control', i, 1, i % 10 === 0)), ...Array.from({ length: 200 }, (_, i) => unit('personalized', i, 1, i % 10 === 0))];
    expect(experimentResults(EXPERIMENT, units).comparisons[0]?.guardrail?.breached).toBe(false);
  });
});
