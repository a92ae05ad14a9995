import { describe, expect, it } from 'vitest';
import type { InteractionRow } from './log-from-rows.js';
import { logFromRows } from './log-from-rows.js';
import { defaultPlacement, parsePlacement } from './placement.js';
import type { ItemFacts, RankRequest } from './rank.js';
import { rankRecommendations } from './rank.js';
import type { UserHistory } from './recs-context.js';
import { anchoredContext, userContext } from './recs-context.js';
import { indexItems } from './recs-model.js';
import type { RecsModel } from './recs-model.js';
import { popularList, trainRecommender } from './train-recommender.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 1);

/**
 * Two tastes: "outdoor" shoppers buy tent, stove, lamp, boots; "kitchen" shoppers buy pan, knife,
 * board, kettle. Coffee is bought by everyone every 7 days (replenishable). Sofa is in the catalog
 * only (nobody touched it); socks are out of stock.
 */
const OUTDOOR = ['tent', 'stove', 'lamp', 'boots'];
const KITCHEN = ['pan', 'knife', 'board', 'kettle'];
const CATALOG: Record<string, ItemFacts & { attributes: Record<string, string> }> = {
  tent: { name: 'Tent', category: 'outdoor', price: 200, stock: 5, attributes: { brand: 'north' } },
  stove: { name: 'Stove', category: 'outdoor', price: 60, stock: 5, attributes: { brand: 'north' } },
  lamp: { name: 'Lamp', category: 'outdoor', price: 20, stock: 5, attributes: { brand: 'north' } },
  boots: { name: 'Boots', category: 'shoes', price: 120, stock: 5, attributes: { brand: 'north' } },
  pan: { name: 'Pan', category: 'kitchen', price: 40, stock: 5, attributes: { brand: 'chef' } },
  knife: { name: 'Knife', category: 'kitchen', price: 30, stock: 5, attributes: { brand: 'chef' } },
  board: { name: 'Board', category: 'kitchen', price: 15, stock: 5, attributes: { brand: 'chef' } },
  kettle: { name: 'Kettle', category: 'kitchen', price: 35, stock: 0, attributes: { brand: 'chef' } },
  coffee: { name: 'Coffee', category: 'grocery', price: 9, stock: 99, attributes: {} },
  sofa: { name: 'Sofa Deluxe', category: 'furniture', price: 900, stock: 2, attributes: { brand: 'north' } },
};

function rows(): InteractionRow[] {
  const out: InteractionRow[] = [];
  for (let u = 0; u < 40; u++) {
    const taste = u % 2 === 0 ? OUTDOOR : KITCHEN;
    const user = `u${u}`;
    // Each buys 3 of their 4 taste items (a different one left out), views the 4th.
    taste.forEach((item, t) => {
      const at = T0 + (u * 3 + t) * 3_600_000;
      out.push({ user, item, kind: 'view', atMs: at });
      if (t !== u % 4) out.push({ user, item, kind: 'purchase', atMs: at + 60_000 });
    });
    for (let week = 0; week < 6; week++) out.push({ user, item: 'coffee', kind: 'purchase', atMs: T0 + week * 7 * DAY + u * 60_000 });
  }
  return out;
}

function train(): { model: RecsModel; index: ReadonlyMap<string, number> } {
  const log = logFromRows(rows(), Object.keys(CATALOG));
  const content = log.items.map((id) => {
    const c = CATALOG[id];
    return c === undefined ? null : { name: c.name, category: c.category, price: c.price, attributes: c.attributes };
  });
  const model = trainRecommender({ log, content, segments: new Map(), nowMs: T0 + 40 * DAY, options: { learnWeights: false, easeLambdas: [1] } });
  return { model, index: indexItems(model.items) };
}

const { model, index } = train();
const id = (item: string): number => index.get(item) as number;
const facts = (item: number): ItemFacts | null => CATALOG[model.items[item] ?? ''] ?? null;

function request(over: Partial<RankRequest> & Pick<RankRequest, 'ctx'>): RankRequest {
  return {
    model,
    itemIndex: index,
    placement: defaultPlacement(),
    count: 5,
    personalized: true,
    popular: popularList(model.popularity),
    facts,
    segmentName: (key) => key,
    ...over,
  };
}

function history(bought: readonly string[], atMs: number, viewed: readonly string[] = []): UserHistory {
  return {
    views: viewed.map((item, t) => ({ item: id(item), atMs: atMs - 1000 + t })),
    purchases: new Map(bought.map((item) => [id(item), { lastMs: atMs - DAY, orders: 1 }])),
    cart: [],
    session: [],
    segments: [],
  };
}

const names = (items: readonly { item: number }[]): string[] => items.map((r) => model.items[r.item] ?? '?');

describe('rankRecommendations', () => {
  const now = T0 + 40 * DAY;

  it('recommends the rest of the taste a user shows, never what they bought, each with its reason', () => {
    const bought = history(['tent', 'stove'], now);
    // Coffee (everyone's staple) was bought an hour ago: not due, so it is left out too.
    const ctx = userContext({ ...bought, purchases: new Map([...bought.purchases, [id('coffee'), { lastMs: now - 3_600_000, orders: 6 }]]) }, now);
    const out = rankRecommendations(request({ ctx }));
    const top = names(out.items);
    expect(top).not.toContain('coffee');
    expect(top.slice(0, 2).sort()).toEqual(['boots', 'lamp']);
    expect(top).not.toContain('tent');
    expect(top).not.toContain('stove');
    const lamp = out.items.find((r) => model.items[r.item] === 'lamp');
    expect(lamp?.reasons[0]?.text).toMatch(/^because you bought "(Tent|Stove)"$/);
  });

  it('brings a replenishable item back only when it is due', () => {
    const due = history(['tent', 'coffee'], now);
    const dueCtx = userContext({ ...due, purchases: new Map([...due.purchases, [id('coffee'), { lastMs: now - 7 * DAY, orders: 6 }]]) }, now);
    const out = rankRecommendations(request({ ctx: dueCtx }));
    const coffee = out.items.find((r) => model.items[r.item] === 'coffee');
    expect(coffee?.reasons.some((r) => r.source === 'repeat' && /every 7 days/.test(r.text))).toBe(true);
    const fresh = history(['tent'], now);
    const justBought = userContext({ ...fresh, purchases: new Map([...fresh.purchases, [id('coffee'), { lastMs: now - 3_600_000, orders: 6 }]]) }, now);
    expect(names(rankRecommendations(request({ ctx: justBought })).items)).not.toContain('coffee');
  });

  it('answers an item page from co-purchases, and a new item from catalog attributes', () => {
    const page = rankRecommendations(request({ ctx: anchoredContext([id('pan')], null, now) }));
    expect(names(page.items).slice(0, 3)).toEqual(expect.arrayContaining(['board', 'knife']));
    expect(names(page.items)).not.toContain('pan');
    expect(page.items.find((r) => model.items[r.item] === 'knife')?.reasons[0]?.text).toMatch(/often bought with "Pan"/);
    const sofa = rankRecommendations(request({ ctx: anchoredContext([id('sofa')], null, now) }));
    const similar = sofa.items.filter((r) => r.strategy === 'content');
    expect(similar.length).toBeGreaterThanOrEqual(3);
    // Only the same brand links the sofa to anything: every content match is a "north" item.
    expect(similar.every((r) => CATALOG[model.items[r.item] ?? '']?.attributes['brand'] === 'north')).toBe(true);
    expect(similar[0]?.reasons[0]?.text).toBe('similar to "Sofa Deluxe"');
  });

  it('applies the placement rules: stock, categories, price band, pins, boosts, category cap', () => {
    const ctx = anchoredContext([id('pan')], null, now);
    expect(names(rankRecommendations(request({ ctx, count: 10 })).items)).not.toContain('kettle');
    const parsed = parsePlacement('cart', {
      rules: { pinItems: ['lamp'], excludeCategories: ['grocery'], maxPrice: 100, maxPerCategory: 1 },
      fallbacks: ['popular'],
    });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    const out = rankRecommendations(request({ ctx, placement: parsed.value, count: 6 }));
    expect(names(out.items)[0]).toBe('lamp');
    expect(out.items[0]?.strategy).toBe('pinned');
    const rest = out.items.slice(1).map((r) => facts(r.item));
    expect(rest.every((f) => f !== null && f.category !== 'grocery' && (f.price ?? 0) <= 100)).toBe(true);
    const categories = rest.map((f) => f?.category);
    expect(new Set(categories).size).toBe(categories.length);
  });

  it('gives a user without history what is popular, saying so', () => {
    const out = rankRecommendations(request({ ctx: userContext(history([], now), now), count: 3 }));
    expect(out.items.every((r) => r.strategy === 'popular' && r.reasons[0]?.text === 'popular right now')).toBe(true);
    expect(names(out.items)[0]).toBe('coffee');
  });

  it('falls back in the declared order when the blend runs short, and says so', () => {
    const placement = { ...defaultPlacement(), weights: { popular: 0 }, fallbacks: ['segment_popular', 'popular'] as const };
    const out = rankRecommendations(request({ ctx: userContext(history([], now), now), count: 3, placement }));
    expect(out.fallbacksUsed).toEqual(['popular']);
    expect(out.items.every((r) => r.fallback && r.reasons[0]?.text === 'popular right now')).toBe(true);
    expect(names(out.items)[0]).toBe('coffee');
  });

  it('without consent uses no personal data: the list equals the popular list', () => {
    const ctx = userContext(history(['tent', 'stove'], now), now);
    const out = rankRecommendations(request({ ctx, personalized: false, placement: { ...defaultPlacement(), rules: { ...defaultPlacement().rules, excludePurchased: false } } }));
    expect(out.items.every((r) => r.strategy === 'popular')).toBe(true);
    expect(out.weights.personal).toBe(0);
  });

  it('rejects a bad placement with every field named', () => {
    const parsed = parsePlacement('Home Page', { weights: { personal: -1, magic: 1 }, rules: { maxPerCategory: 0, colour: 'red' }, count: 1000 });
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.errors.map((e) => e.field).sort()).toEqual(['count', 'key', 'rules.colour', 'rules.maxPerCategory', 'weights.magic', 'weights.personal']);
  });
});
