import { describe, expect, it } from 'vitest';
import { parseInstant } from '../shared/time.js';
import { parseEventInstant } from './parse-event-instant.js';

describe('parseEventInstant', () => {
  it('parses toISOString output', () => {
    expect(parseEventInstant('2026-11-23T11:21:50.198Z')).toBe(Date.UTC(2026, 10, 23, 11, 21, 50, 198));
    expect(parseEventInstant('2026-11-23T11:21:50Z')).toBe(Date.UTC(2026, 10, 23, 11, 21, 50));
  });

  it('returns exactly what parseInstant returns, on the fast path and off it', () => {
    const samples: unknown[] = [
      '2024-02-29T00:00:00.000Z', // leap day
      '2023-02-29T00:00:00.000Z', // not a leap year
      '1900-02-29T00:00:00.000Z',
      '2000-02-29T00:00:00.000Z',
      '2026-04-31T00:00:00.000Z',
      '2026-13-01T00:00:00.000Z',
      '2026-00-10T00:00:00.000Z',
      '2026-01-01T24:00:00.000Z',
      '2026-01-01T23:60:00.000Z',
      '2026-01-01T23:59:60.000Z',
      '0099-01-01T00:00:00.000Z',
      '0100-01-01T00:00:00.000Z',
      '2026-01-01T00:00:00.000+02:00',
      '2026-01-01 00:00:00.000Z',
      '2026-01-01T00:00:00.00xZ',
      '2026-1-01T00:00:00.000Z',
      '+2026-01-01T00:00:00.000Z'.slice(1),
      '2026-01-01',
      1767225600000,
      'not a date at all!!!',
      '',
      null,
    ];
    for (let month = 1; month <= 12; month++) {
      for (const day of [1, 28, 29, 30, 31]) {
        samples.push(`2025-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}T12:34:56.789Z`);
      }
    }
    for (const sample of samples) {
      expect(parseEventInstant(sample), String(sample)).toBe(parseInstant(sample));
    }
  });
});
