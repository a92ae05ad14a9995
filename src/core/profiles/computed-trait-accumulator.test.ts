import { describe, expect, it } from 'vitest';
import type { NormalizedEvent } from '../events/event.js';
import { asProfileId } from '../shared/ids.js';
import type { JsonObject, JsonValue } from '../shared/json.js';
import { MS_PER_DAY } from '../shared/time.js';
import { makeEvent, T0_MS } from '../../../test/builders/make-event.js';
import { applyEventToProfile } from './apply-event-to-profile.js';
import { findStaleComputedTraits, readComputedTraitValue } from './computed-trait-accumulator.js';
import type { ComputedTraitDefinition } from './computed-trait.js';
import { parseComputedTraitDefinition } from './computed-trait.js';
import { foldProfile } from './fold-profile.js';
import { DEFAULT_PROFILE_SPEC } from './profile-spec.js';
import { createProfileState } from './profile-state.js';

function definition(raw: Record<string, unknown>): ComputedTraitDefinition {
  const result = parseComputedTraitDefinition({ name: 't', event: 'E', ...raw });
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.value;
}

function e(properties: JsonObject, dayOffset = 0, event = 'E'): NormalizedEvent {
  return makeEvent({ type: 'track', event, properties, timestampMs: T0_MS + dayOffset * MS_PER_DAY });
}

function valueOf(def: ComputedTraitDefinition, events: readonly NormalizedEvent[], nowMs = T0_MS + 100 * MS_PER_DAY): JsonValue {
  const spec = { ...DEFAULT_PROFILE_SPEC, computedTraits: [def] };
  return readComputedTraitValue(foldProfile(asProfileId('p'), events, spec), def, nowMs);
}

describe('computed traits: aggregates', () => {
  const events = [e({ v: 3, s: 'b' }, 0), e({ v: '7', s: 'a' }, 1), e({ v: 'x', s: 'b' }, 2), e({ s: 'c' }, 3), e({ v: null }, 4)];
  it.each([
    ['count', null, 5],
    ['count', 'v', 3],
    ['sum', 'v', 10],
    ['avg', 'v', 5],
    ['min', 'v', 3],
    ['max', 'v', 7],
    ['first', 'v', 3],
    ['last', 'v', 'x'],
    ['first', 's', 'b'],
    ['last', 's', 'c'],
    ['distinct_count', 's', 3],
  ] as const)('%s of %s', (aggregate, property, expected) => {
    expect(valueOf(definition({ aggregate, property }), events)).toEqual(expected);
  });

  it('gives 0 for count/sum/distinct_count and null for the others when nothing matched', () => {
    for (const [aggregate, expected] of [['count', 0], ['sum', 0], ['distinct_count', 0], ['avg', null], ['min', null], ['max', null], ['first', null], ['last', null]] as const) {
      expect(valueOf(definition({ aggregate, property: 'v' }), [e({}, 0, 'Other')])).toEqual(expected);
    }
  });

  it("matches only the named track event, or every track/page/screen event with '*'", () => {
    const mixed = [e({}, 0, 'E'), e({}, 0, 'F'), makeEvent({ type: 'page', timestampMs: T0_MS }), makeEvent({ type: 'identify', timestampMs: T0_MS })];
    expect(valueOf(definition({ aggregate: 'count' }), mixed)).toBe(1);
    expect(valueOf(definition({ event: '*', aggregate: 'count' }), mixed)).toBe(3);
  });
});

describe('computed traits: where', () => {
  const events = [
    e({ plan: 'pro', amount: 10, tags: ['a', 'b'], path: '/pricing/team', at: '2024-03-01', nested: { x: 1 } }),
    e({ plan: 'free', amount: '5', tags: ['c'], path: '/home', at: '2024-02-01', list: [{ sku: 'k1' }] }),
    e({ amount: 20 }),
  ];
  it.each([
    [{ property: 'plan', op: 'eq', value: 'pro' }, 1],
    [{ property: 'plan', op: 'neq', value: 'pro' }, 1], // the event without plan does not match
    [{ property: 'amount', op: 'eq', value: 5 }, 1], // "5" eq 5
    [{ property: 'amount', op: 'gt', value: 5 }, 2],
    [{ property: 'amount', op: 'gte', value: '5' }, 3],
    [{ property: 'amount', op: 'lt', value: 10 }, 1],
    [{ property: 'amount', op: 'lte', value: 10 }, 2],
    [{ property: 'plan', op: 'in', value: ['pro', 'team'] }, 1],
    [{ property: 'tags', op: 'contains', value: 'c' }, 1],
    [{ property: 'path', op: 'contains', value: '/pricing' }, 1],
    [{ property: 'at', op: 'gte', value: '2024-02-15' }, 1],
    [{ property: 'plan', op: 'exists' }, 2],
    [{ property: 'plan', op: 'exists', value: false }, 1],
    [{ property: 'nested.x', op: 'eq', value: 1 }, 1],
    [{ property: 'list.0.sku', op: 'eq', value: 'k1' }, 1],
    [{ property: 'plan', op: 'gt', value: 3 }, 0], // a string that is no number never compares with a number
  ])('%j matches %i events', (condition, expected) => {
    expect(valueOf(definition({ aggregate: 'count', where: [condition] }), events)).toBe(expected);
  });

  it('requires every condition', () => {
    const where = [
      { property: 'amount', op: 'gte', value: 5 },
      { property: 'plan', op: 'exists' },
    ];
    expect(valueOf(definition({ aggregate: 'sum', property: 'amount', where }), events)).toBe(15);
  });
});

describe('computed traits: windows', () => {
  const events = [e({ v: 1, s: 'a' }, 0), e({ v: 2, s: 'b' }, 10), e({ v: 4, s: 'a' }, 20), e({ v: 8, s: 'c' }, 29)];
  const nowDay29 = T0_MS + 29 * MS_PER_DAY + 5;

  it('counts the current UTC day and windowDays - 1 before it', () => {
    const def = definition({ aggregate: 'sum', property: 'v', windowDays: 10 });
    expect(valueOf(def, events, nowDay29)).toBe(12);
    expect(valueOf(def, events, nowDay29 + 5 * MS_PER_DAY)).toBe(8); // days 25..34
    expect(valueOf(def, events, nowDay29 + 10 * MS_PER_DAY)).toBe(0); // days 30..39
  });

  it('rolls with time at read, without new events', () => {
    const def = definition({ aggregate: 'count', windowDays: 7 });
    expect(valueOf(def, events, nowDay29)).toBe(1);
    expect(valueOf(def, events, nowDay29 + 7 * MS_PER_DAY)).toBe(0);
  });

  it('windows first, last, min, max, avg and distinct_count', () => {
    const now = nowDay29;
    expect(valueOf(definition({ aggregate: 'first', property: 'v', windowDays: 15 }), events, now)).toBe(4);
    expect(valueOf(definition({ aggregate: 'last', property: 'v', windowDays: 15 }), events, now)).toBe(8);
    expect(valueOf(definition({ aggregate: 'min', property: 'v', windowDays: 25 }), events, now)).toBe(2);
    expect(valueOf(definition({ aggregate: 'max', property: 'v', windowDays: 25 }), events, now)).toBe(8);
    expect(valueOf(definition({ aggregate: 'avg', property: 'v', windowDays: 25 }), events, now)).toBeCloseTo(14 / 3, 12);
    expect(valueOf(definition({ aggregate: 'distinct_count', property: 's', windowDays: 15 }), events, now)).toBe(2);
    expect(valueOf(definition({ aggregate: 'distinct_count', property: 's', windowDays: 5 }), events, now)).toBe(1);
  });

  it('prunes buckets that no window can see any more', () => {
    const def = definition({ aggregate: 'count', windowDays: 7 });
    const spec = { ...DEFAULT_PROFILE_SPEC, computedTraits: [def] };
    const state = foldProfile(asProfileId('p'), events, spec);
    const days = state.computedTraits['t']?.buckets.map((b) => b.day - Math.floor(T0_MS / MS_PER_DAY));
    expect(days).toEqual([29]);
  });

  it('stops distinct_count at 1000 values', () => {
    const many = Array.from({ length: 1005 }, (_, i) => e({ s: `v${i}` }, 0));
    expect(valueOf(definition({ aggregate: 'distinct_count', property: 's' }), many)).toBe(1000);
    const windowed = definition({ aggregate: 'distinct_count', property: 's', windowDays: 30 });
    expect(valueOf(windowed, many, T0_MS)).toBe(1000);
  });
});

describe('computed traits: staleness', () => {
  const def = definition({ aggregate: 'count' });
  const spec = { ...DEFAULT_PROFILE_SPEC, computedTraits: [def] };

  it('is complete when the trait was there from the first event', () => {
    const state = foldProfile(asProfileId('p'), [e({}), e({}, 1)], spec);
    expect(findStaleComputedTraits(state, [def])).toEqual([]);
    expect(readComputedTraitValue(state, def, T0_MS + MS_PER_DAY)).toBe(2);
  });

  it('flags a trait added to a profile that already had events, and reads it as null until a replay', () => {
    const state = createProfileState(asProfileId('p'));
    applyEventToProfile(state, e({}), DEFAULT_PROFILE_SPEC);
    expect(findStaleComputedTraits(state, [def])).toEqual(['t']);
    expect(readComputedTraitValue(state, def, T0_MS)).toBeNull();
    applyEventToProfile(state, e({}, 1), spec);
    expect(findStaleComputedTraits(state, [def])).toEqual(['t']);
    expect(readComputedTraitValue(state, def, T0_MS + MS_PER_DAY)).toBeNull();
  });

  it('flags a changed definition and drops the state of a deleted one', () => {
    const state = foldProfile(asProfileId('p'), [e({})], spec);
    const changed = definition({ aggregate: 'count', windowDays: 7 });
    expect(findStaleComputedTraits(state, [changed])).toEqual(['t']);
    expect(readComputedTraitValue(state, changed, T0_MS)).toBeNull();
    applyEventToProfile(state, e({}, 1), DEFAULT_PROFILE_SPEC);
    expect(state.computedTraits).toEqual({});
  });

  it('ignores a changed description', () => {
    const state = foldProfile(asProfileId('p'), [e({})], spec);
    const described = definition({ aggregate: 'count', description: 'now documented' });
    expect(findStaleComputedTraits(state, [described])).toEqual([]);
  });

  it('reads an empty profile as the empty value', () => {
    expect(readComputedTraitValue(createProfileState(asProfileId('p')), def, T0_MS)).toBe(0);
  });
});
