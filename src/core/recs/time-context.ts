import type { InteractionLog } from './interaction-log.js';
import { topK } from './interactions.js';

/**
 * Time-of-day and day-of-week re-weighting, used only where the data shows that time changes what
 * people pick (breakfast cereal in the morning, party supplies on Fridays), and left out otherwise.
 *
 * Per dimension (6 buckets of 4 UTC hours: 0–3, 4–7, …, 20–23; 7 UTC days, 0 = Sunday as
 * Date#getUTCDay) the item × bucket contingency table of all rows (any kind) of the most active items
 * is tested for association. The dimension is used when the bias-corrected Cramér's V reaches
 * `minCramersV`: the plain V = sqrt(χ² / (n · (min(r, c) − 1))) of a sparse table is inflated by noise
 * alone (under independence E[χ²] ≈ (r−1)(c−1), so with 200 items and 10,000 rows V² ≈ 0.02 and V ≈ 0.14
 * even when time does not matter at all), so the decision uses Bergsma's (2013) correction
 * φ²₊ = max(0, χ²/n − (r−1)(c−1)/(n−1)), r̃ = r − (r−1)²/(n−1), c̃ = c − (c−1)²/(n−1),
 * Ṽ = sqrt(φ²₊ / min(r̃ − 1, c̃ − 1)). Both values are reported. Empty rows and columns are dropped
 * before testing.
 *
 * Factor of item i in bucket b: ((count_ib + prior · p_b) / (count_i + prior)) / p_b, with p_b the
 * share of bucket b among all rows of the log: the item's own bucket distribution shrunk toward the
 * overall one by `prior` pseudo-counts, relative to the overall one, clamped to [1/maxFactor, maxFactor].
 * Items outside the table (less active) and buckets with no rows at all get factor 1.
 */
export interface TimeEvidence {
  /** Plain Cramér's V of the table. */
  readonly cramersV: number;
  /** Bias-corrected Cramér's V (Bergsma 2013), the value compared with minCramersV. */
  readonly correctedV: number;
  readonly chiSquare: number;
  readonly dof: number;
  /** Rows in the table (rows of the most active items). */
  readonly rows: number;
  readonly used: boolean;
  readonly reason: string;
}

export interface TimeDimension {
  readonly buckets: number;
  /** nItems × buckets, row-major: multiplicative factor of item i in bucket b at [i · buckets + b]. */
  readonly factors: Float64Array;
}

export interface TimeContextModel {
  readonly hour: TimeDimension | null;
  readonly day: TimeDimension | null;
  readonly evidence: { readonly hour: TimeEvidence; readonly day: TimeEvidence };
}

export interface TimeContextOptions {
  /** Default 0.1. */
  readonly minCramersV?: number;
  /** Most active items (by rows of any kind) in the table; default 200. */
  readonly maxItems?: number;
  /** Pseudo-count shrinking an item's bucket distribution toward the overall one; default 20. */
  readonly prior?: number;
  /** Factors are clamped to [1/maxFactor, maxFactor]; default 2. */
  readonly maxFactor?: number;
}

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
export const HOUR_BUCKETS = 6;
export const DAY_BUCKETS = 7;

/** 0..5: the 4-hour UTC block of the day (0 = 00:00–03:59). */
export function hourBucket(atMs: number): number {
  const msOfDay = ((atMs % DAY_MS) + DAY_MS) % DAY_MS;
  return Math.floor(msOfDay / HOUR_MS / 4);
}

/** 0..6: the UTC day of week, 0 = Sunday (as Date#getUTCDay; 1970-01-01 was a Thursday). */
export function dayBucket(atMs: number): number {
  return (((Math.floor(atMs / DAY_MS) + 4) % 7) + 7) % 7;
}

interface Association {
  readonly chiSquare: number;
  readonly dof: number;
  readonly cramersV: number;
  readonly correctedV: number;
  readonly n: number;
}

/** Pearson χ² and Cramér's V of an r × c table of counts (row-major), empty rows and columns dropped. */
function association(table: Float64Array, r: number, c: number): Association {
  const rowSum = new Float64Array(r);
  const colSum = new Float64Array(c);
  let n = 0;
  for (let i = 0; i < r; i++) {
    for (let b = 0; b < c; b++) {
      const v = table[i * c + b] as number;
      rowSum[i] = (rowSum[i] as number) + v;
      colSum[b] = (colSum[b] as number) + v;
      n += v;
    }
  }
  let rr = 0;
  let cc = 0;
  for (let i = 0; i < r; i++) if ((rowSum[i] as number) > 0) rr++;
  for (let b = 0; b < c; b++) if ((colSum[b] as number) > 0) cc++;
  let chiSquare = 0;
  for (let i = 0; i < r; i++) {
    const ri = rowSum[i] as number;
    if (ri === 0) continue;
    for (let b = 0; b < c; b++) {
      const cb = colSum[b] as number;
      if (cb === 0) continue;
      const expected = (ri * cb) / n;
      const d = (table[i * c + b] as number) - expected;
      chiSquare += (d * d) / expected;
    }
  }
  const dof = rr > 1 && cc > 1 ? (rr - 1) * (cc - 1) : 0;
  const m = Math.min(rr, cc) - 1;
  const cramersV = m > 0 ? Math.min(1, Math.sqrt(chiSquare / (n * m))) : 0;
  let correctedV = 0;
  if (m > 0 && n > 1) {
    const phi2 = Math.max(0, chiSquare / n - ((rr - 1) * (cc - 1)) / (n - 1));
    const rt = rr - ((rr - 1) * (rr - 1)) / (n - 1);
    const ct = cc - ((cc - 1) * (cc - 1)) / (n - 1);
    const mt = Math.min(rt, ct) - 1;
    correctedV = mt > 0 ? Math.min(1, Math.sqrt(phi2 / mt)) : 0;
  }
  return { chiSquare, dof, cramersV, correctedV, n };
}

function fitDimension(
  log: InteractionLog,
  tableItems: readonly number[],
  slot: Int32Array,
  buckets: number,
  bucketOf: (atMs: number) => number,
  label: string,
  minV: number,
  prior: number,
  maxFactor: number,
): { readonly dim: TimeDimension | null; readonly evidence: TimeEvidence } {
  const nRows = log.item.length;
  const r = tableItems.length;
  const table = new Float64Array(r * buckets);
  const overall = new Float64Array(buckets);
  for (let k = 0; k < nRows; k++) {
    const b = bucketOf(log.atMs[k] as number);
    overall[b] = (overall[b] as number) + 1;
    const s = slot[log.item[k] as number] as number;
    if (s >= 0) table[s * buckets + b] = (table[s * buckets + b] as number) + 1;
  }
  const a = association(table, r, buckets);
  const fmt = (v: number): string => v.toFixed(2);
  const base = { cramersV: a.cramersV, correctedV: a.correctedV, chiSquare: a.chiSquare, dof: a.dof, rows: a.n };
  if (a.dof === 0) {
    const why = a.n === 0 ? 'no interactions' : 'only one item or one bucket has interactions';
    return { dim: null, evidence: { ...base, used: false, reason: `${why}: cannot tell whether ${label} matters` } };
  }
  const stats = `Cramér's V ${fmt(a.correctedV)} (bias-corrected; plain ${fmt(a.cramersV)})`;
  if (!(a.correctedV >= minV)) {
    return {
      dim: null,
      evidence: { ...base, used: false, reason: `${stats} < ${fmt(minV)}: ${label} does not change what people pick here` },
    };
  }
  const nItems = log.items.length;
  const factors = new Float64Array(nItems * buckets).fill(1);
  const lo = 1 / maxFactor;
  for (let t = 0; t < r; t++) {
    const item = tableItems[t] as number;
    let count = 0;
    for (let b = 0; b < buckets; b++) count += table[t * buckets + b] as number;
    for (let b = 0; b < buckets; b++) {
      const p = (overall[b] as number) / nRows;
      if (p === 0) continue;
      const f = ((table[t * buckets + b] as number) + prior * p) / (count + prior) / p;
      factors[item * buckets + b] = Math.min(maxFactor, Math.max(lo, f));
    }
  }
  return {
    dim: { buckets, factors },
    evidence: { ...base, used: true, reason: `${stats} ≥ ${fmt(minV)}: ${label} changes what people pick here` },
  };
}

export function fitTimeContext(log: InteractionLog, options?: TimeContextOptions): TimeContextModel {
  const minV = options?.minCramersV ?? 0.1;
  const maxItems = options?.maxItems ?? 200;
  const prior = options?.prior ?? 20;
  const maxFactor = options?.maxFactor ?? 2;
  if (!(Number.isInteger(maxItems) && maxItems >= 0)) throw new RangeError(`fitTimeContext: maxItems must be an integer ≥ 0, got ${maxItems}`);
  if (!(Number.isFinite(prior) && prior >= 0)) throw new RangeError(`fitTimeContext: prior must be ≥ 0, got ${prior}`);
  if (!(maxFactor >= 1)) throw new RangeError(`fitTimeContext: maxFactor must be ≥ 1, got ${maxFactor}`);
  const nItems = log.items.length;
  const activity = new Float64Array(nItems);
  for (const i of log.item) activity[i] = (activity[i] as number) + 1;
  const tableItems = topK(activity, maxItems).filter((i) => (activity[i] as number) > 0);
  const slot = new Int32Array(nItems).fill(-1);
  tableItems.forEach((item, t) => {
    slot[item] = t;
  });
  const hour = fitDimension(log, tableItems, slot, HOUR_BUCKETS, hourBucket, 'time of day', minV, prior, maxFactor);
  const day = fitDimension(log, tableItems, slot, DAY_BUCKETS, dayBucket, 'day of week', minV, prior, maxFactor);
  return { hour: hour.dim, day: day.dim, evidence: { hour: hour.evidence, day: day.evidence } };
}

/** The product of the used dimensions' factors for the item at that time (1 when none is used or the item is unknown). */
export function timeFactor(model: TimeContextModel, item: number, atMs: number): number {
  let f = 1;
  const { hour, day } = model;
  if (hour !== null) f *= hour.factors[item * hour.buckets + hourBucket(atMs)] ?? 1;
  if (day !== null) f *= day.factors[item * day.buckets + dayBucket(atMs)] ?? 1;
  return f;
}
