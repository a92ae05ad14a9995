import type { InteractionLog } from './interaction-log.js';
import { PURCHASE, userRuns } from './interaction-log.js';

/**
 * Repeat-purchase awareness: replenishable items (coffee, contact lenses, pet food) come back when
 * they are due instead of being hidden as "already bought".
 *
 * From PURCHASE rows only. A user's purchases of one item are reduced to distinct UTC days; buying
 * the item on two or more different days makes the user a repeat buyer, and each gap between
 * consecutive purchase days is an interval (≥ 1 day). The median interval is taken over all the
 * intervals of all buyers of the item, pooled.
 */
export interface RepeatProfile {
  readonly item: number;
  /** Users who bought the item at least once. */
  readonly buyers: number;
  /** Users who bought it on at least two different UTC days. */
  readonly repeatBuyers: number;
  /** repeatBuyers / buyers. */
  readonly repeatRate: number;
  /** Median of the days between consecutive purchase days (pooled over buyers). */
  readonly medianIntervalDays: number;
}

export interface RepeatPurchaseOptions {
  /** Default 5. */
  readonly minBuyers?: number;
  /** Default 0.2. */
  readonly minRepeatRate?: number;
  /** Default 1. */
  readonly minIntervalDays?: number;
}

const DAY_MS = 86_400_000;

function median(values: number[]): number {
  values.sort((a, b) => a - b);
  const n = values.length;
  const mid = n >> 1;
  return n % 2 === 1 ? (values[mid] as number) : ((values[mid - 1] as number) + (values[mid] as number)) / 2;
}

/** The replenishable items (and only those), keyed by dense item index. */
export function fitRepeatPurchase(log: InteractionLog, options?: RepeatPurchaseOptions): Map<number, RepeatProfile> {
  const minBuyers = options?.minBuyers ?? 5;
  const minRepeatRate = options?.minRepeatRate ?? 0.2;
  const minIntervalDays = options?.minIntervalDays ?? 1;
  const nItems = log.items.length;
  const buyers = new Int32Array(nItems);
  const repeatBuyers = new Int32Array(nItems);
  const intervals = new Map<number, number[]>();
  const runs = userRuns(log);
  const nUsers = log.users.length;
  // One user's purchases as (item, UTC day) pairs, sorted so that each item's days are consecutive.
  const pairs: [number, number][] = [];
  for (let u = 0; u < nUsers; u++) {
    pairs.length = 0;
    const end = runs[u + 1] as number;
    for (let r = runs[u] as number; r < end; r++) {
      if (log.kind[r] !== PURCHASE) continue;
      pairs.push([log.item[r] as number, Math.floor((log.atMs[r] as number) / DAY_MS)]);
    }
    if (pairs.length === 0) continue;
    pairs.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    let p = 0;
    while (p < pairs.length) {
      const [item, firstDay] = pairs[p] as [number, number];
      let lastDay = firstDay;
      let days = 1;
      let q = p + 1;
      for (; q < pairs.length && (pairs[q] as [number, number])[0] === item; q++) {
        const day = (pairs[q] as [number, number])[1];
        if (day === lastDay) continue;
        let list = intervals.get(item);
        if (list === undefined) {
          list = [];
          intervals.set(item, list);
        }
        list.push(day - lastDay);
        lastDay = day;
        days++;
      }
      buyers[item] = (buyers[item] as number) + 1;
      if (days >= 2) repeatBuyers[item] = (repeatBuyers[item] as number) + 1;
      p = q;
    }
  }
  const out = new Map<number, RepeatProfile>();
  for (const [item, list] of [...intervals].sort((a, b) => a[0] - b[0])) {
    const b = buyers[item] as number;
    const rb = repeatBuyers[item] as number;
    if (b < minBuyers) continue;
    const repeatRate = rb / b;
    if (repeatRate < minRepeatRate) continue;
    const medianIntervalDays = median(list);
    if (medianIntervalDays < minIntervalDays) continue;
    out.set(item, { item, buyers: b, repeatBuyers: rb, repeatRate, medianIntervalDays });
  }
  return out;
}

/** Spread of the bump in ln(elapsed / interval) before the peak (rises fast) and after it (decays slowly). */
const SIGMA_EARLY = 0.5;
const SIGMA_LATE = 1;

/**
 * How due a repeat purchase is, in [0, 1]. With x = (days since the last purchase) / (median interval),
 * the score is a split log-normal bump exp(−ln(x)² / (2σ²)) peaking at 1 when x = 1, with σ = 0.5 before
 * the peak and σ = 1 after it. So it is 0 right after a purchase, about 0.02 at a quarter of the interval,
 * 0.5 at x ≈ 0.56, 1 at the interval, and only slowly fades when overdue (0.5 at x ≈ 3.2, 0.27 at x = 5,
 * 0.07 at x = 10): a customer who is late may still come back, but one who stopped long ago probably
 * switched. Monotone non-decreasing up to the peak, non-increasing after it. A purchase dated after
 * `nowMs` counts as just made (score 0).
 */
export function repeatDueScore(profile: RepeatProfile, lastPurchaseMs: number, nowMs: number): number {
  const interval = profile.medianIntervalDays;
  if (!(Number.isFinite(interval) && interval > 0)) throw new RangeError(`repeatDueScore: medianIntervalDays must be positive, got ${interval}`);
  const elapsedDays = (nowMs - lastPurchaseMs) / DAY_MS;
  if (!(elapsedDays > 0)) return 0;
  const z = Math.log(elapsedDays / interval);
  const sigma = z < 0 ? SIGMA_EARLY : SIGMA_LATE;
  return Math.exp(-(z * z) / (2 * sigma * sigma));
}

/** Whether the item is due again: repeatDueScore ≥ 0.5 (from about 0.56 to about 3.2 median intervals after the last purchase). */
export function isDue(profile: RepeatProfile, lastPurchaseMs: number, nowMs: number): boolean {
  return repeatDueScore(profile, lastPurchaseMs, nowMs) >= 0.5;
}
