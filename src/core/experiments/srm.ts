/**
 * Sample-ratio mismatch: a chi-square goodness-of-fit test of the observed arm counts against the
 * configured weights. A mismatch (p below the threshold, 0.001 by default, as is usual because the
 * check runs on every experiment at every look) means the assignment or the logging is broken and
 * the experiment's results must not be trusted.
 */
import { chiSquareSf } from '../models/special/distributions.js';

export interface SrmResult {
  readonly statistic: number;
  readonly df: number;
  readonly pValue: number;
  readonly expected: readonly number[];
  readonly mismatch: boolean;
  readonly threshold: number;
}

export function sampleRatioMismatch(observed: readonly number[], weights: readonly number[], options: { readonly threshold?: number } = {}): SrmResult {
  const threshold = options.threshold ?? 0.001;
  if (observed.length !== weights.length) throw new RangeError(`sampleRatioMismatch: ${observed.length} counts but ${weights.length} weights`);
  if (observed.length < 2) throw new RangeError('sampleRatioMismatch: needs at least two arms');
  const total = observed.reduce((s, v) => s + v, 0);
  const weightSum = weights.reduce((s, v) => s + v, 0);
  if (!(weightSum > 0) || weights.some((w) => !(w > 0))) throw new RangeError('sampleRatioMismatch: weights must be positive');
  const expected = weights.map((w) => (total * w) / weightSum);
  let statistic = 0;
  for (let i = 0; i < observed.length; i++) {
    const e = expected[i] as number;
    const d = (observed[i] as number) - e;
    statistic += e > 0 ? (d * d) / e : 0;
  }
  const df = observed.length - 1;
  const pValue = total > 0 ? chiSquareSf(statistic, df) : 1;
  return { statistic, df, pValue, expected, mismatch: pValue < threshold, threshold };
}
