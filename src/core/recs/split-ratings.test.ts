import { describe, expect, it } from 'vitest';
import { createRng } from '../shared/rng.js';
import type { RatingRow } from './protocol.js';
import { splitByTime, splitRandom, splitRatings, splitStratified } from './split-ratings.js';

/** 20 users x 8 items each (user u rates items u..u+7), timestamps increasing with the item; user 99 has one row. */
function rows(): RatingRow[] {
  const out: RatingRow[] = [];
  for (let u = 0; u < 20; u++) for (let j = 0; j < 8; j++) out.push({ user: u, item: u + j, rating: 4, timestamp: 1000 * u + j });
  out.push({ user: 99, item: 3, rating: 5, timestamp: 1 });
  return out;
}

const key = (r: RatingRow): string => `${r.user}:${r.item}`;

function expectPartition(all: readonly RatingRow[], split: { train: readonly RatingRow[]; test: readonly RatingRow[] }): void {
  expect(split.train.length + split.test.length).toBe(all.length);
  expect(new Set([...split.train, ...split.test].map(key)).size).toBe(all.length);
}

describe('splitRatings', () => {
  it('random: holds out a quarter of all rows, seeded and reproducible', () => {
    const all = rows();
    const a = splitRandom(all, createRng(1));
    expectPartition(all, a);
    expect(a.test.length).toBe(Math.round(all.length / 4));
    expect(splitRandom(all, createRng(1)).test.map(key)).toEqual(a.test.map(key));
    expect(splitRandom(all, createRng(2)).test.map(key)).not.toEqual(a.test.map(key));
  });

  it('user-stratified: a quarter of each user, a single-row user stays in train', () => {
    const all = rows();
    const s = splitStratified(all, 'user', createRng(3));
    expectPartition(all, s);
    for (let u = 0; u < 20; u++) expect(s.test.filter((r) => r.user === u)).toHaveLength(2);
    expect(s.test.some((r) => r.user === 99)).toBe(false);
    // Different users get different held-out positions (it is random, not the first two).
    expect(new Set(s.test.map((r) => r.item - r.user)).size).toBeGreaterThan(2);
  });

  it('item-stratified: a share of each item, every item keeps a training row', () => {
    const all = rows();
    const s = splitRatings(all, 'item-stratified', createRng(4));
    expectPartition(all, s);
    const count = (list: readonly RatingRow[], item: number): number => list.filter((r) => r.item === item).length;
    for (const item of new Set(all.map((r) => r.item))) {
      const n = count(all, item);
      expect(count(s.test, item)).toBe(n >= 2 ? Math.min(n - 1, Math.round(n / 4)) : 0);
      expect(count(s.train, item)).toBeGreaterThan(0);
    }
  });

  it('time: the latest quarter of each user by timestamp, independent of input order', () => {
    const all = rows();
    const s = splitByTime([...all].reverse());
    expectPartition(all, s);
    for (let u = 0; u < 20; u++) {
      expect(s.test.filter((r) => r.user === u).map((r) => r.item).sort((a, b) => a - b)).toEqual([u + 6, u + 7]);
    }
    expect(s.train.some((r) => r.user === 99)).toBe(true);
    expect(splitRatings(all, 'time', createRng(9)).test.map(key).sort()).toEqual(s.test.map(key).sort());
  });

  it('keeps input order within train and test and rejects a bad fraction', () => {
    const all = rows();
    const s = splitRandom(all, createRng(5), 0.5);
    const pos = new Map(all.map((r, i) => [key(r), i]));
    const increasing = (list: readonly RatingRow[]): boolean => list.every((r, i) => i === 0 || (pos.get(key(r)) ?? 0) > (pos.get(key(list[i - 1] ?? r)) ?? 0));
    expect(increasing(s.train) && increasing(s.test)).toBe(true);
    expect(() => splitRandom(all, createRng(5), 1)).toThrow(RangeError);
  });
});
