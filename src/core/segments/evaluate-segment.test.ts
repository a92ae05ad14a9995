import { describe, expect, it } from 'vitest';
import { makeEvent } from '../../../test/builders/make-event.js';
import type { NormalizedEvent } from '../events/event.js';
import type { JsonObject } from '../shared/json.js';
import { MS_PER_DAY, MS_PER_HOUR } from '../shared/time.js';
import { compileSegmentRule, DEFAULT_RULE_SCHEMA } from './compile-segment-rule.js';
import { createBehaviorViewFromEvents } from './create-behavior-view-from-events.js';
import type { SegmentInput, SegmentMatch } from './evaluate-segment.js';
import { evaluateSegment } from './evaluate-segment.js';
import { parseSegmentRule } from './parse-segment-rule.js';

const NOW_MS = Date.UTC(2024, 2, 15, 12);

function track(event: string, atMs: number, properties: JsonObject = {}, messageId?: string): NormalizedEvent {
  return makeEvent({ type: 'track', event, timestampMs: atMs, properties, ...(messageId === undefined ? {} : { messageId }) });
}

function input(overrides: Partial<Omit<SegmentInput, 'behavior'>> & { events?: readonly NormalizedEvent[] } = {}): SegmentInput {
  return {
    traits: overrides.traits ?? {},
    features: overrides.features ?? {},
    computed: overrides.computed ?? {},
    predicted: overrides.predicted ?? {},
    segments: overrides.segments ?? new Set<string>(),
    behavior: createBehaviorViewFromEvents(overrides.events ?? []),
  };
}

function evaluate(text: string, data: SegmentInput, nowMs = NOW_MS): SegmentMatch {
  const parsed = parseSegmentRule(text);
  if (!parsed.ok) throw new Error(parsed.error.message);
  const compiled = compileSegmentRule(parsed.value, DEFAULT_RULE_SCHEMA);
  if (!compiled.ok) throw new Error(JSON.stringify(compiled.error));
  return evaluateSegment(compiled.value, data, nowMs);
}

describe('evaluateSegment', () => {
  it('explains comparisons with the numbers', () => {
    expect(evaluate('features.frequency >= 3', input({ features: { frequency: 4 } }))).toEqual({ matched: true, reasons: ['frequency is 4 (≥ 3)'], nextChangeAtMs: null });
    expect(evaluate('features.frequency >= 3', input({ features: { frequency: 2 } })).reasons).toEqual(['frequency is 2 (needs ≥ 3)']);
    expect(evaluate('traits.country in ["UK", "FR"]', input({ traits: { country: 'UK' } })).reasons).toEqual(['traits.country is "UK" (one of ["UK", "FR"])']);
  });

  it('never matches a missing value, except not_exists; neq and not_in included', () => {
    const empty = input({ traits: { nothing: null } });
    for (const text of ['traits.x = 1', 'traits.x != 1', 'traits.x not in [1]', 'traits.nothing != 1', 'traits.x exists', 'features.recencyDays < 3']) {
      expect(evaluate(text, empty).matched, text).toBe(false);
    }
    expect(evaluate('traits.x not exists', empty)).toMatchObject({ matched: true, reasons: ['traits.x is missing'] });
    expect(evaluate('traits.x != 1', empty).reasons).toEqual(['traits.x is missing (needs ≠ 1)']);
    expect(evaluate('not traits.x = 1', empty).matched).toBe(true);
  });

  it('only the deciding children give reasons', () => {
    const data = input({ features: { frequency: 4 }, traits: { country: 'DE' }, segments: new Set(['vip']) });
    const rule = 'features.frequency >= 3 and traits.country in ["UK", "FR"] and not in_segment("vip")';
    expect(evaluate(rule, data)).toEqual({
      matched: false,
      reasons: ['traits.country is "DE" (needs one of ["UK", "FR"])', 'is in segment "vip"'],
      nextChangeAtMs: null,
    });
    expect(evaluate('traits.country = "DE" or features.frequency > 10', data).reasons).toEqual(['traits.country is "DE" (= "DE")']);
  });

  it('counts behavior in a window and says when the window will drop an event', () => {
    const views = [1, 3, 10, 20, 40].map((days, i) => track('Product Viewed', NOW_MS - days * MS_PER_DAY, { category: i === 4 ? 'Pens' : 'Mugs' }));
    const data = input({ events: views });
    const result = evaluate('did "Product Viewed" where category = "Mugs" at least 3 times within 30 days', data);
    expect(result).toEqual({
      matched: true,
      reasons: ['did Product Viewed where category = "Mugs" 4 times in the last 30 days (≥ 3)'],
      // the 3rd most recent (10 days ago) leaves the window 30 days after it happened
      nextChangeAtMs: NOW_MS - 10 * MS_PER_DAY + 30 * MS_PER_DAY + 1,
    });
    expect(evaluate('did "Product Viewed" at most 2 times within 30 days', data).nextChangeAtMs).toBe(NOW_MS - 10 * MS_PER_DAY + 30 * MS_PER_DAY + 1);
    expect(evaluate('did "Product Viewed" exactly 4 times within 30 days', data).nextChangeAtMs).toBe(NOW_MS - 20 * MS_PER_DAY + 30 * MS_PER_DAY + 1);
    expect(evaluate('did "Product Viewed" at least 9 times within 30 days', data).nextChangeAtMs).toBeNull();
    expect(evaluate('did "Product Viewed" at least 5 times', data).reasons).toEqual(['did Product Viewed 5 times ever (≥ 5)']);
  });

  it('did not: holds with no matching event, and expires when the last one leaves the window', () => {
    const data = input({ events: [track('Order Completed', NOW_MS - 3 * MS_PER_DAY)] });
    expect(evaluate('did not "Order Completed" within 14 days', data)).toEqual({
      matched: false,
      reasons: ['did Order Completed 1 time in the last 14 days (needs none)'],
      nextChangeAtMs: NOW_MS + 11 * MS_PER_DAY + 1,
    });
    expect(evaluate('did not "Order Completed" within 2 days', data)).toEqual({ matched: true, reasons: ['did not do Order Completed in the last 2 days'], nextChangeAtMs: null });
    expect(evaluate('did not "Order Completed" within 14 days', data, NOW_MS + 11 * MS_PER_DAY + 1).matched).toBe(true);
    expect(evaluate('did not "Order Completed" since "2024-03-12T00:00:00Z"', data).matched).toBe(false);
    expect(evaluate('did not "Order Completed" since "2024-03-12T00:00:00Z"', data).nextChangeAtMs).toBeNull();
  });

  it('ignores events stamped after nowMs', () => {
    const data = input({ events: [track('Order Completed', NOW_MS + MS_PER_HOUR)] });
    expect(evaluate('did "Order Completed"', data).matched).toBe(false);
  });

  it('sequences: viewed then did not buy within 2 days, pending until the 2 days pass', () => {
    const viewAt = NOW_MS - MS_PER_DAY;
    const data = input({ events: [track('Product Viewed', viewAt)] });
    const rule = 'did "Product Viewed" then did not "Order Completed" within 2 days';
    const pending = evaluate(rule, data);
    expect(pending.matched).toBe(false);
    expect(pending.nextChangeAtMs).toBe(viewAt + 2 * MS_PER_DAY + 1);
    expect(pending.reasons[0]).toMatch(/^did Product Viewed, but its 2 days for Order Completed are not over until/);
    const later = evaluate(rule, data, viewAt + 2 * MS_PER_DAY + 1);
    expect(later.matched).toBe(true);
    expect(later.reasons[0]).toMatch(/^did Product Viewed with no Order Completed within 2 days after it \(1 time, latest /);
    const bought = input({ events: [track('Product Viewed', viewAt), track('Order Completed', viewAt + MS_PER_DAY)] });
    expect(evaluate(rule, bought, NOW_MS + 5 * MS_PER_DAY)).toMatchObject({ matched: false, nextChangeAtMs: null });
    expect(evaluate('did "Product Viewed" then did "Order Completed" within 2 days', bought).matched).toBe(true);
  });

  it('sequences with a lookback expire when the first step leaves it', () => {
    const viewAt = NOW_MS - 5 * MS_PER_DAY;
    const data = input({ events: [track('Product Viewed', viewAt, {}, 'a'), track('Order Completed', viewAt + MS_PER_HOUR, {}, 'b')] });
    const result = evaluate('did "Product Viewed" within 7 days then did "Order Completed" within 1 day', data);
    expect(result).toMatchObject({ matched: true, nextChangeAtMs: viewAt + 7 * MS_PER_DAY + 1 });
  });

  it('relative dates on traits, in ms or ISO', () => {
    const signup = NOW_MS - 3 * MS_PER_DAY;
    const data = input({ traits: { signup_at: new Date(signup).toISOString(), created: signup } });
    expect(evaluate('traits.signup_at within last 7 days', data)).toEqual({
      matched: true,
      reasons: ['traits.signup_at is 2024-03-12T12:00:00.000Z, 3 days ago (within the last 7 days)'],
      nextChangeAtMs: signup + 7 * MS_PER_DAY + 1,
    });
    expect(evaluate('traits.created more than 7 days ago', data)).toMatchObject({ matched: false, nextChangeAtMs: signup + 7 * MS_PER_DAY + 1 });
    expect(evaluate('traits.created more than 1 day ago', data)).toMatchObject({ matched: true, nextChangeAtMs: null });
  });

  it('geo: haversine distance from the point', () => {
    const london = input({ traits: { latitude: 51.5074, longitude: -0.1278 } });
    expect(evaluate('geo within 50 km of (51.75, -1.25)', london)).toMatchObject({ matched: false, reasons: ['is 82.02 km from (51.75, -1.25) (needs ≤ 50 km)'] });
    expect(evaluate('geo within 100 km of (51.75, -1.25)', london).matched).toBe(true);
    expect(evaluate('geo within 100 km of (51.75, -1.25)', input()).reasons).toEqual(['location is missing (needs latitude/longitude within 100 km of (51.75, -1.25))']);
  });

  it('time-moving features: day windows look again at UTC midnight, recency at its crossing', () => {
    expect(evaluate('features.ordersLast30d >= 1', input({ features: { ordersLast30d: 1 } })).nextChangeAtMs).toBe(Date.UTC(2024, 2, 16));
    expect(evaluate('features.recencyDays > 30', input({ features: { recencyDays: 29.5 } })).nextChangeAtMs).toBe(NOW_MS + MS_PER_DAY / 2);
    expect(evaluate('features.recencyDays > 30', input({ features: { recencyDays: 31 } })).nextChangeAtMs).toBeNull();
    expect(evaluate('features.buyingStage.stage = "customer"', input({ features: { buyingStage: { stage: 'customer' } } }))).toMatchObject({ matched: true, nextChangeAtMs: null });
  });

  it('predicted and computed values, loose number equality, contains on arrays', () => {
    const data = input({ predicted: { churn: 0.8 }, computed: { orders: '5', tags: ['a', 'b'] } });
    expect(evaluate('predicted.churn > 0.7', data).reasons).toEqual(['predicted.churn is 0.8 (> 0.7)']);
    expect(evaluate('computed.orders = 5', data).matched).toBe(true);
    expect(evaluate('computed.tags contains "b"', data).matched).toBe(true);
    expect(evaluate('computed.tags starts_with "a"', data).matched).toBe(false);
  });

  it('where clauses read nested properties and array items, with or/not', () => {
    const data = input({ events: [track('Order Completed', NOW_MS - MS_PER_HOUR, { products: [{ category: 'Mugs' }], price: 2 }), track('Order Completed', NOW_MS - 2 * MS_PER_HOUR, { products: 'none', price: 9 })] });
    expect(evaluate('did "Order Completed" where (products.0.category = "Mugs" or not price > 3) exactly 1 time', data).matched).toBe(true);
    expect(evaluate('did "Order Completed" where products.x.category exists', data).matched).toBe(false);
  });

  it('never throws on values outside the range of a date', () => {
    expect(evaluate('traits.at within last 1 day', input({ traits: { at: 1e300 } })).matched).toBe(false);
    expect(evaluate('features.lastSeenMs > 5', input({ features: { lastSeenMs: 1e300 } })).reasons).toEqual(['lastSeenMs is 1e+300 (> 1970-01-01T00:00:00.005Z)']);
    expect(compileSegmentRule({ kind: 'did', event: 'A', since: 1e20 }, DEFAULT_RULE_SCHEMA).ok).toBe(false);
  });
});
