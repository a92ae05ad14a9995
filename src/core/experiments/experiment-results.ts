/**
 * The results of one experiment from its per-unit outcomes: a pure function of plain values (the
 * caller loads the UnitOutcome rows, one per customer, and passes them in).
 *
 * Per arm: units, exposures, clicks, CTR (Σclicks / Σexposures, Wilson interval: it treats
 * exposures as independent trials, so it is descriptive; the CTR *comparison* below uses the
 * delta method on per-unit clicks and exposures, which respects that the customer is the unit
 * randomized), conversion (share of units with ≥ 1 order, Wilson), revenue per unit (mean, sd),
 * orders, average order value (Σrevenue / Σorders), discount cost and discount per unit.
 *
 * Each other arm B against the baseline A (B minus A throughout):
 * - conversion: difference (Newcombe hybrid score interval) and relative lift (delta method);
 * - revenue per unit (the primary metric): difference (Welch), relative lift (delta method) and
 *   the CUPED-adjusted difference with `preRevenue` as the covariate (its variance reduction);
 * - average order value: ratio comparison by the delta method (compareRatios);
 * - CTR: difference of Σclicks/Σexposures by the delta method;
 * - always-valid (mSPRT) p-value and confidence interval for conversion and revenue per unit.
 *   With no previous state this is one look: it equals a single mSPRT evaluation at today's
 *   sample, and by Ville's inequality it stays valid however often the app recomputes it. To
 *   carry the running minimum p-value, the running intersection of intervals and a fixed mixture
 *   variance τ² across looks (the strict form of the guarantee), pass the previous results'
 *   `alwaysValid` states in `options.previousLooks`;
 * - Bayesian chance to beat the baseline, labelled as Bayesian: conversion by the exact
 *   Beta–Beta probability (uniform prior), revenue per unit by the normal approximation (flat prior);
 * - ROI, per unit of the arm (see RoiResult):
 *     incremental gross margin per unit  = Δ(revenue per unit) × experiment.marginRate,
 *     incremental incentive cost per unit = Δ(discount per unit),
 *     ROI per unit = margin − cost = Δ(marginRate × revenue − discount per unit),
 *   each with a Welch interval (the ROI one on the per-unit values marginRate × revenue − discount,
 *   so the correlation of revenue and discount is accounted for); totals = per unit × the arm's units
 *   (what the arm earned over what the same customers would have earned under the baseline).
 *   Revenue is taken as recorded and the discount is counted in full as the incentive cost;
 *   per-order margins are not known here, hence the assumed `marginRate`;
 * - per segment (every segment with ≥ 30 units in both arms): conversion and revenue-per-unit
 *   differences with fixed-horizon intervals, whether the arm gains there (revenue interval above
 *   0), loses (below 0) or it is unclear; sorted by the revenue effect, largest first. These
 *   intervals are not adjusted for the number of segments looked at;
 * - a verdict: 'better' | 'worse' | 'inconclusive' from the always-valid interval of revenue per
 *   unit, with a plain-words reason. A sample-ratio mismatch makes every verdict 'inconclusive'.
 *
 * The experiment-wide sample-ratio-mismatch check compares units per arm with the arm weights.
 * Comparisons that the data cannot support (fewer than 2 units in an arm, no variation at all, a
 * baseline of 0 for a lift, no orders for AOV) are `null`, never an exception.
 */
import type { BetaPosterior, BayesianComparison } from './bayes.js';
import { bayesianBetaPosterior, bayesianCompareMeansNormal, bayesianProbBBeatsAExact } from './bayes.js';
import { cuped } from './cuped.js';
import type { Experiment, Treatment, UnitOutcome } from './experiment.js';
import type { Interval, RatioComparison, WelchInterval } from './intervals.js';
import { compareRatios, diffProportions, relativeLift, welchInterval, wilsonInterval } from './intervals.js';
import type { SequentialLook, SequentialState } from './sequential.js';
import { msprtLook } from './sequential.js';
import type { SrmResult } from './srm.js';
import { sampleRatioMismatch } from './srm.js';
import type { SampleSummary } from './summary.js';
import { proportionSummary, summarize, summarizeRatio } from './summary.js';

/** Segments need at least this many units in the baseline and in the arm to be reported. */
export const MIN_SEGMENT_UNITS = 30;

export interface PreviousLooks {
  readonly conversion?: SequentialState;
  readonly revenuePerUnit?: SequentialState;
}

export interface ExperimentResultsOptions {
  /** Two-sided confidence (and Bayesian credibility) level; default 0.95. The always-valid tests use α = 1 − confidence. */
  readonly confidence?: number;
  /** The previous call's `alwaysValid` states per arm key, to continue the sequential tests. */
  readonly previousLooks?: Readonly<Record<string, PreviousLooks>>;
}

/** A rate with its Wilson interval; all null when there is no denominator. */
export interface RateEstimate {
  readonly count: number;
  readonly n: number;
  readonly rate: number | null;
  readonly lower: number | null;
  readonly upper: number | null;
}

export interface ArmResults {
  readonly key: string;
  readonly treatment: Treatment;
  readonly weight: number;
  readonly isBaseline: boolean;
  readonly units: number;
  readonly exposures: number;
  readonly clicks: number;
  readonly orders: number;
  readonly revenue: number;
  readonly discount: number;
  /** Σclicks / Σexposures. */
  readonly ctr: RateEstimate;
  /** Units with at least one order / units. */
  readonly conversion: RateEstimate;
  readonly revenuePerUnit: { readonly mean: number | null; readonly sd: number | null };
  /** Σrevenue / Σorders; null without orders. */
  readonly averageOrderValue: number | null;
  readonly discountPerUnit: number | null;
  /** Retention within the window: units with two or more orders / units. */
  readonly repeatRate: RateEstimate;
  /** Guardrail: units that refunded an order / units. */
  readonly refundRate: RateEstimate;
}

export interface BayesianConversion {
  readonly method: 'Bayesian: exact Beta posteriors, uniform prior';
  /** P(arm's conversion rate > baseline's) given the data: a Bayesian probability, not a p-value. */
  readonly chanceToBeatBaseline: number;
  readonly baseline: BetaPosterior;
  readonly arm: BetaPosterior;
}

export interface BayesianMeans extends BayesianComparison {
  readonly method: 'Bayesian: normal approximation, flat prior';
  /** = probBBeatsA: P(arm's revenue per unit > baseline's) given the data. */
  readonly chanceToBeatBaseline: number;
}

export interface CupedSummary {
  readonly theta: number;
  readonly adjusted: WelchInterval;
  /** 1 − Var(adjusted) / Var(unadjusted); NaN-free: null when the unadjusted variance is 0. */
  readonly varianceReduction: number | null;
}

export interface RoiResult {
  readonly marginRate: number;
  /** Δ(revenue per unit) × marginRate: the revenue interval scaled. */
  readonly marginPerUnit: Interval;
  /** Δ(discount per unit). */
  readonly incentiveCostPerUnit: WelchInterval;
  /** Δ(marginRate × revenue − discount) per unit = margin − cost. */
  readonly roiPerUnit: WelchInterval;
  /** Per unit × the arm's units. */
  readonly totals: { readonly units: number; readonly margin: number; readonly incentiveCost: number; readonly roi: number };
}

export type SegmentOutcome = 'gains' | 'loses' | 'unclear';

export interface SegmentComparison {
  readonly segment: string;
  readonly baselineUnits: number;
  readonly armUnits: number;
  readonly conversion: Interval;
  readonly conversionOutcome: SegmentOutcome;
  readonly revenuePerUnit: WelchInterval;
  /** From the revenue-per-unit interval (the primary metric). */
  readonly outcome: SegmentOutcome;
}

export type VerdictKind = 'better' | 'worse' | 'inconclusive';

export interface Verdict {
  readonly verdict: VerdictKind;
  readonly metric: 'revenuePerUnit';
  readonly reason: string;
}

export interface ArmComparison {
  readonly arm: string;
  readonly baseline: string;
  readonly conversion: {
    readonly difference: Interval;
    readonly lift: Interval | null;
    readonly alwaysValid: SequentialLook | null;
    readonly bayesian: BayesianConversion;
  } | null;
  readonly revenuePerUnit: {
    readonly difference: WelchInterval;
    readonly lift: Interval | null;
    readonly cuped: CupedSummary | null;
    readonly alwaysValid: SequentialLook | null;
    readonly bayesian: BayesianMeans;
  } | null;
  readonly averageOrderValue: RatioComparison | null;
  readonly ctr: RatioComparison | null;
  readonly roi: RoiResult | null;
  readonly segments: readonly SegmentComparison[];
  /** Retention within the window (repeat buyers) against the baseline; null with too few units. */
  readonly retention: Interval | null;
  /** Guardrail: refund-rate difference; `breached` when the arm refunds significantly more. */
  readonly guardrail: { readonly refunds: Interval; readonly breached: boolean } | null;
  readonly verdict: Verdict;
}

export interface ExperimentResults {
  readonly experiment: { readonly key: string; readonly placement: string; readonly version: number; readonly baseline: string; readonly status: 'running' | 'stopped'; readonly attributionHours: number; readonly marginRate: number };
  readonly confidence: number;
  readonly units: number;
  readonly arms: readonly ArmResults[];
  readonly comparisons: readonly ArmComparison[];
  readonly srm: SrmResult;
  /** Rows whose arm is not in the experiment (ignored) and unit ids seen more than once (counted each time). */
  readonly ignoredUnits: number;
  readonly duplicateUnits: number;
}

/** One arm's (or one segment's) per-unit values as columns. */
interface Columns {
  readonly n: number;
  readonly converted: number;
  /** Units with two or more orders in the window (retention within the window). */
  readonly repeat: number;
  /** Units that refunded an order in the window (a guardrail). */
  readonly refunded: number;
  readonly exposures: Float64Array;
  readonly clicks: Float64Array;
  readonly orders: Float64Array;
  readonly revenue: Float64Array;
  readonly discount: Float64Array;
  readonly pre: Float64Array;
  /** marginRate × revenue − discount. */
  readonly net: Float64Array;
}

function columns(rows: readonly UnitOutcome[], marginRate: number): Columns {
  const n = rows.length;
  const c = { exposures: new Float64Array(n), clicks: new Float64Array(n), orders: new Float64Array(n), revenue: new Float64Array(n), discount: new Float64Array(n), pre: new Float64Array(n), net: new Float64Array(n) };
  let converted = 0;
  let repeat = 0;
  let refunded = 0;
  rows.forEach((r, i) => {
    if (r.orders >= 2) repeat++;
    if (r.refunded === true) refunded++;
    c.exposures[i] = r.exposures;
    c.clicks[i] = r.clicks;
    c.orders[i] = r.orders;
    c.revenue[i] = r.revenue;
    c.discount[i] = r.discount;
    c.pre[i] = r.preRevenue;
    c.net[i] = marginRate * r.revenue - r.discount;
    if (r.orders >= 1) converted++;
  });
  return { n, converted, repeat, refunded, ...c };
}

function sum(values: Float64Array): number {
  let s = 0;
  for (const v of values) s += v;
  return s;
}

function rate(count: number, n: number, confidence: number): RateEstimate {
  if (!(n > 0)) return { count, n, rate: null, lower: null, upper: null };
  if (count < 0 || count > n) return { count, n, rate: count / n, lower: null, upper: null };
  const w = wilsonInterval(count, n, confidence);
  return { count, n, rate: count / n, lower: w.lower, upper: w.upper };
}

/** Welch, or the exact difference when neither arm varies (no discounts anywhere, say). */
function welchOrExact(a: SampleSummary, b: SampleSummary, confidence: number): WelchInterval | null {
  if (!(a.n >= 2 && b.n >= 2)) return null;
  if (a.variance + b.variance > 0) return welchInterval(a, b, { confidence });
  const d = b.mean - a.mean;
  return { estimate: d, standardError: 0, lower: d, upper: d, pValue: d === 0 ? 1 : 0, confidence, df: a.n + b.n - 2, tStatistic: d === 0 ? 0 : Math.sign(d) * Number.POSITIVE_INFINITY };
}

function outcomeOf(i: Interval): SegmentOutcome {
  return i.lower > 0 ? 'gains' : i.upper < 0 ? 'loses' : 'unclear';
}

function sequential(previous: SequentialState | undefined, a: SampleSummary, b: SampleSummary, alpha: number): SequentialLook | null {
  if (!(a.n >= 2 && b.n >= 2)) return null;
  if (previous === undefined && !(a.variance + b.variance > 0)) return null; // no variation: τ² would be 0
  return msprtLook(previous, a, b, { alpha });
}

function fmt(x: number): string {
  return x.toFixed(2);
}

function fmtP(p: number): string {
  return p < 0.001 ? '< 0.001' : `= ${p.toFixed(3)}`;
}

function verdictFor(look: SequentialLook | null, srm: SrmResult, confidence: number): Verdict {
  const level = `${Math.round(confidence * 1000) / 10}%`;
  if (look === null) return { verdict: 'inconclusive', metric: 'revenuePerUnit', reason: 'Not enough data to compare revenue per customer yet (each arm needs at least 2 customers and some variation in revenue).' };
  const numbers = `difference in revenue per customer ${fmt(look.estimate)}, ${level} always-valid interval ${fmt(look.lower)} to ${fmt(look.upper)}, always-valid p ${fmtP(look.pValue)}`;
  const raw: VerdictKind = look.lower > 0 ? 'better' : look.upper < 0 ? 'worse' : 'inconclusive';
  if (srm.mismatch) {
    return {
      verdict: 'inconclusive',
      metric: 'revenuePerUnit',
      reason: `The split of customers between arms does not match the configured weights (sample-ratio mismatch, p ${fmtP(srm.pValue)}), so assignment or logging is broken and no result can be trusted; the data alone would say '${raw}' (${numbers}).`,
    };
  }
  if (raw === 'better') return { verdict: raw, metric: 'revenuePerUnit', reason: `Earns more per customer than the baseline: ${numbers}; the whole interval is above 0.` };
  if (raw === 'worse') return { verdict: raw, metric: 'revenuePerUnit', reason: `Earns less per customer than the baseline: ${numbers}; the whole interval is below 0.` };
  return { verdict: raw, metric: 'revenuePerUnit', reason: `No clear difference yet: ${numbers}; the interval contains 0.` };
}

function scaled(i: Interval, m: number): Interval {
  return { estimate: i.estimate * m, standardError: i.standardError * m, lower: i.lower * m, upper: i.upper * m, pValue: m === 0 ? 1 : i.pValue, confidence: i.confidence };
}

function compareSegments(baseRows: readonly UnitOutcome[], armRows: readonly UnitOutcome[], marginRate: number, confidence: number): SegmentComparison[] {
  const bySegment = (rows: readonly UnitOutcome[]): Map<string, UnitOutcome[]> => {
    const m = new Map<string, UnitOutcome[]>();
    for (const r of rows) {
      for (const s of new Set(r.segments)) {
        const list = m.get(s);
        if (list) list.push(r);
        else m.set(s, [r]);
      }
    }
    return m;
  };
  const base = bySegment(baseRows);
  const arm = bySegment(armRows);
  const out: SegmentComparison[] = [];
  for (const [segment, bRows] of base) {
    const aRows = arm.get(segment);
    if (!aRows || bRows.length < MIN_SEGMENT_UNITS || aRows.length < MIN_SEGMENT_UNITS) continue;
    const cb = columns(bRows, marginRate);
    const ca = columns(aRows, marginRate);
    const revenue = welchOrExact(summarize(cb.revenue), summarize(ca.revenue), confidence);
    if (revenue === null) continue;
    const conversion = diffProportions({ successesA: cb.converted, nA: cb.n, successesB: ca.converted, nB: ca.n }, 'newcombe', { confidence });
    out.push({ segment, baselineUnits: cb.n, armUnits: ca.n, conversion, conversionOutcome: outcomeOf(conversion), revenuePerUnit: revenue, outcome: outcomeOf(revenue) });
  }
  return out.sort((x, y) => y.revenuePerUnit.estimate - x.revenuePerUnit.estimate || y.conversion.estimate - x.conversion.estimate || (x.segment < y.segment ? -1 : 1));
}

export function experimentResults(experiment: Experiment, units: readonly UnitOutcome[], options: ExperimentResultsOptions = {}): ExperimentResults {
  const confidence = options.confidence ?? 0.95;
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`experimentResults: confidence must be in (0, 1), got ${confidence}`);
  const alpha = 1 - confidence;
  const m = experiment.marginRate;

  const rowsByArm = new Map<string, UnitOutcome[]>(experiment.arms.map((a) => [a.key, []]));
  const seen = new Set<string>();
  let ignoredUnits = 0;
  let duplicateUnits = 0;
  for (const u of units) {
    const list = rowsByArm.get(u.arm);
    if (!list) {
      ignoredUnits++;
      continue;
    }
    if (seen.has(u.unit)) duplicateUnits++;
    else seen.add(u.unit);
    list.push(u);
  }
  const cols = new Map<string, Columns>(experiment.arms.map((a) => [a.key, columns(rowsByArm.get(a.key) ?? [], m)]));

  const arms: ArmResults[] = experiment.arms.map((a) => {
    const c = cols.get(a.key) as Columns;
    const exposures = sum(c.exposures);
    const clicks = sum(c.clicks);
    const orders = sum(c.orders);
    const revenue = sum(c.revenue);
    const discount = sum(c.discount);
    const rev = summarize(c.revenue);
    return {
      key: a.key,
      treatment: a.treatment,
      weight: a.weight,
      isBaseline: a.key === experiment.baseline,
      units: c.n,
      exposures,
      clicks,
      orders,
      revenue,
      discount,
      ctr: rate(clicks, exposures, confidence),
      conversion: rate(c.converted, c.n, confidence),
      revenuePerUnit: { mean: c.n > 0 ? rev.mean : null, sd: c.n > 1 ? Math.sqrt(rev.variance) : null },
      averageOrderValue: orders > 0 ? revenue / orders : null,
      discountPerUnit: c.n > 0 ? discount / c.n : null,
      repeatRate: rate(c.repeat, c.n, confidence),
      refundRate: rate(c.refunded, c.n, confidence),
    };
  });

  const srm = sampleRatioMismatch(
    experiment.arms.map((a) => (cols.get(a.key) as Columns).n),
    experiment.arms.map((a) => a.weight),
  );

  const base = cols.get(experiment.baseline);
  if (!base) throw new RangeError(`experimentResults: the baseline ${experiment.baseline} is not an arm of ${experiment.key}`);
  const baseRows = rowsByArm.get(experiment.baseline) ?? [];
  const baseRev = summarize(base.revenue);
  const baseConv = proportionSummary(base.converted, base.n);

  const comparisons: ArmComparison[] = experiment.arms
    .filter((a) => a.key !== experiment.baseline)
    .map((a) => {
      const c = cols.get(a.key) as Columns;
      const previous = options.previousLooks?.[a.key];
      const enough = base.n >= 2 && c.n >= 2;

      let conversion: ArmComparison['conversion'] = null;
      if (enough) {
        const armConv = proportionSummary(c.converted, c.n);
        const pa = bayesianBetaPosterior(base.converted, base.n, undefined, confidence);
        const pb = bayesianBetaPosterior(c.converted, c.n, undefined, confidence);
        conversion = {
          difference: diffProportions({ successesA: base.converted, nA: base.n, successesB: c.converted, nB: c.n }, 'newcombe', { confidence }),
          lift: base.converted > 0 ? relativeLift(baseConv, armConv, { confidence }) : null,
          alwaysValid: sequential(previous?.conversion, baseConv, armConv, alpha),
          bayesian: { method: 'Bayesian: exact Beta posteriors, uniform prior', chanceToBeatBaseline: bayesianProbBBeatsAExact(pa, pb), baseline: pa, arm: pb },
        };
      }

      let revenuePerUnit: ArmComparison['revenuePerUnit'] = null;
      const armRev = summarize(c.revenue);
      const revDiff = welchOrExact(baseRev, armRev, confidence);
      if (revDiff !== null) {
        const cu = baseRev.variance + armRev.variance > 0 ? cuped({ y: base.revenue, x: base.pre }, { y: c.revenue, x: c.pre }, { confidence }) : null;
        const b = bayesianCompareMeansNormal(baseRev, armRev);
        revenuePerUnit = {
          difference: revDiff,
          lift: baseRev.mean !== 0 && baseRev.variance + armRev.variance > 0 ? relativeLift(baseRev, armRev, { confidence }) : null,
          cuped: cu === null ? null : { theta: cu.theta, adjusted: cu.adjusted, varianceReduction: Number.isFinite(cu.varianceReduction) ? cu.varianceReduction : null },
          alwaysValid: sequential(previous?.revenuePerUnit, baseRev, armRev, alpha),
          bayesian: { ...b, method: 'Bayesian: normal approximation, flat prior', chanceToBeatBaseline: b.probBBeatsA },
        };
      }

      const baseOrders = sum(base.orders);
      const armOrders = sum(c.orders);
      const averageOrderValue = enough && baseOrders > 0 && armOrders > 0 ? compareRatios(summarizeRatio(base.revenue, base.orders), summarizeRatio(c.revenue, c.orders), { confidence }) : null;
      const ctr = enough && sum(base.exposures) > 0 && sum(c.exposures) > 0 ? compareRatios(summarizeRatio(base.clicks, base.exposures), summarizeRatio(c.clicks, c.exposures), { confidence }) : null;

      let roi: RoiResult | null = null;
      const cost = welchOrExact(summarize(base.discount), summarize(c.discount), confidence);
      const net = welchOrExact(summarize(base.net), summarize(c.net), confidence);
      if (revDiff !== null && cost !== null && net !== null) {
        const marginPerUnit = scaled(revDiff, m);
        roi = {
          marginRate: m,
          marginPerUnit,
          incentiveCostPerUnit: cost,
          roiPerUnit: net,
          totals: { units: c.n, margin: marginPerUnit.estimate * c.n, incentiveCost: cost.estimate * c.n, roi: net.estimate * c.n },
        };
      }

      return {
        arm: a.key,
        baseline: experiment.baseline,
        conversion,
        revenuePerUnit,
        averageOrderValue,
        ctr,
        roi,
        segments: compareSegments(baseRows, rowsByArm.get(a.key) ?? [], m, confidence),
        retention: base.n >= 2 && c.n >= 2 ? diffProportions({ successesA: base.repeat, nA: base.n, successesB: c.repeat, nB: c.n }, 'newcombe', { confidence }) : null,
        guardrail: guardrailOf(base, c, confidence),
        verdict: verdictFor(revenuePerUnit?.alwaysValid ?? null, srm, confidence),
      };
    });

  return {
    experiment: { key: experiment.key, placement: experiment.placement, version: experiment.version, baseline: experiment.baseline, status: experiment.status, attributionHours: experiment.attributionHours, marginRate: m },
    confidence,
    units: units.length - ignoredUnits,
    arms,
    comparisons,
    srm,
    ignoredUnits,
    duplicateUnits,
  };
}

/** Refunds are the guardrail: an arm that earns more by selling what comes back has not earned it. */
function guardrailOf(base: Columns, arm: Columns, confidence: number): ArmComparison['guardrail'] {
  if (base.n < 2 || arm.n < 2) return null;
  const refunds = diffProportions({ successesA: base.refunded, nA: base.n, successesB: arm.refunded, nB: arm.n }, 'newcombe', { confidence });
  return { refunds, breached: refunds.lower > 0 };
}
