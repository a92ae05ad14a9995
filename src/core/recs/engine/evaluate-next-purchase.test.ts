import { describe, expect, it } from 'vitest';
import { createRng } from '../../shared/rng.js';
import type { ContentItem } from '../content-similarity.js';
import { evaluateNextPurchase } from './evaluate-next-purchase.js';
import type { InteractionRow } from './log-from-rows.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 1);
const CUTOFF = T0 + 70 * DAY;

/**
 * Two tastes, each of 4 bundles of 4 items: 40 "garden" shoppers and 24 "kitchen" shoppers (so the
 * popular items are garden items). Each shopper keeps to one bundle: before the cutoff they buy 2 of
 * its items and 1 other item of their taste, after it the other 2 items of the bundle. Everyone buys
 * coffee every 7 days, before and after the cutoff (replenishable). One shopper's later order holds
 * an item first sold after the cutoff (unknown to the model).
 */
const bundles = (prefix: string): string[][] => Array.from({ length: 4 }, (_, b) => Array.from({ length: 4 }, (_, i) => `${prefix}${b}${i}`));
const GARDEN = bundles('g');
const KITCHEN = bundles('k');

function shuffled<T>(items: readonly T[], rng: ReturnType<typeof createRng>): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.nextInt(i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

function rows(): InteractionRow[] {
  const rng = createRng(3);
  const out: InteractionRow[] = [];
  for (let u = 0; u < 64; u++) {
    const user = `u${u}`;
    const taste = u < 40 ? GARDEN : KITCHEN;
    const bundle = shuffled(taste[u % 4] as string[], rng);
    const other = shuffled(taste.filter((_, b) => b !== u % 4).flat(), rng)[0] as string;
    [bundle[0] as string, other, bundle[1] as string].forEach((item, t) => out.push({ user, item, kind: 'purchase', atMs: T0 + (t * 20 + rng.nextInt(10)) * DAY + u * 60_000 }));
    bundle.slice(2).forEach((item, t) => out.push({ user, item, kind: 'purchase', atMs: CUTOFF + (2 + t * 3) * DAY + u * 60_000 }));
    for (let week = 0; week < 12; week++) out.push({ user, item: 'coffee', kind: 'purchase', atMs: T0 + week * 7 * DAY + u * 60_000 + 3_600_000 });
  }
  out.push({ user: 'u1', item: 'brand-new', kind: 'purchase', atMs: CUTOFF + DAY });
  return out;
}

const catalog = new Map<string, ContentItem>([
  ...GARDEN.flat().map((id) => [id, { name: `Garden tool ${id}`, category: null, price: null, attributes: {} }] as const),
  ...KITCHEN.flat().map((id) => [id, { name: `Kitchen pan ${id}`, category: null, price: null, attributes: {} }] as const),
  ['coffee', { name: 'Coffee beans', category: null, price: null, attributes: {} }],
]);

describe('evaluateNextPurchase', () => {
  const result = evaluateNextPurchase(rows(), { cutoffMs: CUTOFF, k: 5, seed: 1, catalog, trainingOptions: { easeLambdas: [50] } });

  it('trains on the rows before the cutoff only and evaluates every user with history and a later purchase', () => {
    expect(result.trainItems).toBe(33); // 32 taste items and coffee: the item first sold later is unknown
    expect(result.usersEvaluated).toBe(64);
    expect(result.trainRows).toBe(64 * 3 + 64 * 10); // coffee weeks 0..9 fall before day 70
    expect(result.report.personal.algorithm).toBe('ease');
    expect(result.trainingMs).toBeGreaterThanOrEqual(0);
  });

  it('keeps items never seen in training as targets (misses) and counts repurchases', () => {
    expect(result.unseenTargetShare).toBeGreaterThan(0);
    expect(result.repurchaseTargetShare).toBeGreaterThan(0.2); // coffee is a repurchase for everyone
    expect(result.usersOnlyUnseenItems).toBe(0);
  });

  it('the blend beats popularity: it knows each taste and that coffee is due again', () => {
    // Coffee is popular and due for everyone, so both hit; the blend ranks the rest of the taste too.
    expect(result.all.popularity.hitRate).toBe(1);
    expect(result.all.blend.hitRate).toBe(1);
    expect(result.all.blend.ndcg).toBeGreaterThan(result.all.popularity.ndcg + 0.1);
    // Discovery: popularity offers the popular bundles to everyone; the blend the rest of each shopper's bundle.
    expect(result.newItems.popularity.hitRate).toBeLessThan(0.4);
    expect(result.newItems.blend.hitRate).toBeGreaterThan(0.7);
    expect(result.newItems.blend.ndcg).toBeGreaterThan(2 * result.newItems.popularity.ndcg);
    expect(result.all.blend.coverage).toBeGreaterThan(result.all.popularity.coverage);
    expect(result.newItems.blend.users).toBe(64);
  });

  it('measures each strategy alone: repeat finds the due coffee, personal the taste', () => {
    const repeat = result.all.strategies.repeat;
    expect(repeat?.hitRate).toBe(1); // coffee is due for everyone and bought again
    expect(repeat?.coverage).toBeCloseTo(1 / 33);
    expect(result.all.strategies.personal?.ndcg ?? 0).toBeGreaterThan(result.all.popularity.ndcg);
    expect(result.all.strategies.also_viewed?.hitRate).toBe(0); // no views in a purchase log
  });

  it('is deterministic for a seed', () => {
    const again = evaluateNextPurchase(rows(), { cutoffMs: CUTOFF, k: 5, seed: 1, catalog, trainingOptions: { easeLambdas: [50] } });
    expect(again.all).toEqual(result.all);
    expect(again.newItems).toEqual(result.newItems);
  });
});
