import { describe, expect, it } from 'vitest';
import { makeEvent, T0_MS } from '../../../test/builders/make-event.js';
import { asProfileId } from '../shared/ids.js';
import { MS_PER_DAY } from '../shared/time.js';
import { applyEventToProfile } from './apply-event-to-profile.js';
import type { BehaviorTrackSpec, EventPredicate } from './behavior-track.js';
import { behaviorTrackKey, profileNeedsReplay } from './behavior-track.js';
import { foldProfile } from './fold-profile.js';
import type { ProfileSpec } from './profile-spec.js';
import { DEFAULT_PROFILE_SPEC } from './profile-spec.js';
import type { ProfileState } from './profile-state.js';
import { createProfileState } from './profile-state.js';

const PID = asProfileId('prf_tracks');
const big: EventPredicate = { key: 'amount>10', test: (p) => typeof p['amount'] === 'number' && p['amount'] > 10 };

function track(event: string, filter: EventPredicate | null, retentionMs: number | null): BehaviorTrackSpec {
  return { key: behaviorTrackKey(event, filter), event, filter, retentionMs };
}
const specWith = (...tracks: BehaviorTrackSpec[]): ProfileSpec => ({ ...DEFAULT_PROFILE_SPEC, behaviorTracks: tracks });
const roundTrip = (state: ProfileState): ProfileState => JSON.parse(JSON.stringify(state)) as ProfileState;

const VIEWED = track('Viewed', null, 7 * MS_PER_DAY);
const BIG_ORDER = track('Order', big, null);
const EVENTS = [
  makeEvent({ messageId: 'a', event: 'Viewed', timestampMs: T0_MS }),
  makeEvent({ messageId: 'b', event: 'Order', properties: { amount: 50 }, timestampMs: T0_MS + 1 }),
  makeEvent({ messageId: 'c', event: 'Order', properties: { amount: 5 }, timestampMs: T0_MS + 2 }),
  makeEvent({ messageId: 'd', type: 'identify', timestampMs: T0_MS + 10 * MS_PER_DAY }),
  makeEvent({ messageId: 'e', event: 'Viewed', timestampMs: T0_MS + 10 * MS_PER_DAY }),
];

describe('behavior tracks in the fold', () => {
  it('keeps matching events in order, prunes by the latest event of any type, and counts what it dropped', () => {
    const state = foldProfile(PID, EVENTS, specWith(VIEWED, BIG_ORDER));
    expect(state.behavior).toEqual({
      [BIG_ORDER.key]: { retentionMs: null, at: [T0_MS + 1], ids: ['b'], dropped: 0 },
      Viewed: { retentionMs: 7 * MS_PER_DAY, at: [T0_MS + 10 * MS_PER_DAY], ids: ['e'], dropped: 1 },
    });
  });

  it('orders equal timestamps by messageId and keeps the newest entries under the cap', () => {
    const tied = ['m3', 'm1', 'm2', 'm0'].map((id) => makeEvent({ messageId: id, event: 'Viewed', timestampMs: T0_MS }));
    const state = foldProfile(PID, tied, { ...specWith(track('Viewed', null, null)), maxBehaviorTrackEntries: 3 });
    expect(state.behavior['Viewed']).toEqual({ retentionMs: null, at: [T0_MS, T0_MS, T0_MS], ids: ['m1', 'm2', 'm3'], dropped: 1 });
  });

  it('merges spec tracks with the same key, keeping the longest retention', () => {
    const spec = specWith(track('Viewed', null, MS_PER_DAY), track('Viewed', null, null), track('Viewed', null, 3 * MS_PER_DAY));
    const state = foldProfile(PID, EVENTS, spec);
    expect(Object.keys(state.behavior)).toEqual(['Viewed']);
    expect(state.behavior['Viewed']?.retentionMs).toBeNull();
    expect(profileNeedsReplay(state, spec)).toBe(false);
  });

  it('holds an event named __proto__ as an own entry that survives JSON', () => {
    const spec = specWith(track('__proto__', null, null));
    const state = roundTrip(foldProfile(PID, [makeEvent({ messageId: 'p', event: '__proto__' })], spec));
    expect(Object.getPrototypeOf(state.behavior)).toBe(Object.prototype);
    expect(Object.hasOwn(state.behavior, '__proto__')).toBe(true);
    expect(profileNeedsReplay(state, spec)).toBe(false);
    applyEventToProfile(state, makeEvent({ messageId: 'q', event: '__proto__', timestampMs: T0_MS + 1 }), spec);
    expect(Object.getOwnPropertyDescriptor(state.behavior, '__proto__')?.value).toEqual({ retentionMs: null, at: [T0_MS, T0_MS + 1], ids: ['p', 'q'], dropped: 0 });
  });

  it('drops the tracks a spec no longer has, so the state equals a fresh fold', () => {
    const state = foldProfile(PID, EVENTS.slice(0, 4), specWith(VIEWED, BIG_ORDER));
    const narrower = specWith(VIEWED);
    expect(profileNeedsReplay(state, narrower)).toBe(false);
    applyEventToProfile(state, EVENTS[4] as (typeof EVENTS)[number], narrower);
    expect(state).toEqual(foldProfile(PID, EVENTS, narrower));
    applyEventToProfile(state, makeEvent({ messageId: 'f', timestampMs: T0_MS + 11 * MS_PER_DAY }), DEFAULT_PROFILE_SPEC);
    expect(state.behavior).toEqual({});
  });
});

describe('profileNeedsReplay', () => {
  const spec = specWith(VIEWED, BIG_ORDER);
  const folded = foldProfile(PID, EVENTS, spec);

  it('is false for a profile without events, whatever the spec', () => {
    expect(profileNeedsReplay(createProfileState(PID), spec)).toBe(false);
  });

  it('is false when every spec track was folded with its retention, or the spec has none', () => {
    expect(profileNeedsReplay(folded, spec)).toBe(false);
    expect(profileNeedsReplay(roundTrip(folded), specWith(BIG_ORDER, VIEWED))).toBe(false);
    expect(profileNeedsReplay(folded, DEFAULT_PROFILE_SPEC)).toBe(false);
    expect(profileNeedsReplay(foldProfile(PID, EVENTS, DEFAULT_PROFILE_SPEC), DEFAULT_PROFILE_SPEC)).toBe(false);
  });

  it('is true when a spec track is missing: applying does not invent its history, a replay does', () => {
    const wider = specWith(VIEWED, BIG_ORDER, track('Order', null, null));
    expect(profileNeedsReplay(folded, wider)).toBe(true);
    expect(profileNeedsReplay(foldProfile(PID, EVENTS, DEFAULT_PROFILE_SPEC), spec)).toBe(true);
    const applied = applyEventToProfile(roundTrip(folded), makeEvent({ messageId: 'z', event: 'Order', timestampMs: T0_MS + 11 * MS_PER_DAY }), wider);
    expect(applied.behavior['Order']).toBeUndefined();
    expect(profileNeedsReplay(applied, wider)).toBe(true);
    expect(profileNeedsReplay(foldProfile(PID, EVENTS, wider), wider)).toBe(false);
  });

  it('is true when a track was folded with another retention, longer or shorter', () => {
    expect(profileNeedsReplay(folded, specWith(track('Viewed', null, 30 * MS_PER_DAY), BIG_ORDER))).toBe(true);
    expect(profileNeedsReplay(folded, specWith(track('Viewed', null, MS_PER_DAY), BIG_ORDER))).toBe(true);
    expect(profileNeedsReplay(folded, specWith(VIEWED, track('Order', big, 1)))).toBe(true);
  });
});
