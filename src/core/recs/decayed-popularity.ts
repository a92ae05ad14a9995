import type { InteractionLog } from './interaction-log.js';
import { CART, PURCHASE, userRuns } from './interaction-log.js';
import { topK } from './interactions.js';

/**
 * Time-decayed popularity ("trending"): each interaction counts weight(kind) · 2^(−age / halfLife),
 * so an event one half-life old counts half as much as one happening now. Rows dated after `nowMs`
 * (clock skew, late batch clocks) count with age 0, never more than their weight.
 */
export interface PopularityWeights {
  readonly view: number;
  readonly cart: number;
  readonly purchase: number;
}

export const DEFAULT_POPULARITY_WEIGHTS: PopularityWeights = Object.freeze({ view: 1, cart: 3, purchase: 5 });

export interface DecayedPopularityOptions {
  /** Half-life of an interaction's weight, in days (> 0); default 30. */
  readonly halfLifeDays?: number;
  readonly weights?: PopularityWeights;
  /** Only rows for which this holds count (e.g. one channel, or rows before a cut-off). */
  readonly rows?: (row: number) => boolean;
}

export interface GroupPopularityOptions extends DecayedPopularityOptions {
  /** Items kept per group, best first; default 100. */
  readonly top?: number;
  /** Groups with fewer users having any counted row are left out; default 5. */
  readonly minUsers?: number;
}

export interface GroupPopularity {
  /** The group's top items, best first (ties by ascending index); only items with a positive score. */
  readonly items: Int32Array;
  /** Decayed popularity of each item among the group's users. */
  readonly scores: Float64Array;
  /**
   * (item's share of the group's total score) / (item's share of the whole population's total score):
   * 1 = as popular in the group as everywhere; > 1 = over-represented in the group.
   */
  readonly lift: Float64Array;
}

const DAY_MS = 86_400_000;

function halfLifeOf(options: DecayedPopularityOptions | undefined, fn: string): number {
  const h = options?.halfLifeDays ?? 30;
  if (!(Number.isFinite(h) && h > 0)) throw new RangeError(`${fn}: halfLifeDays must be a positive number, got ${h}`);
  return h;
}

function kindWeights(w: PopularityWeights): Float64Array {
  const out = new Float64Array(3);
  out[0] = w.view;
  out[CART] = w.cart;
  out[PURCHASE] = w.purchase;
  return out;
}

/** Adds the decayed weight of row r to acc[item]. */
function accumulateRow(log: InteractionLog, r: number, nowMs: number, lambda: number, w: Float64Array, acc: Float64Array): void {
  const ageMs = nowMs - (log.atMs[r] as number);
  const decay = ageMs > 0 ? Math.exp(-lambda * ageMs) : 1;
  const i = log.item[r] as number;
  acc[i] = (acc[i] as number) + (w[log.kind[r] as number] ?? 0) * decay;
}

/** Per item, Σ weight(kind) · 2^(−max(0, nowMs − atMs) / halfLife) over the (selected) rows. */
export function decayedPopularity(log: InteractionLog, nowMs: number, options?: DecayedPopularityOptions): Float64Array {
  const halfLife = halfLifeOf(options, 'decayedPopularity');
  const lambda = Math.LN2 / (halfLife * DAY_MS);
  const w = kindWeights(options?.weights ?? DEFAULT_POPULARITY_WEIGHTS);
  const keep = options?.rows;
  const acc = new Float64Array(log.items.length);
  const n = log.item.length;
  for (let r = 0; r < n; r++) {
    if (keep !== undefined && !keep(r)) continue;
    accumulateRow(log, r, nowMs, lambda, w, acc);
  }
  return acc;
}

/**
 * Decayed popularity within each group of users (e.g. a segment), with the lift against the whole
 * population so that a caller says "popular in your segment" only where the group really differs
 * (lift well above 1), not for items that are simply popular everywhere (lift ≈ 1).
 * Groups with fewer than `minUsers` users having any counted row are left out of the result.
 */
export function groupPopularity(
  log: InteractionLog,
  groups: ReadonlyMap<string, ReadonlySet<number>>,
  nowMs: number,
  options?: GroupPopularityOptions,
): Map<string, GroupPopularity> {
  const halfLife = halfLifeOf(options, 'groupPopularity');
  const top = options?.top ?? 100;
  const minUsers = options?.minUsers ?? 5;
  if (!(Number.isInteger(top) && top >= 0)) throw new RangeError(`groupPopularity: top must be an integer ≥ 0, got ${top}`);
  const lambda = Math.LN2 / (halfLife * DAY_MS);
  const w = kindWeights(options?.weights ?? DEFAULT_POPULARITY_WEIGHTS);
  const keep = options?.rows;
  const nItems = log.items.length;
  const population = decayedPopularity(log, nowMs, options);
  let popTotal = 0;
  for (let i = 0; i < nItems; i++) popTotal += population[i] as number;
  const runs = userRuns(log);
  const nUsers = log.users.length;
  const out = new Map<string, GroupPopularity>();
  for (const [name, members] of groups) {
    const acc = new Float64Array(nItems);
    let active = 0;
    for (const u of members) {
      if (!(Number.isInteger(u) && u >= 0 && u < nUsers)) continue;
      const end = runs[u + 1] as number;
      let counted = false;
      for (let r = runs[u] as number; r < end; r++) {
        if (keep !== undefined && !keep(r)) continue;
        counted = true;
        accumulateRow(log, r, nowMs, lambda, w, acc);
      }
      if (counted) active++;
    }
    if (active < minUsers) continue;
    let total = 0;
    for (let i = 0; i < nItems; i++) total += acc[i] as number;
    const best = topK(acc, top);
    let kept = 0;
    while (kept < best.length && (acc[best[kept] as number] as number) > 0) kept++;
    const items = new Int32Array(kept);
    const scores = new Float64Array(kept);
    const lift = new Float64Array(kept);
    for (let t = 0; t < kept; t++) {
      const i = best[t] as number;
      const s = acc[i] as number;
      items[t] = i;
      scores[t] = s;
      // The group is part of the population, so population[i] ≥ s > 0 and both totals are > 0.
      lift[t] = s / total / ((population[i] as number) / popTotal);
    }
    out.set(name, { items, scores, lift });
  }
  return out;
}

/**
 * Adds one live interaction to a popularity vector whose values are expressed as of `scoresAtMs`
 * (e.g. the output of `decayedPopularity(log, scoresAtMs)`), without recomputing it.
 *
 * All values of the vector are decayed to a common reference time `scoresAtMs`; an event at `atMs`
 * therefore contributes weight · 2^((atMs − scoresAtMs) / halfLife): exactly `weight` when it happens
 * at the reference time, more when it happens later (it has decayed less than everything already in
 * the vector), less when it is older. Ranking is unaffected by the choice of reference, because moving
 * it multiplies every value by the same factor: to express the vector as of a later time t, multiply
 * all values by 2^(−(t − scoresAtMs) / halfLife). Keep `scoresAtMs` within some thousands of
 * half-lives of live events (the factor grows as 2^(elapsed / halfLife)) and re-base it from time to
 * time, e.g. when the vector is recomputed from the log.
 */
export function bumpPopularity(
  scores: Float64Array,
  item: number,
  weight: number,
  atMs: number,
  scoresAtMs: number,
  halfLifeDays: number,
): void {
  if (!(Number.isFinite(halfLifeDays) && halfLifeDays > 0)) throw new RangeError(`bumpPopularity: halfLifeDays must be a positive number, got ${halfLifeDays}`);
  if (!(Number.isInteger(item) && item >= 0 && item < scores.length)) throw new RangeError(`bumpPopularity: item ${item} out of range [0, ${scores.length})`);
  scores[item] = (scores[item] as number) + weight * 2 ** ((atMs - scoresAtMs) / (halfLifeDays * DAY_MS));
}
