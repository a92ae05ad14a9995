import { describe, expect, it } from 'vitest';
import { createRng, RNG_ALGORITHM } from './rng.js';

describe('createRng', () => {
  it('is deterministic: the same seed gives the same stream', () => {
    const a = createRng(7);
    const b = createRng(7);
    const drawsA = Array.from({ length: 100 }, () => a.next());
    const drawsB = Array.from({ length: 100 }, () => b.next());
    expect(drawsA).toEqual(drawsB);
  });

  it('pins the stream of seed 42 (changing it changes every seeded model: bump RNG_ALGORITHM)', () => {
    expect(RNG_ALGORITHM).toBe('sfc32-splitmix32@1');
    const r = createRng(42);
    expect([r.next(), r.next(), r.next(), r.nextInt(1000)]).toEqual([0.6484007823746651, 0.3632245766930282, 0.7661763997748494, 88]);
  });

  it('gives unrelated streams for neighbouring seeds, and uses the high bits of large seeds', () => {
    const first = (seed: number): number => createRng(seed).next();
    const firsts = new Set([0, 1, 2, 3, 2 ** 32, 2 ** 33, -1].map(first));
    expect(firsts.size).toBe(7);
  });

  it('draws next() in [0, 1) with the mean and variance of a uniform', () => {
    const r = createRng(1);
    const n = 100_000;
    let total = 0;
    let squares = 0;
    let outside = 0;
    for (let i = 0; i < n; i++) {
      const v = r.next();
      if (!(v >= 0 && v < 1)) outside++;
      total += v;
      squares += v * v;
    }
    expect(outside).toBe(0);
    const mean = total / n;
    const variance = squares / n - mean * mean;
    // Standard error of the mean is sqrt(1/12 / n) = 0.0009; 5 standard errors.
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.0046);
    expect(variance).toBeCloseTo(1 / 12, 2);
  });

  it('draws nextInt(n) uniformly over [0, n) (chi-square, 9 degrees of freedom)', () => {
    const r = createRng(3);
    const counts = new Array<number>(10).fill(0);
    const draws = 50_000;
    for (let i = 0; i < draws; i++) {
      const v = r.nextInt(10);
      counts[v] = (counts[v] ?? 0) + 1;
    }
    expect(counts.length).toBe(10); // no draw outside [0, 10) added a slot
    const expected = draws / 10;
    const chiSquare = counts.reduce((acc, c) => acc + (c - expected) ** 2 / expected, 0);
    expect(chiSquare).toBeLessThan(27.88); // p = 0.001
  });

  it('handles nextInt(1) and nextInt(2^32), and refuses bad bounds and seeds', () => {
    const r = createRng(5);
    expect(r.nextInt(1)).toBe(0);
    expect(r.nextInt(2 ** 32)).toBeLessThan(2 ** 32);
    expect(() => r.nextInt(0)).toThrow(RangeError);
    expect(() => r.nextInt(1.5)).toThrow(RangeError);
    expect(() => r.nextInt(2 ** 32 + 1)).toThrow(RangeError);
    expect(() => createRng(Number.NaN)).toThrow(RangeError);
  });
});
