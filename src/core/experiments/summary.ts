/**
 * Plain summaries of one arm's per-unit values: what the interval functions take, so callers can
 * aggregate in SQL (n, Σy, Σy²) or in memory and pass plain numbers in.
 */

/** n units, their mean and unbiased (n - 1) variance. */
export interface SampleSummary {
  readonly n: number;
  readonly mean: number;
  readonly variance: number;
}

/** Per-unit numerator and denominator of a ratio metric (revenue and orders per user, say). */
export interface RatioSummary {
  readonly n: number;
  readonly meanNum: number;
  readonly meanDen: number;
  readonly varNum: number;
  readonly varDen: number;
  /** Unbiased covariance of numerator and denominator across units. */
  readonly covNumDen: number;
}

/** Mean and unbiased variance in one pass (Welford), so large offsets do not cancel. */
export function summarize(values: ArrayLike<number>): SampleSummary {
  let mean = 0;
  let m2 = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    const delta = v - mean;
    mean += delta / (i + 1);
    m2 += delta * (v - mean);
  }
  const n = values.length;
  return { n, mean: n > 0 ? mean : Number.NaN, variance: n > 1 ? m2 / (n - 1) : Number.NaN };
}

/** From sufficient statistics n, Σy, Σy² (as a warehouse query returns them). */
export function summaryFromSums(n: number, sum: number, sumSq: number): SampleSummary {
  const mean = sum / n;
  const variance = n > 1 ? Math.max(0, (sumSq - n * mean * mean) / (n - 1)) : Number.NaN;
  return { n, mean, variance };
}

/** A 0/1 metric as a summary: mean p, variance n p (1 - p) / (n - 1). */
export function proportionSummary(successes: number, n: number): SampleSummary {
  const p = successes / n;
  return { n, mean: p, variance: n > 1 ? (n * p * (1 - p)) / (n - 1) : Number.NaN };
}

/** Means, variances and covariance of paired numerator/denominator values (two-pass). */
export function summarizeRatio(num: ArrayLike<number>, den: ArrayLike<number>): RatioSummary {
  if (num.length !== den.length) throw new RangeError(`summarizeRatio: ${num.length} numerators but ${den.length} denominators`);
  const n = num.length;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < n; i++) {
    sy += num[i] as number;
    sx += den[i] as number;
  }
  const my = sy / n;
  const mx = sx / n;
  let vy = 0;
  let vx = 0;
  let cxy = 0;
  for (let i = 0; i < n; i++) {
    const dy = (num[i] as number) - my;
    const dx = (den[i] as number) - mx;
    vy += dy * dy;
    vx += dx * dx;
    cxy += dx * dy;
  }
  return { n, meanNum: my, meanDen: mx, varNum: vy / (n - 1), varDen: vx / (n - 1), covNumDen: cxy / (n - 1) };
}
