import { describe, expect, it } from 'vitest';
import { SeededGen } from '../../../../test/builders/seeded-gen.js';
import { makeEvent } from '../../../../test/builders/make-event.js';
import type { NormalizedEvent } from '../../events/event.js';
import { DEFAULT_PROFILE_SPEC } from '../../profiles/profile-spec.js';
import type { ProfileId } from '../../shared/ids.js';
import { asProfileId } from '../../shared/ids.js';
import { MS_PER_DAY } from '../../shared/time.js';
import type { ProfileEvents } from './point-in-time.js';
import { buildTrainingSet, timeSplit } from './point-in-time.js';

const CUTOFF = Date.UTC(2024, 5, 1);

function order(userId: string, atMs: number, id: string, revenue = 20): NormalizedEvent {
  return makeEvent({ messageId: id, userId, event: 'Order Completed', timestampMs: atMs, properties: { order_id: id, revenue } });
}

function randomHistory(gen: SeededGen, profile: number): NormalizedEvent[] {
  const events: NormalizedEvent[] = [];
  for (let i = 0, n = gen.int(0, 12); i < n; i++) {
    const atMs = CUTOFF + gen.int(-200, 60) * MS_PER_DAY + gen.int(0, MS_PER_DAY - 1);
    const id = `p${profile}-e${i}`;
    const kind = gen.pick(['order', 'view', 'add', 'identify', 'page'] as const);
    if (kind === 'order') events.push(order(`u${profile}`, atMs, id, gen.int(1, 200)));
    else if (kind === 'identify') events.push(makeEvent({ messageId: id, type: 'identify', event: null, userId: `u${profile}`, timestampMs: atMs, traits: { plan: gen.pick(['a', 'b']) } }));
    else if (kind === 'page') events.push(makeEvent({ messageId: id, type: 'page', event: null, userId: `u${profile}`, timestampMs: atMs }));
    else events.push(makeEvent({ messageId: id, userId: `u${profile}`, event: kind === 'view' ? 'Product Viewed' : 'Product Added', timestampMs: atMs, properties: { product_id: `x${gen.int(1, 5)}`, category: gen.pick(['Mugs', 'Bags']), price: 5 } }));
  }
  return events;
}

function population(seed: number): ProfileEvents[] {
  const gen = new SeededGen(seed);
  return Array.from({ length: 40 }, (_, p) => ({ profileId: asProfileId(`prf_${p}`), events: randomHistory(gen, p) }));
}

describe('point-in-time training sets', () => {
  it('no event at or after the cutoff can change a feature (changed, added, removed, reordered)', () => {
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const base = population(seed);
      const gen = new SeededGen(seed + 100);
      const tampered: ProfileEvents[] = base.map(({ profileId, events }, p) => {
        const kept = events.filter((e) => e.timestampMs < CUTOFF || gen.chance(0.5)).map((e) =>
          e.timestampMs >= CUTOFF ? { ...e, timestampMs: CUTOFF + gen.int(0, 90) * MS_PER_DAY, properties: { order_id: e.messageId, revenue: gen.int(1, 9999) } } : e,
        );
        const extra = Array.from({ length: gen.int(0, 5) }, (_, i) => order(`u${p}`, CUTOFF + gen.int(0, 400) * MS_PER_DAY, `late-${p}-${i}`, 5000));
        return { profileId, events: [...extra, ...kept].reverse() };
      });
      for (const target of [{ kind: 'purchase', withinDays: 30 }, { kind: 'churn', withinDays: 60 }] as const) {
        const a = buildTrainingSet(base, { cutoffMs: CUTOFF, target, spec: DEFAULT_PROFILE_SPEC });
        const b = buildTrainingSet(tampered, { cutoffMs: CUTOFF, target, spec: DEFAULT_PROFILE_SPEC });
        expect(b.profileIds, `seed ${seed}`).toEqual(a.profileIds);
        expect(Array.from(b.x.data), `seed ${seed} ${target.kind}`).toEqual(Array.from(a.x.data));
      }
    }
  });

  it('an event just before the cutoff does change the features (the test above can fail)', () => {
    const base: ProfileEvents[] = [{ profileId: asProfileId('prf_a'), events: [order('a', CUTOFF - 10 * MS_PER_DAY, 'o1')] }];
    const more: ProfileEvents[] = [{ profileId: asProfileId('prf_a'), events: [...(base[0]?.events ?? []), order('a', CUTOFF - 1, 'o2')] }];
    const target = { kind: 'purchase', withinDays: 30 } as const;
    const a = buildTrainingSet(base, { cutoffMs: CUTOFF, target, spec: DEFAULT_PROFILE_SPEC });
    const b = buildTrainingSet(more, { cutoffMs: CUTOFF, target, spec: DEFAULT_PROFILE_SPEC });
    expect(Array.from(b.x.data)).not.toEqual(Array.from(a.x.data));
  });

  it('reads labels from the window only, and churn only for customers', () => {
    const id = (s: string): ProfileId => asProfileId(s);
    const profiles: ProfileEvents[] = [
      // bought before, and again inside the 30-day window
      { profileId: id('in'), events: [order('in', CUTOFF - 5 * MS_PER_DAY, 'i1'), order('in', CUTOFF + 29 * MS_PER_DAY, 'i2')] },
      // bought before, and only after the window
      { profileId: id('late'), events: [order('late', CUTOFF - 5 * MS_PER_DAY, 'l1'), order('late', CUTOFF + 30 * MS_PER_DAY, 'l2')] },
      // a visitor who never ordered before the cutoff, buying in the window
      { profileId: id('visitor'), events: [makeEvent({ messageId: 'v1', userId: 'visitor', event: 'Product Viewed', timestampMs: CUTOFF - MS_PER_DAY }), order('visitor', CUTOFF, 'v2')] },
      // nothing before the cutoff at all: not eligible
      { profileId: id('new'), events: [order('new', CUTOFF + MS_PER_DAY, 'n1')] },
    ];
    const purchase = buildTrainingSet(profiles, { cutoffMs: CUTOFF, target: { kind: 'purchase', withinDays: 30 }, spec: DEFAULT_PROFILE_SPEC });
    expect(purchase.profileIds).toEqual(['in', 'late', 'visitor']);
    expect(Array.from(purchase.y)).toEqual([1, 0, 1]);
    expect(purchase.ineligible).toBe(1);
    const churn = buildTrainingSet(profiles, { cutoffMs: CUTOFF, target: { kind: 'churn', withinDays: 30 }, spec: DEFAULT_PROFILE_SPEC });
    expect(churn.profileIds).toEqual(['in', 'late']);
    expect(Array.from(churn.y)).toEqual([0, 1]);
    const goal = buildTrainingSet(profiles, { cutoffMs: CUTOFF, target: { kind: 'event', event: 'Product Viewed', withinDays: 30 }, spec: DEFAULT_PROFILE_SPEC });
    expect(goal.positives).toBe(0);
    // Features at the cutoff: the visitor has no order yet, so recency is missing (NaN), not 0.
    const recency = purchase.featureNames.indexOf('recencyDays');
    expect(Number.isNaN(purchase.x.data[2 * purchase.featureNames.length + recency])).toBe(true);
    expect(purchase.x.data[recency]).toBeCloseTo(5, 6);
  });

  it('splits by time so the test labels start after the training labels end', () => {
    const target = { kind: 'purchase', withinDays: 30 } as const;
    expect(timeSplit({ testCutoffMs: CUTOFF, target })).toEqual({ trainCutoffMs: CUTOFF - 30 * MS_PER_DAY, testCutoffMs: CUTOFF });
  });
});
