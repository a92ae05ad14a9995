/**
 * CUPED (Deng, Xu, Kohavi and Walker 2013): variance reduction with a pre-experiment covariate X.
 * θ = cov(Y, X) / var(X) over all units of both arms (randomization makes X independent of the
 * arm, so pooling keeps the estimate unbiased), Y' = Y - θ (X - X̄). The difference of the Y' means
 * estimates the same effect with variance shrunk by about 1 - ρ², ρ the correlation of Y and X.
 */
import { welchInterval, type IntervalOptions, type WelchInterval } from './intervals.js';
import { summarize } from './summary.js';

export interface CupedArm {
  readonly y: ArrayLike<number>;
  /** The pre-experiment covariate of the same units, in the same order. */
  readonly x: ArrayLike<number>;
}

export interface CupedResult {
  readonly theta: number;
  readonly adjusted: WelchInterval;
  readonly unadjusted: WelchInterval;
  /** 1 - Var(adjusted difference) / Var(unadjusted difference). */
  readonly varianceReduction: number;
}

export function cuped(a: CupedArm, b: CupedArm, options: IntervalOptions = {}): CupedResult {
  if (a.y.length !== a.x.length || b.y.length !== b.x.length) throw new RangeError('cuped: y and x must have the same length in each arm');
  const n = a.y.length + b.y.length;
  let mx = 0;
  let my = 0;
  for (const arm of [a, b]) {
    for (let i = 0; i < arm.y.length; i++) {
      mx += arm.x[i] as number;
      my += arm.y[i] as number;
    }
  }
  mx /= n;
  my /= n;
  let sxx = 0;
  let sxy = 0;
  for (const arm of [a, b]) {
    for (let i = 0; i < arm.y.length; i++) {
      const dx = (arm.x[i] as number) - mx;
      sxx += dx * dx;
      sxy += dx * ((arm.y[i] as number) - my);
    }
  }
  const theta = sxx > 0 ? sxy / sxx : 0;
  const adjust = (arm: CupedArm): Float64Array => {
    const out = new Float64Array(arm.y.length);
    for (let i = 0; i < out.length; i++) out[i] = (arm.y[i] as number) - theta * ((arm.x[i] as number) - mx);
    return out;
  };
  const adjusted = welchInterval(summarize(adjust(a)), summarize(adjust(b)), options);
  const unadjusted = welchInterval(summarize(a.y), summarize(b.y), options);
  const varianceReduction = 1 - (adjusted.standardError / unadjusted.standardError) ** 2;
  return { theta, adjusted, unadjusted, varianceReduction };
}
