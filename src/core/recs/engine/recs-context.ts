import type { InteractionLog } from '../interaction-log.js';
import { PURCHASE, VIEW } from '../interaction-log.js';

/**
 * What the ranker knows about one request, in the model's item indices. The same shape serves a
 * user's home page (history from the live profile), an item page (the item is the anchor) and a
 * basket (its items are the anchors); validation builds it from the log before a cutoff, so what is
 * measured is what is served.
 */
export interface RecsContext {
  /** Every item the user interacted with, most recent first (personal: the collaborative model's input). */
  readonly history: readonly number[];
  /** The current session's views, oldest first (session next-item). */
  readonly session: readonly number[];
  /** Anchors for "bought together": the basket, the cart, or the latest purchases. */
  readonly boughtAnchors: readonly number[];
  /** Anchors for "also viewed": the viewed item, or the latest views. */
  readonly viewedAnchors: readonly number[];
  /** Anchors for catalog similarity. */
  readonly contentAnchors: readonly number[];
  /** The user's purchases (exclusion and repeat-purchase timing). */
  readonly purchases: ReadonlyMap<number, PurchaseFact>;
  /** Items never to recommend here (the anchors themselves, the cart on a cart page). */
  readonly exclude: ReadonlySet<number>;
  /** The user's segments, for segment popularity. */
  readonly segments: readonly string[];
  /** When the page is shown (time-of-day weighting, repeat timing). */
  readonly atMs: number;
}

export interface PurchaseFact {
  readonly lastMs: number;
  readonly orders: number;
}

/** How many of the latest purchases and views anchor "bought together" and "also viewed" for a user. */
export const USER_ANCHORS = 5;
/** How many of each anchor content similarity for a user. */
export const USER_CONTENT_ANCHORS = 3;

export interface UserHistory {
  /** Item index with the time it was last viewed, oldest first. */
  readonly views: readonly { readonly item: number; readonly atMs: number }[];
  readonly purchases: ReadonlyMap<number, PurchaseFact>;
  readonly cart: readonly number[];
  readonly session: readonly number[];
  readonly segments: readonly string[];
}

/** The context of a user's own page (home, e-mail, app): anchors are their latest views, purchases and cart. */
export function userContext(history: UserHistory, atMs: number, extra: { readonly exclude?: ReadonlySet<number> } = {}): RecsContext {
  const latestViews = latestDistinct(history.views.map((v) => v.item));
  const latestBought = [...history.purchases.entries()].sort((a, b) => b[1].lastMs - a[1].lastMs || a[0] - b[0]).map(([item]) => item);
  return {
    history: dedupe([...history.cart, ...latestViews, ...latestBought]),
    session: history.session,
    boughtAnchors: dedupe([...history.cart, ...latestBought.slice(0, USER_ANCHORS)]),
    viewedAnchors: latestViews.slice(0, USER_ANCHORS),
    contentAnchors: dedupe([...latestViews.slice(0, USER_CONTENT_ANCHORS), ...latestBought.slice(0, USER_CONTENT_ANCHORS)]),
    purchases: history.purchases,
    exclude: extra.exclude ?? new Set(),
    segments: history.segments,
    atMs,
  };
}

/**
 * The context of an item page or a basket: the items are every anchor, and are never recommended
 * back. With a known user, their history adds the personal and session parts.
 */
export function anchoredContext(items: readonly number[], history: UserHistory | null, atMs: number): RecsContext {
  const anchors = dedupe(items);
  const base = history === null ? null : userContext(history, atMs);
  return {
    history: base?.history ?? [],
    session: base?.session ?? [],
    boughtAnchors: anchors,
    viewedAnchors: anchors,
    contentAnchors: anchors,
    purchases: base?.purchases ?? new Map(),
    exclude: new Set(anchors),
    segments: base?.segments ?? [],
    atMs,
  };
}

/**
 * A user's history as of a cutoff, read from the log (validation and evaluation): views and
 * purchases strictly before `beforeMs`; no cart and no session (a returning visitor).
 */
export function historyFromLog(log: InteractionLog, rows: { readonly start: number; readonly end: number }, beforeMs: number, segments: readonly string[] = []): UserHistory {
  const views: { item: number; atMs: number }[] = [];
  const purchases = new Map<number, PurchaseFact>();
  for (let r = rows.start; r < rows.end; r++) {
    const atMs = log.atMs[r] as number;
    if (!(atMs < beforeMs)) continue;
    const item = log.item[r] as number;
    const kind = log.kind[r] as number;
    if (kind === PURCHASE) {
      const held = purchases.get(item);
      purchases.set(item, { lastMs: Math.max(held?.lastMs ?? atMs, atMs), orders: (held?.orders ?? 0) + 1 });
    } else if (kind === VIEW) views.push({ item, atMs });
  }
  return { views, purchases, cart: [], session: [], segments };
}

/** Distinct items, most recent first, from a list ordered oldest first. */
function latestDistinct(items: readonly number[]): number[] {
  const seen = new Set<number>();
  const out: number[] = [];
  for (let t = items.length - 1; t >= 0; t--) {
    const item = items[t] as number;
    if (!seen.has(item)) {
      seen.add(item);
      out.push(item);
    }
  }
  return out;
}

function dedupe(items: readonly number[]): number[] {
  return [...new Set(items)];
}
