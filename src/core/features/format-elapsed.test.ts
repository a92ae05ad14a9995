import { describe, expect, it } from 'vitest';
import { MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE } from '../shared/time.js';
import { countOf, formatElapsed } from './format-elapsed.js';

describe('formatElapsed', () => {
  it.each([
    [-5000, 'just now'],
    [59_999, 'just now'],
    [MS_PER_MINUTE, '1 minute ago'],
    [59 * MS_PER_MINUTE, '59 minutes ago'],
    [2 * MS_PER_HOUR + 59 * MS_PER_MINUTE, '2 hours ago'],
    [47 * MS_PER_HOUR, '47 hours ago'],
    [2 * MS_PER_DAY, '2 days ago'],
    [400 * MS_PER_DAY + 1, '400 days ago'],
  ])('%i ms -> %s', (elapsedMs, expected) => {
    expect(formatElapsed(elapsedMs)).toBe(expected);
  });

  it('counts with plurals and at most two decimals', () => {
    expect(countOf(1, 'item')).toBe('1 item');
    expect(countOf(0, 'item')).toBe('0 items');
    expect(countOf(1.5, 'item')).toBe('1.5 items');
    expect(countOf(1 / 3, 'item')).toBe('0.33 items');
  });
});
