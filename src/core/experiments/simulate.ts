/**
 * Seeded simulations of whole experiments, to check the statistics do what they claim: on A/A
 * data the false-positive rate of fixed-horizon Welch, of naive repeated Welch tests ("peeking")
 * and of the always-valid mSPRT; on A/B data with a known effect the coverage of each interval.
 * Used by the tests (small runs) and bench/experiment-stats.bench.ts (2,000 experiments each).
 * Pure: randomness comes from the Rng passed in.
 */
import type { Rng } from '../shared/rng.js';
import { cuped } from './cuped.js';
import { diffProportions, relativeLift, welchInterval } from './intervals.js';
import { msprtLook, type SequentialOptions, type SequentialState } from './sequential.js';
import { summarize, summaryFromSums } from './summary.js';

/** A standard normal draw (Box–Muller, cosine half). */
export function normalDraw(rng: Rng): number {
  return Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
}

/** An exponential draw with the given mean. */
export function exponentialDraw(rng: Rng, mean: number): number {
  return -mean * Math.log(1 - rng.next());
}

export interface AaOptions {
  readonly experiments: number;
  readonly looks: number;
  /** Units added to each arm between looks. */
  readonly perArmPerLook: number;
  readonly alpha?: number;
  /** 'normal': N(0, 1) per unit; 'bernoulli': conversions at rate `rate`. */
  readonly metric?: 'normal' | 'bernoulli';
  readonly rate?: number;
  /** Effect added to arm B (0 for A/A). */
  readonly effect?: number;
  readonly sequential?: SequentialOptions;
}

export interface PeekingRates {
  readonly experiments: number;
  readonly looks: number;
  /** Welch at the final look only. */
  readonly fixedHorizonWelch: number;
  /** Stop at the first of the looks whose Welch p < alpha. */
  readonly naivePeekingWelch: number;
  /** Stop at the first look whose always-valid p < alpha. */
  readonly msprt: number;
  /** Share of experiments whose final confidence sequence holds the true effect. */
  readonly msprtCoverage: number;
}

/** Rejection rates of the three procedures on simulated experiments (A/A when effect is 0). */
export function simulatePeeking(rng: Rng, options: AaOptions): PeekingRates {
  const alpha = options.alpha ?? 0.05;
  const effect = options.effect ?? 0;
  const rate = options.rate ?? 0.1;
  const draw = options.metric === 'bernoulli' ? (shift: number) => (rng.next() < rate + shift ? 1 : 0) : (shift: number) => normalDraw(rng) + shift;
  let fixed = 0;
  let naive = 0;
  let seq = 0;
  let covered = 0;
  for (let e = 0; e < options.experiments; e++) {
    let na = 0, sa = 0, qa = 0, nb = 0, sb = 0, qb = 0;
    let peeked = false;
    let state: SequentialState | undefined;
    let lastP = 1;
    for (let look = 0; look < options.looks; look++) {
      for (let i = 0; i < options.perArmPerLook; i++) {
        const ya = draw(0);
        const yb = draw(effect);
        na++; sa += ya; qa += ya * ya;
        nb++; sb += yb; qb += yb * yb;
      }
      const a = summaryFromSums(na, sa, qa);
      const b = summaryFromSums(nb, sb, qb);
      lastP = welchInterval(a, b).pValue;
      if (lastP < alpha) peeked = true;
      state = msprtLook(state, a, b, { ...options.sequential, alpha });
    }
    if (lastP < alpha) fixed++;
    if (peeked) naive++;
    if (state !== undefined && state.pValue < alpha) seq++;
    if (state !== undefined && state.lower <= effect && effect <= state.upper) covered++;
  }
  const n = options.experiments;
  return { experiments: n, looks: options.looks, fixedHorizonWelch: fixed / n, naivePeekingWelch: naive / n, msprt: seq / n, msprtCoverage: covered / n };
}

export interface CoverageRates {
  readonly experiments: number;
  readonly proportionsNewcombe: number;
  readonly proportionsWald: number;
  readonly welch: number;
  readonly deltaMethodLift: number;
  readonly cuped: number;
  /** Mean of (CUPED standard error / unadjusted standard error)². */
  readonly cupedVarianceRatio: number;
}

export interface CoverageOptions {
  readonly experiments: number;
  /** Units per arm. */
  readonly n: number;
  readonly confidence?: number;
}

/**
 * Coverage at the nominal level on A/B data with known effects:
 * - proportions: p_A = 0.10, p_B = 0.11 (difference 0.01);
 * - Welch: N(0, 1) vs N(0.1, 1.5²);
 * - delta-method lift: exponential revenue, means 10 and 11 (lift 0.10);
 * - CUPED: Y = 2 + 0.1·B + 0.8 X + 0.6 ε, X, ε ~ N(0, 1) (ρ = 0.8), effect 0.1.
 */
export function simulateCoverage(rng: Rng, options: CoverageOptions): CoverageRates {
  const confidence = options.confidence ?? 0.95;
  const n = options.n;
  let newcombe = 0, wald = 0, welch = 0, lift = 0, cup = 0, ratio = 0;
  const ya = new Float64Array(n), yb = new Float64Array(n), xa = new Float64Array(n), xb = new Float64Array(n);
  const covers = (lo: number, hi: number, v: number): number => (lo <= v && v <= hi ? 1 : 0);
  for (let e = 0; e < options.experiments; e++) {
    let ca = 0, cb = 0;
    for (let i = 0; i < n; i++) {
      if (rng.next() < 0.1) ca++;
      if (rng.next() < 0.11) cb++;
    }
    const counts = { successesA: ca, nA: n, successesB: cb, nB: n };
    const pn = diffProportions(counts, 'newcombe', { confidence });
    const pw = diffProportions(counts, 'wald', { confidence });
    newcombe += covers(pn.lower, pn.upper, 0.01);
    wald += covers(pw.lower, pw.upper, 0.01);

    for (let i = 0; i < n; i++) {
      ya[i] = normalDraw(rng);
      yb[i] = 0.1 + 1.5 * normalDraw(rng);
    }
    const w = welchInterval(summarize(ya), summarize(yb), { confidence });
    welch += covers(w.lower, w.upper, 0.1);

    for (let i = 0; i < n; i++) {
      ya[i] = exponentialDraw(rng, 10);
      yb[i] = exponentialDraw(rng, 11);
    }
    const l = relativeLift(summarize(ya), summarize(yb), { confidence });
    lift += covers(l.lower, l.upper, 0.1);

    for (let i = 0; i < n; i++) {
      xa[i] = normalDraw(rng);
      xb[i] = normalDraw(rng);
      ya[i] = 2 + 0.8 * (xa[i] as number) + 0.6 * normalDraw(rng);
      yb[i] = 2.1 + 0.8 * (xb[i] as number) + 0.6 * normalDraw(rng);
    }
    const c = cuped({ y: ya, x: xa }, { y: yb, x: xb }, { confidence });
    cup += covers(c.adjusted.lower, c.adjusted.upper, 0.1);
    ratio += (c.adjusted.standardError / c.unadjusted.standardError) ** 2;
  }
  const k = options.experiments;
  return { experiments: k, proportionsNewcombe: newcombe / k, proportionsWald: wald / k, welch: welch / k, deltaMethodLift: lift / k, cuped: cup / k, cupedVarianceRatio: ratio / k };
}
