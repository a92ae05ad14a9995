import { describe, expect, it } from 'vitest';
import { parseSegmentRule } from './parse-segment-rule.js';
import type { SegmentRule } from './segment-rule.js';

function parsed(text: string): SegmentRule {
  const result = parseSegmentRule(text);
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

function failure(text: string) {
  const result = parseSegmentRule(text);
  if (result.ok) throw new Error(`expected a parse error for ${text}`);
  return result.error;
}

describe('parseSegmentRule', () => {
  it('reads the issue example into and/compare/not/in_segment', () => {
    expect(parsed('features.frequency >= 3 and traits.country in ["UK", "FR"] and not in_segment("vip")')).toEqual({
      kind: 'and',
      children: [
        { kind: 'compare', path: 'features.frequency', op: 'gte', value: 3 },
        { kind: 'compare', path: 'traits.country', op: 'in', value: ['UK', 'FR'] },
        { kind: 'not', child: { kind: 'in_segment', segment: 'vip' } },
      ],
    });
  });

  it('binds not tighter than and, and tighter than or; parentheses group', () => {
    const a = { kind: 'compare', path: 'traits.a', op: 'eq', value: 1 } as const;
    const b = { kind: 'compare', path: 'traits.b', op: 'eq', value: 2 } as const;
    const c = { kind: 'compare', path: 'traits.c', op: 'eq', value: 3 } as const;
    expect(parsed('traits.a = 1 or traits.b = 2 and traits.c = 3')).toEqual({ kind: 'or', children: [a, { kind: 'and', children: [b, c] }] });
    expect(parsed('(traits.a = 1 or traits.b = 2) and traits.c = 3')).toEqual({ kind: 'and', children: [{ kind: 'or', children: [a, b] }, c] });
    expect(parsed('not traits.a = 1 and traits.b = 2')).toEqual({ kind: 'and', children: [{ kind: 'not', child: a }, b] });
    expect(parsed('not (traits.a = 1 and traits.b = 2)')).toEqual({ kind: 'not', child: { kind: 'and', children: [a, b] } });
  });

  it('reads every comparison operator', () => {
    const ops: [string, unknown][] = [
      ['traits.x = "a"', { op: 'eq', value: 'a' }],
      ['traits.x == 1', { op: 'eq', value: 1 }],
      ['traits.x != true', { op: 'neq', value: true }],
      ['traits.x > -0.5', { op: 'gt', value: -0.5 }],
      ['traits.x >= 1e3', { op: 'gte', value: 1000 }],
      ['traits.x < 2', { op: 'lt', value: 2 }],
      ['traits.x <= 2', { op: 'lte', value: 2 }],
      ['traits.x between 1 and 5', { op: 'between', value: [1, 5] }],
      ['traits.x in [1, "b"]', { op: 'in', value: [1, 'b'] }],
      ['traits.x not in ["a"]', { op: 'not_in', value: ['a'] }],
      ['traits.x contains "mug"', { op: 'contains', value: 'mug' }],
      ['traits.x starts_with "+44"', { op: 'starts_with', value: '+44' }],
      ['traits.x exists', { op: 'exists' }],
      ['traits.x not exists', { op: 'not_exists' }],
      ['traits.x within last 7 days', { op: 'within_last', value: { days: 7 } }],
      ['traits.x more than 1 hour ago', { op: 'more_than_ago', value: { hours: 1 } }],
    ];
    for (const [text, expected] of ops) expect(parsed(text), text).toEqual({ kind: 'compare', path: 'traits.x', ...(expected as object) });
  });

  it('reads behavioral conditions, counts and windows', () => {
    expect(parsed('did "Product Viewed" where category = "Mugs" at least 3 times within 30 days')).toEqual({
      kind: 'did',
      event: 'Product Viewed',
      where: { kind: 'compare', path: 'category', op: 'eq', value: 'Mugs' },
      count: { op: 'gte', value: 3 },
      within: { days: 30 },
    });
    expect(parsed('did not "Order Completed" within 14 days')).toEqual({ kind: 'did_not', event: 'Order Completed', within: { days: 14 } });
    expect(parsed('did "A" exactly 1 time since "2024-01-01T00:00:00Z"')).toEqual({ kind: 'did', event: 'A', count: { op: 'eq', value: 1 }, since: '2024-01-01T00:00:00Z' });
    expect(parsed('did "A" at most 2 times')).toEqual({ kind: 'did', event: 'A', count: { op: 'lte', value: 2 } });
    expect(parsed('did "A" where (price > 5 and not currency = "EUR") within 2 weeks')).toEqual({
      kind: 'did',
      event: 'A',
      where: {
        kind: 'and',
        children: [
          { kind: 'compare', path: 'price', op: 'gt', value: 5 },
          { kind: 'not', child: { kind: 'compare', path: 'currency', op: 'eq', value: 'EUR' } },
        ],
      },
      within: { weeks: 2 },
    });
  });

  it('keeps the where clause to one condition so the outer `and` stays outside', () => {
    expect(parsed('did "A" where x = 1 and traits.y = 2')).toEqual({
      kind: 'and',
      children: [
        { kind: 'did', event: 'A', where: { kind: 'compare', path: 'x', op: 'eq', value: 1 } },
        { kind: 'compare', path: 'traits.y', op: 'eq', value: 2 },
      ],
    });
  });

  it('reads sequences, with an optional lookback on the first step', () => {
    expect(parsed('did "Product Viewed" then did not "Order Completed" within 2 days')).toEqual({
      kind: 'sequence',
      first: { event: 'Product Viewed' },
      then: { kind: 'did_not', event: 'Order Completed' },
      within: { days: 2 },
    });
    expect(parsed('did "A" where x = 1 within 30 days then did "B" within 1 hour')).toEqual({
      kind: 'sequence',
      first: { event: 'A', where: { kind: 'compare', path: 'x', op: 'eq', value: 1 }, within: { days: 30 } },
      then: { kind: 'did', event: 'B' },
      within: { hours: 1 },
    });
  });

  it('reads geo, in_segment and predicted scores', () => {
    expect(parsed('geo within 50 km of (51.5, -0.12)')).toEqual({ kind: 'geo_within', center: { lat: 51.5, lon: -0.12 }, radiusKm: 50 });
    expect(parsed('geo within 5 km of (0, 0) using traits.lat, traits.lon')).toEqual({
      kind: 'geo_within',
      center: { lat: 0, lon: 0 },
      radiusKm: 5,
      latPath: 'traits.lat',
      lonPath: 'traits.lon',
    });
    expect(parsed('predicted.churn > 0.7')).toEqual({ kind: 'compare', path: 'predicted.churn', op: 'gt', value: 0.7 });
  });

  it('decodes string escapes', () => {
    expect(parsed('traits.x = "a\\"b\\\\c\\n\\u00e9"')).toEqual({ kind: 'compare', path: 'traits.x', op: 'eq', value: 'a"b\\c\né' });
  });

  it('says what is missing, where, and what would be accepted', () => {
    const error = failure('features.frequency >= and traits.x = 1');
    expect(error.message).toBe("expected a value after '>=', found 'and' at line 1, column 23");
    expect(error.position).toEqual({ offset: 22, line: 1, column: 23 });
    expect(error.expected).toContain('a number');
  });

  it('counts lines and columns across newlines', () => {
    const error = failure('traits.a = 1\nand traits.b >');
    expect(error.position).toEqual({ offset: 27, line: 2, column: 15 });
    expect(error.message).toContain('the end of the rule at line 2, column 15');
  });

  it('explains the common mistakes', () => {
    expect(failure('frequency >= 3').message).toMatch(/^'frequency' is not a known path: a path starts with traits\./);
    expect(failure("traits.x = 'a'").message).toBe("unexpected character ''' (strings use double quotes) at line 1, column 12");
    expect(failure('traits.x = "abc').message).toBe('this string is never closed: add a closing " at line 1, column 12');
    expect(failure('did not "A" at least 2 times').message).toMatch(/'did not' takes no count/);
    expect(failure('did "A" then did "B"').message).toMatch(/a sequence needs 'within'/);
    expect(failure('traits.x within last 7 parsecs').expected).toEqual(['seconds', 'minutes', 'hours', 'days', 'weeks']);
    expect(failure('(traits.x = 1').message).toBe("expected ')' to close the parenthesis, found the end of the rule at line 1, column 14");
    expect(failure('traits.x = 1 traits.y = 2').message).toBe("expected 'and', 'or' or the end of the rule, found 'traits.y' at line 1, column 14");
    expect(failure('').message).toBe('expected a condition, found the end of the rule at line 1, column 1');
    expect(failure('traits.x = 1e999').message).toMatch(/too large/);
  });
});
