import { describe, expect, it } from 'vitest';
import { makeLog } from '../../../test/builders/interaction-log.js';
import { PURCHASE, VIEW } from './interaction-log.js';
import type { RepeatProfile } from './repeat-purchase.js';
import { fitRepeatPurchase, isDue, repeatDueScore } from './repeat-purchase.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const T0 = Date.UTC(2024, 0, 1);


const buy = (u: number, i: number, day: number, hour = 12): [number, number, number, number] => [u, i, PURCHASE, T0 + day * DAY + hour * HOUR];

describe('fitRepeatPurchase', () => {
  const rows: [number, number, number, number][] = [];
  // Item 0: buyers 0..4. User 0 buys on days 0, 7, 14 (+ a second purchase on day 7 that is not a repeat),
  // user 1 on days 0 and 8: intervals [7, 7, 8] -> median 7; 2 of 5 buyers repeat -> rate 0.4.
  rows.push(buy(0, 0, 0), buy(0, 0, 7), buy(0, 0, 7, 18), buy(0, 0, 14), buy(1, 0, 0), buy(1, 0, 8));
  for (let u = 2; u < 5; u++) rows.push(buy(u, 0, u));
  // Item 1: five buyers, one buys twice on the same day, and views do not count: never a repeat.
  for (let u = 0; u < 5; u++) rows.push(buy(u, 1, 3));
  rows.push(buy(0, 1, 3, 20), [1, 1, VIEW, T0 + 9 * DAY]);
  // Item 2: only 4 buyers, all repeat (too few buyers by default).
  for (let u = 0; u < 4; u++) rows.push(buy(u, 2, 0), buy(u, 2, 30));
  // Item 3: five buyers, one repeat across midnight UTC (23:00 then 01:00 the next day = 1 day) and
  // one after 4 days: intervals [1, 4] -> median 2.5; rate 2/5.
  rows.push(buy(0, 3, 10, 23), buy(0, 3, 11, 1), buy(1, 3, 0), buy(1, 3, 4));
  for (let u = 2; u < 5; u++) rows.push(buy(u, 3, 1));
  const log = makeLog(5, 4, rows);

  it('finds replenishable items with hand-checked profiles', () => {
    const fit = fitRepeatPurchase(log);
    expect([...fit.keys()]).toEqual([0, 3]);
    expect(fit.get(0)).toEqual({ item: 0, buyers: 5, repeatBuyers: 2, repeatRate: 0.4, medianIntervalDays: 7 });
    expect(fit.get(3)).toEqual({ item: 3, buyers: 5, repeatBuyers: 2, repeatRate: 0.4, medianIntervalDays: 2.5 });
  });

  it('applies the thresholds', () => {
    expect([...fitRepeatPurchase(log, { minBuyers: 4 }).keys()]).toEqual([0, 2, 3]);
    expect(fitRepeatPurchase(log, { minBuyers: 4 }).get(2)?.medianIntervalDays).toBe(30);
    expect([...fitRepeatPurchase(log, { minRepeatRate: 0.5 }).keys()]).toEqual([]);
    expect([...fitRepeatPurchase(log, { minIntervalDays: 3 }).keys()]).toEqual([0]);
  });
});

describe('repeatDueScore', () => {
  const profile: RepeatProfile = { item: 0, buyers: 10, repeatBuyers: 5, repeatRate: 0.5, medianIntervalDays: 10 };
  const score = (days: number): number => repeatDueScore(profile, T0, T0 + days * DAY);

  it('is 0 right after a purchase, near 0 early, 1 at the median interval', () => {
    expect(score(0)).toBe(0);
    expect(score(-1)).toBe(0);
    expect(score(2.5)).toBeLessThan(0.05);
    expect(score(10)).toBeCloseTo(1, 12);
    // 0.5 where ln(x) = −0.5·sqrt(2 ln 2).
    expect(score(10 * Math.exp(-0.5 * Math.sqrt(2 * Math.LN2)))).toBeCloseTo(0.5, 12);
  });

  it('rises monotonically to the peak and decays slowly after it', () => {
    let prev = -1;
    for (let d = 0; d <= 10; d += 0.5) {
      const s = score(d);
      expect(s).toBeGreaterThanOrEqual(prev);
      expect(s).toBeLessThanOrEqual(1);
      prev = s;
    }
    for (let d = 10; d <= 200; d += 5) {
      const s = score(d);
      expect(s).toBeLessThanOrEqual(prev);
      expect(s).toBeGreaterThanOrEqual(0);
      prev = s;
    }
    // Slower after the peak than before it: twice overdue scores more than half-way there.
    expect(score(20)).toBeGreaterThan(score(5));
    expect(score(50)).toBeCloseTo(Math.exp(-(Math.log(5) ** 2) / 2), 12);
  });

  it('isDue is score ≥ 0.5', () => {
    expect(isDue(profile, T0, T0 + 3 * DAY)).toBe(false);
    expect(isDue(profile, T0, T0 + 8 * DAY)).toBe(true);
    expect(isDue(profile, T0, T0 + 30 * DAY)).toBe(true);
    expect(isDue(profile, T0, T0 + 40 * DAY)).toBe(false);
  });

  it('rejects a non-positive interval', () => {
    expect(() => repeatDueScore({ ...profile, medianIntervalDays: 0 }, T0, T0 + DAY)).toThrow(RangeError);
  });
});
