import { describe, expect, it } from 'vitest';
import { RFM_SEGMENT_KEYS } from './rfm-segments.js';
import { summarizeRfm } from './summarize-rfm.js';

describe('summarizeRfm', () => {
  it('lists every segment in order, with zeros and nulls for an empty input', () => {
    const summary = summarizeRfm([]);
    expect(summary.customers).toBe(0);
    expect(summary.revenue).toBe(0);
    expect(summary.segments.map((s) => s.key)).toEqual(RFM_SEGMENT_KEYS);
    expect(summary.segments[0]).toEqual({
      key: 'champions',
      name: 'Champions',
      count: 0,
      customerShare: 0,
      revenue: 0,
      revenueShare: null,
      averageOrders: null,
      averageRecencyDays: null,
      averageMonetary: null,
    });
  });

  it('computes count, shares, average orders and recency per segment', () => {
    const summary = summarizeRfm([
      { segmentKey: 'champions', monetary: 600, frequency: 10, recencyDays: 1 },
      { segmentKey: 'champions', monetary: 200, frequency: 6, recencyDays: 3 },
      { segmentKey: 'lost', monetary: 100, frequency: 1, recencyDays: 300 },
      { segmentKey: 'lost', monetary: 100, frequency: 1, recencyDays: null },
    ]);
    expect(summary.customers).toBe(4);
    expect(summary.revenue).toBe(1000);
    const champions = summary.segments.find((s) => s.key === 'champions');
    expect(champions).toMatchObject({ count: 2, customerShare: 0.5, revenue: 800, averageOrders: 8, averageRecencyDays: 2, averageMonetary: 400 });
    expect(champions?.revenueShare).toBeCloseTo(0.8, 12);
    const lost = summary.segments.find((s) => s.key === 'lost');
    expect(lost).toMatchObject({ count: 2, customerShare: 0.5, averageOrders: 1, averageRecencyDays: 300 });
    expect(lost?.revenueShare).toBeCloseTo(0.2, 12);
    const shares = summary.segments.reduce((sum, s) => sum + s.customerShare, 0);
    expect(shares).toBeCloseTo(1, 12);
  });

  it('gives no revenue share when net revenue is not positive (refunds)', () => {
    const summary = summarizeRfm([
      { segmentKey: 'at_risk', monetary: -50, frequency: 2, recencyDays: 10 },
      { segmentKey: 'promising', monetary: 20, frequency: 1, recencyDays: 5 },
    ]);
    expect(summary.revenue).toBe(-30);
    expect(summary.segments.every((s) => s.revenueShare === null)).toBe(true);
  });

  it('throws on an unknown key from untyped data', () => {
    const bad = JSON.parse('[{"segmentKey":"vip","monetary":1,"frequency":1,"recencyDays":1}]') as Parameters<typeof summarizeRfm>[0];
    expect(() => summarizeRfm(bad)).toThrow('Unknown RFM segment key: vip');
  });
});
