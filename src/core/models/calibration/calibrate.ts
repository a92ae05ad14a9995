import { z } from 'zod';
import type { Result } from '../../shared/result.js';
import { err, ok } from '../../shared/result.js';
import { choleskySolve } from '../linear/cholesky-solve.js';
import { sigmoid, softplus } from '../linear/sigmoid.js';

/**
 * Maps a model's raw scores to calibrated probabilities, fitted on held-out rows (never on the
 * rows the model was trained on, or the calibration learns the model's overfitting).
 * - Platt: p = sigmoid(a·s + b), with Platt's smoothed targets (N₊+1)/(N₊+2) and 1/(N₋+2) so a
 *   perfectly separated calibration set does not send a to infinity. Two parameters: the choice
 *   for small calibration sets.
 * - Isotonic: the monotone step fit of the pool-adjacent-violators algorithm, interpolated
 *   linearly between fitted points and clipped outside them. Any monotone shape; needs more rows.
 */
export type Calibrator =
  | { readonly format: 'calibrator@1'; readonly method: 'platt'; readonly a: number; readonly b: number }
  | { readonly format: 'calibrator@1'; readonly method: 'isotonic'; readonly x: readonly number[]; readonly y: readonly number[] };

export const calibratorSchema = z.discriminatedUnion('method', [
  z.object({ format: z.literal('calibrator@1'), method: z.literal('platt'), a: z.number(), b: z.number() }),
  z.object({ format: z.literal('calibrator@1'), method: z.literal('isotonic'), x: z.array(z.number()), y: z.array(z.number().min(0).max(1)) }),
]);

export function parseCalibrator(value: unknown): Result<Calibrator, string> {
  const parsed = calibratorSchema.safeParse(value);
  return parsed.success ? ok(parsed.data) : err(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
}

/** Platt scaling by Newton's method on (a, b); scores are typically the model's log-odds. */
export function fitPlatt(scores: ArrayLike<number>, labels: ArrayLike<number>): Calibrator {
  const n = scores.length;
  let positives = 0;
  for (let i = 0; i < n; i++) positives += labels[i] === 1 ? 1 : 0;
  const hi = (positives + 1) / (positives + 2);
  const lo = 1 / (n - positives + 2);
  const target = (i: number): number => (labels[i] === 1 ? hi : lo);
  const loss = (a: number, b: number): number => {
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const z = a * (scores[i] as number) + b;
      const t = target(i);
      sum += t * softplus(-z) + (1 - t) * softplus(z);
    }
    return sum;
  };
  let a = 1;
  let b = 0;
  let current = loss(a, b);
  for (let iteration = 0; iteration < 100; iteration++) {
    let ga = 0;
    let gb = 0;
    let haa = 1e-12;
    let hab = 0;
    let hbb = 1e-12;
    for (let i = 0; i < n; i++) {
      const s = scores[i] as number;
      const p = sigmoid(a * s + b);
      const r = p - target(i);
      const c = p * (1 - p);
      ga += r * s;
      gb += r;
      haa += c * s * s;
      hab += c * s;
      hbb += c;
    }
    if (Math.max(Math.abs(ga), Math.abs(gb)) < 1e-10 * Math.max(1, n)) break;
    const step = choleskySolve(Float64Array.of(haa, hab, hab, hbb), Float64Array.of(ga, gb), 2);
    if (step === null) break;
    let scale = 1;
    let moved = false;
    for (let halvings = 0; halvings < 30 && !moved; halvings++, scale /= 2) {
      const na = a - scale * (step[0] as number);
      const nb = b - scale * (step[1] as number);
      const value = loss(na, nb);
      if (value <= current) {
        moved = current - value > 1e-15 * Math.max(1, current);
        a = na;
        b = nb;
        current = value;
        break;
      }
    }
    if (!moved) break;
  }
  return { format: 'calibrator@1', method: 'platt', a, b };
}

/** Isotonic regression (pool adjacent violators) of labels on scores, increasing. */
export function fitIsotonic(scores: ArrayLike<number>, labels: ArrayLike<number>): Calibrator {
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((i, j) => (scores[i] as number) - (scores[j] as number));
  // Blocks of equal scores first (ties share one fitted value), then pooled while decreasing.
  const xs: number[] = [];
  const sums: number[] = [];
  const counts: number[] = [];
  for (const i of order) {
    const s = scores[i] as number;
    const yv = labels[i] === 1 ? 1 : 0;
    if (xs.length > 0 && xs[xs.length - 1] === s) {
      sums[sums.length - 1] = (sums[sums.length - 1] as number) + yv;
      counts[counts.length - 1] = (counts[counts.length - 1] as number) + 1;
    } else {
      xs.push(s);
      sums.push(yv);
      counts.push(1);
    }
  }
  // Pool: a stack of blocks, each with its first x index, sum and count.
  const start: number[] = [];
  const blockSum: number[] = [];
  const blockCount: number[] = [];
  for (let k = 0; k < xs.length; k++) {
    start.push(k);
    blockSum.push(sums[k] as number);
    blockCount.push(counts[k] as number);
    while (blockSum.length > 1) {
      const last = blockSum.length - 1;
      if ((blockSum[last - 1] as number) / (blockCount[last - 1] as number) <= (blockSum[last] as number) / (blockCount[last] as number)) break;
      blockSum[last - 1] = (blockSum[last - 1] as number) + (blockSum[last] as number);
      blockCount[last - 1] = (blockCount[last - 1] as number) + (blockCount[last] as number);
      blockSum.pop();
      blockCount.pop();
      start.pop();
    }
  }
  const fitted = new Array<number>(xs.length);
  for (let block = 0; block < start.length; block++) {
    const from = start[block] as number;
    const to = block + 1 < start.length ? (start[block + 1] as number) : xs.length;
    const value = (blockSum[block] as number) / (blockCount[block] as number);
    for (let k = from; k < to; k++) fitted[k] = value;
  }
  return { format: 'calibrator@1', method: 'isotonic', x: xs, y: fitted };
}

/** The calibrated probability of one raw score. */
export function calibrate(calibrator: Calibrator, score: number): number {
  if (calibrator.method === 'platt') return sigmoid(calibrator.a * score + calibrator.b);
  const { x, y } = calibrator;
  if (x.length === 0) return 0.5;
  if (score <= (x[0] as number)) return y[0] as number;
  if (score >= (x[x.length - 1] as number)) return y[y.length - 1] as number;
  let low = 0;
  let high = x.length - 1;
  while (high - low > 1) {
    const mid = (low + high) >>> 1;
    if ((x[mid] as number) <= score) low = mid;
    else high = mid;
  }
  const x0 = x[low] as number;
  const x1 = x[high] as number;
  const y0 = y[low] as number;
  const y1 = y[high] as number;
  return x1 === x0 ? y1 : y0 + ((y1 - y0) * (score - x0)) / (x1 - x0);
}
