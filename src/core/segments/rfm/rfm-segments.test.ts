import { describe, expect, it } from 'vitest';
import { nameRfmSegment, RFM_GRID, RFM_SEGMENT_KEYS, RFM_SEGMENTS, rescaleRfmScoreToFive } from './rfm-segments.js';
import type { RfmSegmentKey } from './rfm-segments.js';

/** The published (Putler) ranges each cell must lie inside: [rMin, rMax, fmMin, fmMax]. */
const PUBLISHED_RANGES: Readonly<Record<RfmSegmentKey, readonly [number, number, number, number]>> = {
  champions: [4, 5, 4, 5],
  loyal_customers: [2, 5, 3, 5],
  potential_loyalist: [3, 5, 1, 3],
  new_customers: [4, 5, 1, 1],
  promising: [3, 4, 1, 1],
  need_attention: [2, 3, 2, 3],
  about_to_sleep: [2, 3, 1, 2],
  at_risk: [1, 2, 2, 5],
  cant_lose_them: [1, 1, 4, 5],
  hibernating: [1, 2, 1, 2],
  lost: [1, 2, 1, 2],
};

describe('RFM segment table', () => {
  it('has 11 segments with distinct keys and names, each with a description and an action', () => {
    expect(RFM_SEGMENT_KEYS).toHaveLength(11);
    expect(new Set(RFM_SEGMENT_KEYS).size).toBe(11);
    expect(new Set(RFM_SEGMENTS.map((s) => s.name)).size).toBe(11);
    for (const s of RFM_SEGMENTS) {
      expect(s.description.length).toBeGreaterThan(10);
      expect(s.recommendedAction.length).toBeGreaterThan(10);
    }
  });

  it('is a 5 × 5 grid using every segment, each cell inside its published ranges', () => {
    expect(RFM_GRID).toHaveLength(5);
    const used = new Set<RfmSegmentKey>();
    RFM_GRID.forEach((row, rowIndex) => {
      expect(row).toHaveLength(5);
      row.forEach((key, column) => {
        const r = 5 - rowIndex;
        const fm = column + 1;
        const [rMin, rMax, fmMin, fmMax] = PUBLISHED_RANGES[key];
        expect({ key, r, fm, inside: r >= rMin && r <= rMax && fm >= fmMin && fm <= fmMax }).toEqual({ key, r, fm, inside: true });
        used.add(key);
      });
    });
    expect([...used].sort()).toEqual([...RFM_SEGMENT_KEYS].sort());
  });

  it('maps every (R, F, M) of 1..5 to exactly one segment, the one of cell (R, floor((F+M)/2))', () => {
    const counts = new Map<RfmSegmentKey, number>();
    let combinations = 0;
    for (let r = 1; r <= 5; r++) {
      for (let f = 1; f <= 5; f++) {
        for (let m = 1; m <= 5; m++) {
          const match = nameRfmSegment({ r, f, m, buckets: 5 });
          const fm = Math.floor((f + m) / 2);
          expect(match.cell).toEqual({ r, fm });
          expect(match.key).toBe(RFM_GRID[5 - r]?.[fm - 1]);
          expect(RFM_SEGMENTS.filter((s) => s.key === match.key)).toHaveLength(1);
          counts.set(match.key, (counts.get(match.key) ?? 0) + 1);
          combinations++;
        }
      }
    }
    expect(combinations).toBe(125);
    expect(counts.size).toBe(11);
  });

  it('names the textbook corners', () => {
    expect(nameRfmSegment({ r: 5, f: 5, m: 5, buckets: 5 }).name).toBe('Champions');
    expect(nameRfmSegment({ r: 5, f: 1, m: 1, buckets: 5 }).name).toBe('New Customers');
    expect(nameRfmSegment({ r: 1, f: 5, m: 5, buckets: 5 }).name).toBe("Can't Lose Them");
    expect(nameRfmSegment({ r: 1, f: 1, m: 1, buckets: 5 }).name).toBe('Lost');
    expect(nameRfmSegment({ r: 5, f: 1, m: 2, buckets: 5 }).key).toBe('new_customers'); // 1.5 rounds down
    expect(nameRfmSegment({ r: 2, f: 5, m: 4, buckets: 5 }).key).toBe('at_risk');
  });

  it('rescales every bucket count to the 1..5 grid, monotone, ends fixed', () => {
    expect([1, 2, 3].map((s) => rescaleRfmScoreToFive(s, 3))).toEqual([1, 3, 5]);
    expect([1, 2, 3, 4].map((s) => rescaleRfmScoreToFive(s, 4))).toEqual([1, 2, 4, 5]);
    expect([1, 2, 3, 4, 5].map((s) => rescaleRfmScoreToFive(s, 5))).toEqual([1, 2, 3, 4, 5]);
    expect([1, 2, 3, 4, 5, 6].map((s) => rescaleRfmScoreToFive(s, 6))).toEqual([1, 2, 3, 3, 4, 5]);
    expect(Array.from({ length: 10 }, (_, i) => rescaleRfmScoreToFive(i + 1, 10))).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
    for (let buckets = 3; buckets <= 10; buckets++) {
      expect(rescaleRfmScoreToFive(1, buckets)).toBe(1);
      expect(rescaleRfmScoreToFive(buckets, buckets)).toBe(5);
      for (let s = 2; s <= buckets; s++) {
        expect(rescaleRfmScoreToFive(s, buckets)).toBeGreaterThanOrEqual(rescaleRfmScoreToFive(s - 1, buckets));
      }
    }
  });

  it('maps every (R, F, M) combination of every bucket count 3..10 to exactly one segment', () => {
    for (let buckets = 3; buckets <= 10; buckets++) {
      for (let r = 1; r <= buckets; r++) {
        for (let f = 1; f <= buckets; f++) {
          for (let m = 1; m <= buckets; m++) {
            const match = nameRfmSegment({ r, f, m, buckets });
            expect(RFM_SEGMENT_KEYS).toContain(match.key);
            expect(match.cell.r).toBe(rescaleRfmScoreToFive(r, buckets));
          }
        }
      }
      expect(nameRfmSegment({ r: buckets, f: buckets, m: buckets, buckets }).key).toBe('champions');
      expect(nameRfmSegment({ r: 1, f: 1, m: 1, buckets }).key).toBe('lost');
    }
  });

  it('refuses a score outside 1..buckets', () => {
    expect(() => nameRfmSegment({ r: 6, f: 1, m: 1, buckets: 5 })).toThrow('score must be an integer in 1..5, got 6');
    expect(() => nameRfmSegment({ r: 1, f: 0, m: 1, buckets: 5 })).toThrow(RangeError);
    expect(() => rescaleRfmScoreToFive(1.5, 5)).toThrow(RangeError);
  });
});
