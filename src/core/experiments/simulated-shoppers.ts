/**
 * SIMULATED shoppers with hidden preferences, for closed-loop demos of experiments (`attune
 * simulate`). Not real customers: every id this module makes starts with `sim-`.
 * Pure: randomness comes from the Rng passed in.
 *
 * The model (all numbers are the constants below):
 * - Catalog: `items` products spread over `categories` categories; the categories fall into up to
 *   three clusters (category i in cluster i mod K). Prices are log-uniform in [15, 180], margin rates
 *   uniform in [0.2, 0.6].
 * - A shopper belongs to one hidden cluster. Their taste over categories is a softmax of
 *   CLUSTER_PULL for the cluster's categories plus a personal Gaussian term (TASTE_SPREAD), so two
 *   shoppers of one cluster still like different things: rules on the cluster help some, one-to-one
 *   learning of the individual taste helps more.
 * - The observable trait `style` (sent with identify) names the true cluster with probability
 *   TRAIT_ACCURACY, otherwise another cluster at random: it correlates imperfectly with taste.
 * - Hidden scalars: price sensitivity in [0, 0.6], base purchase propensity in [0.15, 0.55],
 *   discount sensitivity (a third of shoppers are discount-driven, in [0.5, 1]; the rest in [0, 0.1]).
 * - Affinity of a shopper for an item: taste[category] × number of categories (1 = indifferent),
 *   × exp(−priceSensitivity × (price / mean price − 1)), capped at MAX_AFFINITY.
 * - A visit shows items (in order), maybe an offer and a content variant. The shopper clicks with
 *   probability 1 − exp(−CLICK_SCALE × A × contentFit), where A is the best position-weighted affinity
 *   among the shown items (position weight 1 / (1 + 0.25 × rank)) and contentFit is CONTENT_MATCH for
 *   the variant made for their true cluster, CONTENT_MISMATCH for another cluster's, 1 otherwise.
 *   The clicked item is drawn in proportion to position-weighted affinity.
 * - After a click they order with probability propensity × min(affinity, MAX_AFFINITY) / 2 ×
 *   incentive, capped at 0.95; incentive = 1 + discountSensitivity × (percent off / 10), and
 *   + discountSensitivity × 0.5 for free shipping. Each other shown item joins the basket with
 *   probability BASKET_ADD × min(1, affinity / 2).
 * - Revenue is the basket at price less the percent off; the discount is the percent-off value, or
 *   SHIPPING_COST for free shipping.
 */
import type { Rng } from '../shared/rng.js';
import { normalDraw } from './simulate.js';

export const SIM_PREFIX = 'sim-';
const CATEGORY_NAMES = ['outdoor', 'kitchen', 'books', 'garden', 'beauty', 'toys', 'sports', 'music', 'games', 'pets'];
const STYLE_NAMES = ['adventurer', 'homebody', 'trendsetter'];
const MAX_CLUSTERS = 3;
const CLUSTER_PULL = 1.6;
const TASTE_SPREAD = 1.1;
export const TRAIT_ACCURACY = 0.65;
const MAX_AFFINITY = 4;
const CLICK_SCALE = 0.12;
const CONTENT_MATCH = 1.25;
const CONTENT_MISMATCH = 0.9;
const BASKET_ADD = 0.15;
export const SHIPPING_COST = 5;

export interface SimItem {
  readonly id: string;
  readonly name: string;
  readonly category: string;
  readonly price: number;
  readonly marginRate: number;
}

export interface SimCatalog {
  readonly items: readonly SimItem[];
  readonly categories: readonly string[];
  /** Cluster k's categories. */
  readonly clusters: readonly (readonly string[])[];
  /** Cluster k's observable name (the `style` trait's values). */
  readonly styles: readonly string[];
  readonly meanPrice: number;
}

export interface Shopper {
  readonly id: string;
  /** Hidden: the true cluster (index into catalog.styles). */
  readonly cluster: number;
  /** Observable (identify trait `style`): the true cluster's name with probability TRAIT_ACCURACY. */
  readonly style: string;
  /** Hidden: share of interest per category (catalog.categories order), sums to 1. */
  readonly taste: readonly number[];
  readonly priceSensitivity: number;
  readonly propensity: number;
  readonly discountSensitivity: number;
}

/** What one visit showed the shopper. */
export interface ShownDecision {
  readonly items: readonly SimItem[];
  readonly discountPercent: number;
  readonly freeShipping: boolean;
  readonly contentVariant: string | null;
}

export interface ShopperResponse {
  readonly clicked: SimItem | null;
  readonly ordered: readonly SimItem[] | null;
  readonly revenue: number;
  readonly discount: number;
}

/** The content variant made for a style (the simulated placement names its variants so). */
export function styleVariantKey(style: string): string {
  return `${SIM_PREFIX}${style}`;
}

export function simulatedCatalog(rng: Rng, items: number, categories: number): SimCatalog {
  if (!(Number.isInteger(items) && items >= 1 && Number.isInteger(categories) && categories >= 1)) throw new RangeError('simulatedCatalog: items and categories must be integers ≥ 1');
  const names = Array.from({ length: categories }, (_, i) => CATEGORY_NAMES[i] ?? `category-${i + 1}`);
  const k = Math.min(MAX_CLUSTERS, categories);
  const clusters = Array.from({ length: k }, (_, c) => names.filter((_, i) => i % k === c));
  const styles = Array.from({ length: k }, (_, c) => STYLE_NAMES[c] ?? `style-${c + 1}`);
  const list: SimItem[] = [];
  for (let i = 0; i < items; i++) {
    const category = names[i % categories] as string;
    const price = Math.round(15 * Math.exp(rng.next() * Math.log(12)) * 100) / 100;
    list.push({ id: `${SIM_PREFIX}item-${String(i + 1).padStart(3, '0')}`, name: `Simulated ${category} item ${i + 1}`, category, price, marginRate: Math.round((0.2 + 0.4 * rng.next()) * 100) / 100 });
  }
  const meanPrice = list.reduce((s, it) => s + it.price, 0) / list.length;
  return { items: list, categories: names, clusters, styles, meanPrice };
}

export function createShoppers(rng: Rng, n: number, catalog: SimCatalog): Shopper[] {
  const k = catalog.styles.length;
  const out: Shopper[] = [];
  for (let u = 0; u < n; u++) {
    const cluster = rng.nextInt(k);
    const logits = catalog.categories.map((c) => ((catalog.clusters[cluster] ?? []).includes(c) ? CLUSTER_PULL : 0) + TASTE_SPREAD * normalDraw(rng));
    const top = Math.max(...logits);
    const weights = logits.map((l) => Math.exp(l - top));
    const total = weights.reduce((s, w) => s + w, 0);
    const observed = k === 1 || rng.next() < TRAIT_ACCURACY ? cluster : (cluster + 1 + rng.nextInt(k - 1)) % k;
    const discountDriven = rng.next() < 1 / 3;
    out.push({
      id: `${SIM_PREFIX}shopper-${String(u + 1).padStart(5, '0')}`,
      cluster,
      style: catalog.styles[observed] as string,
      taste: weights.map((w) => w / total),
      priceSensitivity: 0.6 * rng.next(),
      propensity: 0.15 + 0.4 * rng.next(),
      discountSensitivity: discountDriven ? 0.5 + 0.5 * rng.next() : 0.1 * rng.next(),
    });
  }
  return out;
}

/** How much the shopper likes the item (1: indifferent), from hidden taste and price sensitivity. */
export function affinity(shopper: Shopper, item: SimItem, catalog: SimCatalog): number {
  const c = catalog.categories.indexOf(item.category);
  const taste = c < 0 ? 1 / catalog.categories.length : (shopper.taste[c] ?? 0);
  const price = Math.exp(-shopper.priceSensitivity * (item.price / catalog.meanPrice - 1));
  return Math.min(MAX_AFFINITY, taste * catalog.categories.length * price);
}

function pickWeighted<T>(rng: Rng, entries: readonly (readonly [T, number])[]): T | null {
  const total = entries.reduce((s, [, w]) => s + w, 0);
  if (!(total > 0)) return null;
  let r = rng.next() * total;
  for (const [value, w] of entries) {
    r -= w;
    if (r < 0) return value;
  }
  return entries.at(-1)?.[0] ?? null;
}

/** One visit's response (see the model at the top of this file). */
export function shopperResponse(shopper: Shopper, shown: ShownDecision, rng: Rng, catalog: SimCatalog): ShopperResponse {
  const none: ShopperResponse = { clicked: null, ordered: null, revenue: 0, discount: 0 };
  if (shown.items.length === 0) return none;
  const weighted = shown.items.map((item, rank) => [item, affinity(shopper, item, catalog) / (1 + 0.25 * rank)] as const);
  const best = Math.max(...weighted.map(([, w]) => w));
  const own = styleVariantKey(catalog.styles[shopper.cluster] ?? '');
  const fit = shown.contentVariant === null ? 1 : shown.contentVariant === own ? CONTENT_MATCH : catalog.styles.some((s) => styleVariantKey(s) === shown.contentVariant) ? CONTENT_MISMATCH : 1;
  if (rng.next() >= 1 - Math.exp(-CLICK_SCALE * best * fit)) return none;
  const clicked = pickWeighted(rng, weighted);
  if (clicked === null) return none;
  const incentive = 1 + shopper.discountSensitivity * (shown.discountPercent / 10) + (shown.freeShipping ? shopper.discountSensitivity * 0.5 : 0);
  const pOrder = Math.min(0.95, ((shopper.propensity * affinity(shopper, clicked, catalog)) / 2) * incentive);
  if (rng.next() >= pOrder) return { clicked, ordered: null, revenue: 0, discount: 0 };
  const basket = [clicked, ...shown.items.filter((i) => i !== clicked && rng.next() < BASKET_ADD * Math.min(1, affinity(shopper, i, catalog) / 2))];
  const gross = basket.reduce((s, i) => s + i.price, 0);
  const percentOff = (gross * shown.discountPercent) / 100;
  const round2 = (v: number): number => Math.round(v * 100) / 100;
  return { clicked, ordered: basket, revenue: round2(gross - percentOff), discount: round2(shown.freeShipping ? SHIPPING_COST : percentOff) };
}

/** Warm-up browsing before the experiment: sessions of viewed items, sometimes ending in an order. */
export function warmUpSession(shopper: Shopper, catalog: SimCatalog, rng: Rng, views = 4): { readonly viewed: readonly SimItem[]; readonly ordered: readonly SimItem[] } {
  const pool = catalog.items.map((item) => [item, affinity(shopper, item, catalog) ** 2] as [SimItem, number]);
  const viewed: SimItem[] = [];
  for (let v = 0; v < views && pool.length > 0; v++) {
    const item = pickWeighted(rng, pool);
    if (item === null) break;
    viewed.push(item);
    pool.splice(pool.findIndex(([i]) => i === item), 1);
  }
  const ordered: SimItem[] = [];
  if (rng.next() < shopper.propensity) {
    const item = pickWeighted(rng, viewed.map((i) => [i, affinity(shopper, i, catalog)] as const));
    if (item !== null) ordered.push(item);
  }
  return { viewed, ordered };
}
