import { describe, expect, it } from 'vitest';
import { parseNaiveDateTimeAsUtc } from './naive-date-time.js';
import { rowHash64Hex } from './row-hash.js';

describe('parseNaiveDateTimeAsUtc', () => {
  it('reads the ISO-like form as UTC', () => {
    expect(parseNaiveDateTimeAsUtc('2010-12-01 08:26:00')).toBe(Date.UTC(2010, 11, 1, 8, 26, 0));
    expect(parseNaiveDateTimeAsUtc('2010-12-01T08:26')).toBe(Date.UTC(2010, 11, 1, 8, 26, 0));
    expect(parseNaiveDateTimeAsUtc('2011-06-05 23:59:59.5')).toBe(Date.UTC(2011, 5, 5, 23, 59, 59, 500));
  });

  it('reads the US spreadsheet form as UTC', () => {
    expect(parseNaiveDateTimeAsUtc('12/1/2010 8:26')).toBe(Date.UTC(2010, 11, 1, 8, 26, 0));
  });

  it('refuses impossible or unknown forms', () => {
    expect(parseNaiveDateTimeAsUtc('2011-02-30 10:00')).toBeNull();
    expect(parseNaiveDateTimeAsUtc('2011-13-01 10:00')).toBeNull();
    expect(parseNaiveDateTimeAsUtc('2011-01-01 24:00')).toBeNull();
    expect(parseNaiveDateTimeAsUtc('yesterday')).toBeNull();
    expect(parseNaiveDateTimeAsUtc('')).toBeNull();
  });
});

describe('rowHash64Hex', () => {
  it('is 16 hex digits, stable, and length-delimited', () => {
    const a = rowHash64Hex(['ab', 'c']);
    expect(a).toMatch(/^[0-9a-f]{16}$/);
    expect(rowHash64Hex(['ab', 'c'])).toBe(a);
    expect(rowHash64Hex(['a', 'bc'])).not.toBe(a);
  });

  it('does not collide on 200k similar rows', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200_000; i++) seen.add(rowHash64Hex(['row', String(i), 'WHITE HANGING HEART', '2.55']));
    expect(seen.size).toBe(200_000);
  });
});
