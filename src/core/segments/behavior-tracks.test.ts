import { describe, expect, it } from 'vitest';
import { makeEvent, T0_MS } from '../../../test/builders/make-event.js';
import type { NormalizedEvent } from '../events/event.js';
import type { BehaviorTrackState } from '../profiles/behavior-track.js';
import { behaviorTrackKey } from '../profiles/behavior-track.js';
import { foldProfile } from '../profiles/fold-profile.js';
import { DEFAULT_PROFILE_SPEC } from '../profiles/profile-spec.js';
import { asProfileId } from '../shared/ids.js';
import type { JsonObject } from '../shared/json.js';
import { MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE, toIso } from '../shared/time.js';
import { behaviorTracksOf, createBehaviorViewFromTracks } from './behavior-tracks.js';
import type { CompiledRule } from './compiled-rule.js';
import { compileSegmentRule, DEFAULT_RULE_SCHEMA } from './compile-segment-rule.js';
import { createBehaviorViewFromEvents } from './create-behavior-view-from-events.js';
import type { BehaviorView } from './behavior-view.js';
import type { SegmentInput } from './evaluate-segment.js';
import { evaluateSegment } from './evaluate-segment.js';
import type { Duration, EventCondition, SegmentRule } from './segment-rule.js';
import { makeDuration } from './segment-rule.js';
import { SeededGen } from '../../../test/builders/seeded-gen.js';

function compile(rule: SegmentRule): CompiledRule {
  const result = compileSegmentRule(rule, DEFAULT_RULE_SCHEMA);
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.value;
}

const SHOES: EventCondition = { kind: 'compare', path: 'category', op: 'eq', value: 'shoes' };
const shoesKey = (event: string): string => behaviorTrackKey(event, { key: JSON.stringify(SHOES), test: () => true });
const summary = (rules: readonly SegmentRule[]): [string, number | null][] =>
  behaviorTracksOf(rules.map(compile)).map((track) => [track.key, track.retentionMs]);

describe('behaviorTracksOf', () => {
  it('gives one track per did / did not with the window as retention, all history without one', () => {
    expect(
      summary([
        {
          kind: 'and',
          children: [
            { kind: 'did', event: 'Viewed', where: SHOES, within: { days: 30 } },
            { kind: 'not', child: { kind: 'did_not', event: 'Ordered', within: { hours: 2 } } },
            { kind: 'or', children: [{ kind: 'did', event: 'Signed Up', since: '2024-01-01T00:00:00Z' }, { kind: 'compare', path: 'traits.plan', op: 'exists' }] },
          ],
        },
      ]),
    ).toEqual([
      ['Ordered', 2 * MS_PER_HOUR],
      ['Signed Up', null],
      [shoesKey('Viewed'), 30 * MS_PER_DAY],
    ]);
  });

  it('gives a sequence a track per step, kept for the lookback plus the window, merged when equal', () => {
    expect(
      summary([{ kind: 'sequence', first: { event: 'Viewed', within: { days: 7 } }, then: { kind: 'did_not', event: 'Ordered', where: SHOES }, within: { hours: 1 } }]),
    ).toEqual([
      [shoesKey('Ordered'), 7 * MS_PER_DAY + MS_PER_HOUR],
      ['Viewed', 7 * MS_PER_DAY + MS_PER_HOUR],
    ]);
    expect(summary([{ kind: 'sequence', first: { event: 'Viewed' }, then: { kind: 'did', event: 'Viewed' }, within: { hours: 1 } }])).toEqual([['Viewed', null]]);
  });

  it('merges the same (event, where) across rules: the longest retention wins, forever beats any', () => {
    expect(
      summary([
        { kind: 'did', event: 'Viewed', within: { days: 1 } },
        { kind: 'did', event: 'Viewed', within: { days: 3 } },
        { kind: 'did', event: 'Viewed', where: SHOES, within: { days: 2 } },
        { kind: 'did', event: 'Ordered', within: { days: 3 } },
      ]),
    ).toEqual([
      ['Ordered', 3 * MS_PER_DAY],
      ['Viewed', 3 * MS_PER_DAY],
      [shoesKey('Viewed'), 2 * MS_PER_DAY],
    ]);
    expect(summary([{ kind: 'did', event: 'Viewed', within: { days: 1 } }, { kind: 'did', event: 'Viewed' }, { kind: 'did', event: 'Viewed', within: { days: 9 } }])).toEqual([
      ['Viewed', null],
    ]);
    expect(summary([{ kind: 'compare', path: 'traits.plan', op: 'exists' }])).toEqual([]);
  });
});

describe('createBehaviorViewFromTracks', () => {
  const tracks: Record<string, BehaviorTrackState> = {
    Viewed: { retentionMs: null, at: [10, 20, 20, 30], ids: ['a', 'b', 'c', 'd'], dropped: 2 },
  };
  const view = createBehaviorViewFromTracks(tracks);
  const query = (sinceMs: number | null, untilMs: number) => ({ event: 'Viewed', filter: null, sinceMs, untilMs });

  it('counts held entries in range, and the dropped ones only for all history', () => {
    expect(view.countMatching(query(null, 30))).toBe(6);
    expect(view.countMatching(query(20, 25))).toBe(2);
    expect(view.countMatching(query(11, 19))).toBe(0);
    expect(view.countMatching(query(0, 100))).toBe(4);
    expect(view.countMatching({ event: 'Other', filter: null, sinceMs: null, untilMs: 100 })).toBe(0);
  });

  it('finds the n-th latest held entry in range', () => {
    expect(view.nthLatestMatchAtMs(query(0, 25), 1)).toBe(20);
    expect(view.nthLatestMatchAtMs(query(0, 25), 3)).toBe(10);
    expect(view.nthLatestMatchAtMs(query(15, 25), 3)).toBeNull();
    expect(view.nthLatestMatchAtMs(query(0, 25), 0)).toBeNull();
  });

  it('breaks sequence ties at one timestamp by messageId', () => {
    const step = { event: 'Viewed', filter: null };
    const state = view.sequenceState({ first: step, then: step, thenKind: 'did', windowMs: 0, firstSinceMs: null, nowMs: 100 });
    // b (20) is followed by c (20, a later id); nothing follows c or the others within 0 ms.
    expect(state).toEqual({ completeCount: 1, lastCompleteFirstAtMs: 20, nextPendingCompletesAtMs: null });
  });
});

const NAMES = ['A', 'B', 'C'];

/** One profile's history: few names, ties in time, ids not in arrival order, some non-track events. */
function randomEvents(gen: SeededGen): NormalizedEvent[] {
  const events: NormalizedEvent[] = [];
  let atMs = T0_MS;
  const count = gen.int(0, 40);
  for (let i = 0; i < count; i++) {
    atMs += gen.pick([0, 0, 1, 1000, 10 * MS_PER_MINUTE, MS_PER_HOUR, 5 * MS_PER_HOUR, MS_PER_DAY, 3 * MS_PER_DAY]);
    const messageId = `m${gen.int(0, 999).toString().padStart(3, '0')}-${i}`;
    if (gen.chance(0.1)) {
      events.push(makeEvent({ messageId, type: gen.pick(['identify', 'page'] as const), timestampMs: atMs }));
      continue;
    }
    const properties: JsonObject = {};
    if (gen.chance(0.8)) properties['n'] = gen.pick([1, 5, 10]);
    if (gen.chance(0.8)) properties['s'] = gen.pick(['x', 'y']);
    events.push(makeEvent({ messageId, type: 'track', event: gen.pick(NAMES), properties, timestampMs: atMs }));
  }
  return events;
}

function randomWhere(gen: SeededGen): EventCondition {
  const roll = gen.int(0, 4);
  if (roll === 0) return { kind: 'compare', path: 'n', op: gen.pick(['gte', 'lt', 'eq'] as const), value: gen.pick([1, 5, 10]) };
  if (roll === 1) return { kind: 'compare', path: 'n', op: 'in', value: [1, 10] };
  if (roll === 2) return { kind: 'compare', path: 's', op: gen.pick(['eq', 'neq'] as const), value: gen.pick(['x', 'y']) };
  if (roll === 3) return { kind: 'compare', path: 's', op: gen.pick(['exists', 'not_exists'] as const) };
  return { kind: 'not', child: { kind: 'compare', path: 'n', op: 'gt', value: 1 } };
}

function randomDuration(gen: SeededGen): Duration {
  return gen.pick([makeDuration('minutes', 30), makeDuration('hours', 1), makeDuration('hours', 6), makeDuration('days', 1), makeDuration('days', 2), makeDuration('weeks', 1), makeDuration('seconds', 1)]);
}

function randomRule(gen: SeededGen, depth: number, events: readonly NormalizedEvent[]): SegmentRule {
  const where = (): { where?: EventCondition } => (gen.chance(0.4) ? { where: randomWhere(gen) } : {});
  const roll = gen.int(0, depth > 0 ? 5 : 2);
  switch (roll) {
    case 0:
    case 1: {
      const range = gen.int(0, 2);
      const sinceMs = events.length > 0 && gen.chance(0.5) ? gen.pick(events).timestampMs : T0_MS + gen.int(0, 5) * MS_PER_DAY;
      const window = range === 0 ? { within: randomDuration(gen) } : range === 1 ? { since: gen.chance(0.5) ? sinceMs : toIso(sinceMs) } : {};
      if (roll === 1) return { kind: 'did_not', event: gen.pick(NAMES), ...where(), ...window };
      const count = gen.chance(0.6) ? { count: { op: gen.pick(['gte', 'lte', 'eq'] as const), value: gen.int(0, 4) } } : {};
      return { kind: 'did', event: gen.pick(NAMES), ...where(), ...count, ...window };
    }
    case 2:
      return {
        kind: 'sequence',
        first: { event: gen.pick(NAMES), ...where(), ...(gen.chance(0.5) ? { within: randomDuration(gen) } : {}) },
        then: { kind: gen.pick(['did', 'did_not'] as const), event: gen.pick(NAMES), ...where() },
        within: randomDuration(gen),
      };
    case 3:
      return { kind: 'not', child: randomRule(gen, depth - 1, events) };
    default:
      return {
        kind: gen.pick(['and', 'or'] as const),
        children: Array.from({ length: gen.int(1, 3) }, () => randomRule(gen, depth - 1, events)),
      };
  }
}

function inputWith(behavior: BehaviorView): SegmentInput {
  return { traits: {}, features: {}, computed: {}, predicted: {}, segments: new Set(), behavior };
}

const PID = asProfileId('prf_behavior');

describe('createBehaviorViewFromTracks agrees with the reference view over the events (seeded)', () => {
  it('gives the same match, reasons and next change for random rules, histories and times at or after the latest event', () => {
    let compared = 0;
    for (let seed = 1; seed <= 400; seed++) {
      const gen = new SeededGen(seed);
      const events = randomEvents(gen);
      const rule = compile(randomRule(gen, 2, events));
      const spec = { ...DEFAULT_PROFILE_SPEC, behaviorTracks: behaviorTracksOf([rule]) };
      const state = foldProfile(PID, events, spec);
      const fromTracks = inputWith(createBehaviorViewFromTracks(state.behavior));
      const fromEvents = inputWith(createBehaviorViewFromEvents(events));
      const latestMs = state.lastSeenMs ?? T0_MS;
      // With a cap that is reached, all-history counts still include the dropped entries.
      const capped = createBehaviorViewFromTracks(foldProfile(PID, events, { ...spec, maxBehaviorTrackEntries: 2 }).behavior);
      for (const track of spec.behaviorTracks) {
        const query = { event: track.event, filter: track.filter, sinceMs: null, untilMs: latestMs };
        expect(capped.countMatching(query)).toBe(fromEvents.behavior.countMatching(query));
      }
      for (const afterMs of [0, 1, 29 * MS_PER_MINUTE, MS_PER_HOUR, 7 * MS_PER_HOUR, MS_PER_DAY + 1, 8 * MS_PER_DAY, gen.int(0, 3 * MS_PER_DAY)]) {
        const nowMs = latestMs + afterMs;
        const expected = evaluateSegment(rule, fromEvents, nowMs);
        const actual = evaluateSegment(rule, fromTracks, nowMs);
        if (JSON.stringify(actual) !== JSON.stringify(expected)) {
          expect({ seed, nowMs, rule: rule.text, ...actual }).toEqual({ seed, nowMs, rule: rule.text, ...expected });
        }
        compared++;
      }
    }
    expect(compared).toBe(400 * 8);
  });
});
