import { describe, expect, it } from 'vitest';
import { makeEvent } from '../../../test/builders/make-event.js';
import type { NormalizedEvent } from '../events/event.js';
import type { JsonObject } from '../shared/json.js';
import { compileEventFilter } from './compile-event-filter.js';
import { createBehaviorViewFromEvents } from './create-behavior-view-from-events.js';

const T = Date.UTC(2024, 2, 1);
const track = (messageId: string, event: string, atMs: number, properties: JsonObject = {}): NormalizedEvent =>
  makeEvent({ messageId, type: 'track', event, timestampMs: atMs, properties });

describe('createBehaviorViewFromEvents', () => {
  const events = [
    track('m3', 'View', T + 30, { category: 'Mugs' }),
    track('m1', 'View', T + 10, { category: 'Pens' }),
    track('m2', 'View', T + 20, { category: 'Mugs' }),
    makeEvent({ messageId: 'p1', type: 'page', event: null, name: 'View', timestampMs: T + 15 }),
    track('m4', 'Buy', T + 40),
  ];
  const view = createBehaviorViewFromEvents(events);
  const mugs = compileEventFilter({ kind: 'compare', path: 'category', op: 'eq', value: 'Mugs' });

  it('counts track events by name, filter and inclusive range; other types never match', () => {
    expect(view.countMatching({ event: 'View', filter: null, sinceMs: null, untilMs: T + 100 })).toBe(3);
    expect(view.countMatching({ event: 'View', filter: mugs, sinceMs: null, untilMs: T + 100 })).toBe(2);
    expect(view.countMatching({ event: 'View', filter: null, sinceMs: T + 20, untilMs: T + 30 })).toBe(2);
    expect(view.countMatching({ event: 'Nope', filter: null, sinceMs: null, untilMs: T + 100 })).toBe(0);
  });

  it('finds the n-th most recent match', () => {
    const query = { event: 'View', filter: null, sinceMs: null, untilMs: T + 100 };
    expect(view.nthLatestMatchAtMs(query, 1)).toBe(T + 30);
    expect(view.nthLatestMatchAtMs(query, 3)).toBe(T + 10);
    expect(view.nthLatestMatchAtMs(query, 4)).toBeNull();
    expect(view.nthLatestMatchAtMs(query, 0)).toBeNull();
  });

  it('sequence "did": a follower strictly after the first, at most windowMs later (inclusive)', () => {
    const base = { first: { event: 'View', filter: null }, then: { event: 'Buy', filter: null }, thenKind: 'did' as const, firstSinceMs: null, nowMs: T + 100 };
    expect(view.sequenceState({ ...base, windowMs: 10 })).toEqual({ completeCount: 1, lastCompleteFirstAtMs: T + 30, nextPendingCompletesAtMs: null });
    expect(view.sequenceState({ ...base, windowMs: 9 }).completeCount).toBe(0);
    expect(view.sequenceState({ ...base, windowMs: 30 }).completeCount).toBe(3);
  });

  it('sequence "did_not": complete only once the window has passed, pending until then', () => {
    const base = { first: { event: 'View', filter: null }, then: { event: 'Buy', filter: null }, thenKind: 'did_not' as const, firstSinceMs: null };
    // windowMs 15: View@10 and View@20 get no Buy within 15 (Buy@40); View@30 does. At T+30
    // View@10's window has passed, View@20's closes at T+35 (complete from T+36).
    expect(view.sequenceState({ ...base, windowMs: 15, nowMs: T + 30 })).toEqual({ completeCount: 1, lastCompleteFirstAtMs: T + 10, nextPendingCompletesAtMs: T + 36 });
    expect(view.sequenceState({ ...base, windowMs: 15, nowMs: T + 100 })).toEqual({ completeCount: 2, lastCompleteFirstAtMs: T + 20, nextPendingCompletesAtMs: null });
    expect(view.sequenceState({ ...base, windowMs: 15, nowMs: T + 100, firstSinceMs: T + 15 }).completeCount).toBe(1);
  });

  it('an event never follows itself when both steps name the same event; ties break by messageId', () => {
    const same = createBehaviorViewFromEvents([track('a', 'View', T), track('b', 'View', T)]);
    const query = { first: { event: 'View', filter: null }, then: { event: 'View', filter: null }, thenKind: 'did' as const, windowMs: 0, firstSinceMs: null, nowMs: T };
    expect(same.sequenceState(query)).toEqual({ completeCount: 1, lastCompleteFirstAtMs: T, nextPendingCompletesAtMs: null });
    const single = createBehaviorViewFromEvents([track('a', 'View', T)]);
    expect(single.sequenceState(query).completeCount).toBe(0);
  });
});
