import { describe, expect, it } from 'vitest';
import { sampleRatioMismatch } from './srm.js';

describe('sampleRatioMismatch', () => {
  it('flags a 50/50 test that came out 50.0 / 51.5 at 100k units, not one within noise', () => {
    expect(sampleRatioMismatch([50_000, 51_500], [1, 1]).mismatch).toBe(true);
    const ok = sampleRatioMismatch([50_000, 50_200], [1, 1]);
    expect(ok.mismatch).toBe(false);
    expect(ok.pValue).toBeGreaterThan(0.5);
    expect(ok.expected).toEqual([50_100, 50_100]);
  });
  it('uses the configured weights and threshold', () => {
    expect(sampleRatioMismatch([1000, 2000, 3000], [1, 2, 3]).statistic).toBe(0);
    const r = sampleRatioMismatch([480, 520], [1, 1], { threshold: 0.5 });
    expect(r.pValue).toBeCloseTo(0.2059, 3);
    expect(r.mismatch).toBe(true);
  });
  it('rejects malformed input', () => {
    expect(() => sampleRatioMismatch([1, 2], [1])).toThrow(RangeError);
    expect(() => sampleRatioMismatch([1], [1])).toThrow(RangeError);
    expect(() => sampleRatioMismatch([1, 2], [1, 0])).toThrow(RangeError);
  });
});
