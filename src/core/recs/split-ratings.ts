import type { Rng } from '../shared/rng.js';
import type { RatingRow } from './protocol.js';

/**
 * Seeded train/test splits of rating rows for offline recommendation evaluation. Every split keeps
 * the rows in their input order within train and test, and holds out `testFraction` (default 0.25):
 *
 * - `random`: that share of all rows, drawn at random;
 * - `user-stratified`: that share of each user's rows (rounded; a user with one row keeps it in train,
 *   and every user keeps at least one training row);
 * - `item-stratified`: the same per item;
 * - `time`: per user, the latest share of the user's rows by timestamp (ties: the later row in the
 *   input is the later one), again keeping at least one training row per user. The split is per user,
 *   not global, so every test user has a history to recommend from.
 */
export type SplitStrategy = 'random' | 'user-stratified' | 'item-stratified' | 'time';

export const SPLIT_STRATEGIES: readonly SplitStrategy[] = ['random', 'user-stratified', 'item-stratified', 'time'];

export interface RatingsSplit {
  readonly train: RatingRow[];
  readonly test: RatingRow[];
}

function checkFraction(testFraction: number): void {
  if (!(testFraction > 0 && testFraction < 1)) throw new RangeError(`split: testFraction must be in (0, 1), got ${testFraction}`);
}

/** Fisher-Yates shuffle in place with the seeded rng. */
function shuffle(values: number[], rng: Rng): void {
  for (let i = values.length - 1; i > 0; i--) {
    const j = rng.nextInt(i + 1);
    const t = values[i] ?? 0;
    values[i] = values[j] ?? 0;
    values[j] = t;
  }
}

/** How many of a group's n rows go to test: the rounded share, at most n - 1 (none when n < 2). */
function heldOutCount(n: number, testFraction: number): number {
  return n >= 2 ? Math.min(n - 1, Math.round(testFraction * n)) : 0;
}

function assemble(rows: readonly RatingRow[], isTest: Uint8Array): RatingsSplit {
  const train: RatingRow[] = [];
  const test: RatingRow[] = [];
  rows.forEach((row, i) => (isTest[i] === 1 ? test : train).push(row));
  return { train, test };
}

/** Row indices grouped by a key, groups in order of first appearance. */
function groupBy(rows: readonly RatingRow[], key: (row: RatingRow) => number): number[][] {
  const groups = new Map<number, number[]>();
  rows.forEach((row, i) => {
    const k = key(row);
    let g = groups.get(k);
    if (g === undefined) groups.set(k, (g = []));
    g.push(i);
  });
  return [...groups.values()];
}

export function splitRandom(rows: readonly RatingRow[], rng: Rng, testFraction = 0.25): RatingsSplit {
  checkFraction(testFraction);
  const order = rows.map((_, i) => i);
  shuffle(order, rng);
  const isTest = new Uint8Array(rows.length);
  const nTest = Math.round(testFraction * rows.length);
  for (const i of order.slice(0, nTest)) isTest[i] = 1;
  return assemble(rows, isTest);
}

export function splitStratified(rows: readonly RatingRow[], by: 'user' | 'item', rng: Rng, testFraction = 0.25): RatingsSplit {
  checkFraction(testFraction);
  const isTest = new Uint8Array(rows.length);
  for (const group of groupBy(rows, (r) => (by === 'user' ? r.user : r.item))) {
    shuffle(group, rng);
    for (const i of group.slice(0, heldOutCount(group.length, testFraction))) isTest[i] = 1;
  }
  return assemble(rows, isTest);
}

export function splitByTime(rows: readonly RatingRow[], testFraction = 0.25): RatingsSplit {
  checkFraction(testFraction);
  const isTest = new Uint8Array(rows.length);
  for (const group of groupBy(rows, (r) => r.user)) {
    group.sort((a, b) => (rows[a]?.timestamp ?? 0) - (rows[b]?.timestamp ?? 0) || a - b);
    for (const i of group.slice(group.length - heldOutCount(group.length, testFraction))) isTest[i] = 1;
  }
  return assemble(rows, isTest);
}

/** Splits with the named strategy (the rng is not used by `time`). */
export function splitRatings(rows: readonly RatingRow[], strategy: SplitStrategy, rng: Rng, testFraction = 0.25): RatingsSplit {
  switch (strategy) {
    case 'random':
      return splitRandom(rows, rng, testFraction);
    case 'user-stratified':
      return splitStratified(rows, 'user', rng, testFraction);
    case 'item-stratified':
      return splitStratified(rows, 'item', rng, testFraction);
    case 'time':
      return splitByTime(rows, testFraction);
  }
}
