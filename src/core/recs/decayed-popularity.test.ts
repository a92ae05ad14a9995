import { describe, expect, it } from 'vitest';
import { makeLog } from '../../../test/builders/interaction-log.js';
import { bumpPopularity, decayedPopularity, DEFAULT_POPULARITY_WEIGHTS, groupPopularity } from './decayed-popularity.js';
import { CART, PURCHASE, VIEW } from './interaction-log.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2024, 5, 1);


describe('decayedPopularity', () => {
  // Item 0: a view now (1) + a purchase 30 days ago (5 · 1/2) = 3.5.
  // Item 1: a cart 60 days ago (3 · 1/4) + a view 1 day in the future (counts 1, age 0) = 1.75.
  // Item 2: nothing.
  const log = makeLog(2, 3, [
    [0, 0, VIEW, NOW],
    [1, 0, PURCHASE, NOW - 30 * DAY],
    [0, 1, CART, NOW - 60 * DAY],
    [1, 1, VIEW, NOW + DAY],
  ]);

  it('sums kind weights decayed by half-life, future rows at age 0', () => {
    const s = decayedPopularity(log, NOW);
    expect(s[0]).toBeCloseTo(3.5, 12);
    expect(s[1]).toBeCloseTo(1.75, 12);
    expect(s[2]).toBe(0);
  });

  it('honours half-life, weights and the row predicate', () => {
    const s = decayedPopularity(log, NOW, { halfLifeDays: 60, weights: { view: 0, cart: 4, purchase: 2 } });
    expect(s[0]).toBeCloseTo(2 * 2 ** -0.5, 12);
    expect(s[1]).toBeCloseTo(4 * 0.5, 12);
    const purchasesOnly = decayedPopularity(log, NOW, { rows: (r) => log.kind[r] === PURCHASE });
    expect(Array.from(purchasesOnly)).toEqual([2.5, 0, 0]);
  });

  it('rejects a non-positive half-life', () => {
    expect(() => decayedPopularity(log, NOW, { halfLifeDays: 0 })).toThrow(RangeError);
  });

  it('exports the default weights', () => {
    expect(DEFAULT_POPULARITY_WEIGHTS).toEqual({ view: 1, cart: 3, purchase: 5 });
  });
});

describe('groupPopularity', () => {
  // Users 0..2 (group "a") all view item 0 today; users 3..5 (group "b") view item 1 today;
  // everyone views item 2 today. Population: [3, 3, 6] (total 12). Group a: [3, 0, 3] (total 6).
  const rows: [number, number, number, number][] = [];
  for (let u = 0; u < 6; u++) {
    rows.push([u, u < 3 ? 0 : 1, VIEW, NOW]);
    rows.push([u, 2, VIEW, NOW]);
  }
  const log = makeLog(7, 3, rows);

  it('ranks the group’s items and computes lift against the population', () => {
    const groups = new Map<string, ReadonlySet<number>>([
      ['a', new Set([0, 1, 2])],
      ['b', new Set([3, 4, 5])],
    ]);
    const out = groupPopularity(log, groups, NOW, { minUsers: 3 });
    const a = out.get('a');
    expect(a).toBeDefined();
    // Ties by ascending index; item 1 (score 0) is left out.
    expect(Array.from(a?.items ?? [])).toEqual([0, 2]);
    expect(Array.from(a?.scores ?? [])).toEqual([3, 3]);
    // Item 0: share 1/2 in the group vs 1/4 overall -> lift 2; item 2: 1/2 vs 1/2 -> lift 1.
    expect(a?.lift[0]).toBeCloseTo(2, 12);
    expect(a?.lift[1]).toBeCloseTo(1, 12);
    expect(Array.from(out.get('b')?.items ?? [])).toEqual([1, 2]);
  });

  it('keeps the top N and leaves out groups with too few active users', () => {
    const groups = new Map<string, ReadonlySet<number>>([
      ['a', new Set([0, 1, 2])],
      // User 6 has no rows, user 99 does not exist: only one active user.
      ['small', new Set([3, 6, 99])],
    ]);
    const out = groupPopularity(log, groups, NOW, { minUsers: 2, top: 1 });
    expect([...out.keys()]).toEqual(['a']);
    expect(Array.from(out.get('a')?.items ?? [])).toEqual([0]);
    // Default minUsers is 5: a group of three is left out.
    expect(groupPopularity(log, groups, NOW).size).toBe(0);
  });

  it('counts only rows passing the predicate, also for the active-user threshold', () => {
    const groups = new Map<string, ReadonlySet<number>>([['a', new Set([0, 1, 2])]]);
    const out = groupPopularity(log, groups, NOW, { minUsers: 3, rows: (r) => log.item[r] !== 2 });
    expect(Array.from(out.get('a')?.items ?? [])).toEqual([0]);
    // Population without item 2: [3, 3]; group share of item 0 is 1, overall 1/2 -> lift 2.
    expect(out.get('a')?.lift[0]).toBeCloseTo(2, 12);
    const none = groupPopularity(log, groups, NOW, { minUsers: 3, rows: (r) => log.user[r] !== 0 });
    expect(none.size).toBe(0);
  });
});

describe('bumpPopularity', () => {
  it('matches recomputing from the log at the reference time', () => {
    const base = makeLog(1, 2, [[0, 0, VIEW, NOW - 10 * DAY]]);
    const scores = decayedPopularity(base, NOW);
    bumpPopularity(scores, 1, 3, NOW - 30 * DAY, NOW, 30);
    const full = makeLog(1, 2, [
      [0, 1, CART, NOW - 30 * DAY],
      [0, 0, VIEW, NOW - 10 * DAY],
    ]);
    const expected = decayedPopularity(full, NOW);
    expect(scores[0]).toBeCloseTo(expected[0] as number, 12);
    expect(scores[1]).toBeCloseTo(1.5, 12);
  });

  it('counts an event after the reference time more than its weight', () => {
    const scores = new Float64Array(2);
    bumpPopularity(scores, 0, 1, NOW + 30 * DAY, NOW, 30);
    bumpPopularity(scores, 1, 1, NOW, NOW, 30);
    expect(scores[0]).toBeCloseTo(2, 12);
    expect(scores[1]).toBe(1);
    // Re-based to NOW + 30 days, the later event is worth exactly its weight again.
    expect((scores[0] as number) * 2 ** -1).toBeCloseTo(1, 12);
    expect(() => bumpPopularity(scores, 2, 1, NOW, NOW, 30)).toThrow(RangeError);
  });
});
