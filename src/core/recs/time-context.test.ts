import { describe, expect, it } from 'vitest';
import { makeLog } from '../../../test/builders/interaction-log.js';
import { PURCHASE, VIEW } from './interaction-log.js';
import { dayBucket, fitTimeContext, hourBucket, timeFactor } from './time-context.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;
/** 2024-01-06 is a Saturday, 2024-01-08 a Monday. */
const SAT = Date.UTC(2024, 0, 6);
const MON = Date.UTC(2024, 0, 8);
const SUN = Date.UTC(2024, 0, 7);


describe('time buckets', () => {
  it('match Date#getUTCHours / 4 and Date#getUTCDay, before and after 1970', () => {
    for (let t = Date.UTC(1969, 11, 20); t < Date.UTC(1970, 0, 20); t += 5 * HOUR + 7 * 60_000) {
      const d = new Date(t);
      expect(hourBucket(t)).toBe(Math.floor(d.getUTCHours() / 4));
      expect(dayBucket(t)).toBe(d.getUTCDay());
    }
    expect(dayBucket(SAT)).toBe(6);
    expect(dayBucket(SUN + 23 * HOUR)).toBe(0);
    expect(hourBucket(SAT + 3 * HOUR + 59 * 60_000)).toBe(0);
    expect(hourBucket(SAT + 4 * HOUR)).toBe(1);
  });
});

describe('fitTimeContext', () => {
  // Item 0 (A) is only bought on Saturday mornings (08:00, bucket 2), item 1 (B) only on Monday
  // evenings (20:00, bucket 5), 20 times each over 20 weeks; item 2 never appears.
  const rows: [number, number, number, number][] = [];
  for (let w = 0; w < 20; w++) {
    rows.push([w, 0, PURCHASE, SAT + w * 7 * DAY + 8 * HOUR]);
    rows.push([w, 1, w % 2 === 0 ? VIEW : PURCHASE, MON + w * 7 * DAY + 20 * HOUR]);
  }
  const log = makeLog(20, 3, rows);

  it('uses both dimensions when item and time are fully associated', () => {
    const m = fitTimeContext(log);
    // A 2 × 2 table after dropping empty buckets, perfectly associated: χ² = n = 40, V = 1.
    for (const e of [m.evidence.hour, m.evidence.day]) {
      expect(e.chiSquare).toBeCloseTo(40, 9);
      expect(e.dof).toBe(1);
      expect(e.rows).toBe(40);
      expect(e.cramersV).toBeCloseTo(1, 12);
      expect(e.correctedV).toBeCloseTo(1, 12);
      expect(e.used).toBe(true);
    }
    expect(m.evidence.hour.reason).toContain('time of day changes what people pick');
    expect(m.hour?.buckets).toBe(6);
    expect(m.day?.buckets).toBe(7);
    // p = 1/2 in A's and B's buckets; A in its own bucket: (20 + 20·½) / (20 + 20) / ½ = 1.5;
    // in B's bucket: (0 + 10) / 40 / ½ = 0.5; buckets nobody uses: 1.
    expect(Array.from(m.hour?.factors.subarray(0, 6) ?? [])).toEqual([1, 1, 1.5, 1, 1, 0.5]);
    expect(Array.from(m.hour?.factors.subarray(6, 12) ?? [])).toEqual([1, 1, 0.5, 1, 1, 1.5]);
    expect(Array.from(m.day?.factors.subarray(0, 7) ?? [])).toEqual([1, 0.5, 1, 1, 1, 1, 1.5]);
    // Item 2 is outside the table.
    expect(Array.from(m.hour?.factors.subarray(12, 18) ?? [])).toEqual([1, 1, 1, 1, 1, 1]);
    expect(timeFactor(m, 0, SAT + 100 * DAY - 2 * DAY + 9 * HOUR)).toBeCloseTo(1.5 * 1.5, 12); // a Saturday, 09:00
    expect(timeFactor(m, 1, SAT + 9 * HOUR)).toBeCloseTo(0.5 * 0.5, 12);
    expect(timeFactor(m, 0, MON + 21 * HOUR)).toBeCloseTo(0.5 * 0.5, 12);
    expect(timeFactor(m, 0, SUN + 13 * HOUR)).toBe(1);
    expect(timeFactor(m, 2, SAT + 9 * HOUR)).toBe(1);
    expect(timeFactor(m, 99, SAT + 9 * HOUR)).toBe(1);
  });

  it('shrinks with the prior and clamps to maxFactor', () => {
    const m = fitTimeContext(log, { prior: 0, maxFactor: 1.5 });
    // Unshrunk: 20/20/½ = 2 -> 1.5; 0 -> 1/1.5.
    const f = m.hour?.factors;
    expect(f?.[2]).toBe(1.5);
    expect(f?.[5]).toBeCloseTo(1 / 1.5, 12);
    // A strong prior pulls factors toward 1: (20 + 980·½) / 1000 / ½ = 1.02.
    expect(fitTimeContext(log, { prior: 980 }).hour?.factors[2]).toBeCloseTo(1.02, 12);
  });

  it('cannot test a table of one item', () => {
    const m = fitTimeContext(log, { maxItems: 1 });
    expect(m.hour).toBeNull();
    expect(m.evidence.hour.used).toBe(false);
    expect(m.evidence.hour.rows).toBe(20);
    expect(m.evidence.hour.reason).toContain('only one item or one bucket');
    expect(timeFactor(m, 0, SAT + 8 * HOUR)).toBe(1);
    expect(fitTimeContext(makeLog(1, 1, [])).evidence.day.reason).toContain('no interactions');
  });

  it('does not use time when it is independent of the item', () => {
    // Each of 4 items once in every (4-hour block, weekday) cell: the table is exactly uniform.
    const flat: [number, number, number, number][] = [];
    for (let i = 0; i < 4; i++) {
      for (let d = 0; d < 7; d++) for (let h = 0; h < 6; h++) flat.push([i, i, VIEW, SUN + d * DAY + (4 * h + 1) * HOUR]);
    }
    const m = fitTimeContext(makeLog(4, 4, flat));
    expect(m.hour).toBeNull();
    expect(m.day).toBeNull();
    expect(m.evidence.hour.chiSquare).toBeCloseTo(0, 12);
    expect(m.evidence.hour.cramersV).toBeCloseTo(0, 12);
    expect(m.evidence.hour.dof).toBe(15);
    expect(m.evidence.day.dof).toBe(18);
    expect(m.evidence.hour.reason).toMatch(/^Cramér's V 0\.00 .* < 0\.10: time of day does not change what people pick here$/);
    expect(m.evidence.day.reason).toContain('day of week does not change');
    expect(timeFactor(m, 0, SUN)).toBe(1);
  });

  it('is not fooled by the noise of a sparse table (the plain V would be)', () => {
    // 200 items × 3,000 rows with item and time drawn independently: E[χ²] ≈ dof, so the plain V is
    // about sqrt(5/3000 · 199/5) ≈ 0.26 while the bias-corrected V stays near 0.
    let seed = 12345;
    const rand = (): number => {
      seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0;
      return seed / 4_294_967_296;
    };
    const noisy: [number, number, number, number][] = [];
    for (let k = 0; k < 3000; k++) noisy.push([0, Math.floor(rand() * 200), VIEW, SUN + Math.floor(rand() * 28 * 24) * HOUR]);
    const m = fitTimeContext(makeLog(1, 200, noisy));
    expect(m.evidence.hour.cramersV).toBeGreaterThan(0.15);
    expect(m.evidence.hour.correctedV).toBeLessThan(0.1);
    expect(m.evidence.day.cramersV).toBeGreaterThan(0.15);
    expect(m.evidence.day.correctedV).toBeLessThan(0.1);
    expect(m.hour).toBeNull();
    expect(m.day).toBeNull();
  });
});
