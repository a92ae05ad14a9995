import type { NormalizedEvent } from '../events/event.js';
import type { JsonValue } from '../shared/json.js';
import { MS_PER_DAY, MS_PER_HOUR, toEpochDay } from '../shared/time.js';
import type { EpochMs } from '../shared/time.js';
import { applyBehaviorTracks } from './apply-behavior-tracks.js';
import { accumulateComputedTraits } from './computed-trait-accumulator.js';
import { applyConsent } from './consent.js';
import type { ProductLine } from './ecommerce-fields.js';
import { readDiscount, readKey, readOrderAmount, readOrderId, readProductLines } from './ecommerce-fields.js';
import { isWritableKey, ownValue } from './own-record.js';
import type { ProfileSpec } from './profile-spec.js';
import { LONGEST_ORDER_WINDOW_DAYS, PROFILE_CAPS } from './profile-spec.js';
import type { CappedCounts, OrderDayBucket, ProfileState, PurchasedProduct } from './profile-state.js';
import { readChannel, readDeviceKind } from './read-activity-context.js';
import { toJsonSafe } from './to-json-safe.js';

/**
 * The profile reducer: folds one event into the state and returns it.
 *
 * It MUTATES and returns `state` (the hot path of ingest; copying the state per event would cost
 * more than the update). The caller owns the object: clone it first (JSON round trip or
 * structuredClone) if the previous version must survive.
 *
 * Exactness: the profile is defined as this function folded over the events sorted by
 * `compareEventOrder`. Applying an event that `isAfterLastEvent` accepts gives exactly (deep-equal,
 * to the last bit of every float) what a replay gives, because a replay runs the same operations
 * in the same order. An event equal to `lastEventKey` is a duplicate and changes nothing. An
 * older event is still applied, and the order-free parts come out right (counts, traits, buckets,
 * affinity up to float rounding, behavior tracks), but sessions, the cart and capped maps depend
 * on order, so the app must replay the profile instead (see foldProfile).
 */
export function applyEventToProfile(state: ProfileState, event: NormalizedEvent, spec: ProfileSpec): ProfileState {
  const atMs = event.timestampMs;
  const last = state.lastEventKey;
  let inOrder = true;
  if (last !== null) {
    if (atMs === last.timestampMs) {
      if (event.messageId === last.messageId) return state;
      inOrder = event.messageId > last.messageId;
    } else {
      inOrder = atMs > last.timestampMs;
    }
  }

  // Before eventCount moves: it tells a trait met on an empty profile from one added later.
  if (spec.computedTraits.length > 0 || !isEmpty(state.computedTraits)) {
    accumulateComputedTraits(state, event, spec.computedTraits);
  }

  state.eventCount += 1;
  if (inOrder) state.lastEventKey = { timestampMs: atMs, messageId: event.messageId };
  if (state.firstSeenMs === null || atMs < state.firstSeenMs) state.firstSeenMs = atMs;
  if (state.lastSeenMs === null || atMs > state.lastSeenMs) state.lastSeenMs = atMs;
  state.eventTypeCounts[event.type] += 1;
  // After eventCount and lastSeenMs: the first event creates the tracks, the latest time prunes them.
  if (spec.behaviorTracks.length > 0 || !isEmpty(state.behavior)) applyBehaviorTracks(state, event, spec);

  // Every call type may carry the visitor's consent choices in its context.
  applyConsent(state, event.context, atMs);

  // Group traits describe the group (company), not the person.
  if (event.type !== 'group') applyTraits(state, event, spec);

  switch (event.type) {
    case 'track':
      addCapped(state.trackEventCounts, event.event ?? '', PROFILE_CAPS.trackEventNames);
      applyActivity(state, event, spec);
      if (event.event !== null) applyCommerce(state, event, event.event, spec);
      break;
    case 'page':
    case 'screen':
      applyActivity(state, event, spec);
      break;
    case 'identify':
    case 'group':
    case 'alias':
      break;
  }
  return state;
}

function isEmpty(record: object): boolean {
  for (const _ in record) return false;
  return true;
}

function applyTraits(state: ProfileState, event: NormalizedEvent, spec: ProfileSpec): void {
  const incoming = event.traits;
  const atMs = event.timestampMs;
  const messageId = event.messageId;
  const traits = state.traits;
  for (const key in incoming) {
    if (!isWritableKey(key) || !Object.hasOwn(incoming, key)) continue;
    const value = incoming[key] as JsonValue;
    const existing = ownValue(traits, key);
    if (existing === undefined) {
      if (Object.keys(traits).length >= spec.maxTraitKeys) {
        state.traitsDropped += 1;
        continue;
      }
      traits[key] = { value: toJsonSafe(value), atMs, messageId };
    } else if (atMs > existing.atMs || (atMs === existing.atMs && messageId > existing.messageId)) {
      // Last write wins by event time, ties by messageId: the same winner whatever the arrival order.
      existing.value = toJsonSafe(value);
      existing.atMs = atMs;
      existing.messageId = messageId;
    }
  }
}

function addCapped(target: CappedCounts, key: string, cap: number): void {
  const counts = target.counts;
  const current = counts[key];
  if (typeof current === 'number') {
    counts[key] = current + 1;
  } else if (!isWritableKey(key) || Object.keys(counts).length >= cap) {
    target.overflow += 1;
  } else {
    counts[key] = 1;
  }
}

function readSessionId(event: NormalizedEvent): string | null {
  const value = event.context['sessionId'];
  if (typeof value === 'string') return value.length === 0 ? null : value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

/**
 * Sessions, time-of-day histograms and device/channel mixes count activity (track, page, screen):
 * identify and group calls are often server-side bookkeeping, not a person being active.
 */
function applyActivity(state: ProfileState, event: NormalizedEvent, spec: ProfileSpec): void {
  const atMs = event.timestampMs;
  const sessions = state.sessions;
  const sessionId = readSessionId(event);
  const previousMs = sessions.lastActivityMs;
  if (previousMs === null) {
    sessions.count = 1;
    sessions.currentSessionId = sessionId;
    sessions.lastActivityMs = atMs;
  } else if (atMs >= previousMs) {
    const changedId = sessionId !== null && sessions.currentSessionId !== null && sessionId !== sessions.currentSessionId;
    if (atMs - previousMs > spec.sessionGapMs || changedId) {
      sessions.count += 1;
      sessions.currentSessionId = sessionId;
    } else if (sessionId !== null) {
      // A session id first seen mid-session names the session it arrived in.
      sessions.currentSessionId = sessionId;
    }
    sessions.lastActivityMs = atMs;
  }

  const msOfDay = ((atMs % MS_PER_DAY) + MS_PER_DAY) % MS_PER_DAY;
  const hour = Math.floor(msOfDay / MS_PER_HOUR);
  state.hourOfDay[hour] = (state.hourOfDay[hour] as number) + 1;
  // Day 0 (1970-01-01) was a Thursday (4), matching Date#getUTCDay numbering.
  const weekday = (((toEpochDay(atMs) + 4) % 7) + 7) % 7;
  state.dayOfWeek[weekday] = (state.dayOfWeek[weekday] as number) + 1;

  addCapped(state.devices, readDeviceKind(event.context), PROFILE_CAPS.mixKeys);
  addCapped(state.channels, readChannel(event), PROFILE_CAPS.mixKeys);
}

type CommerceKind =
  | 'product_viewed'
  | 'product_added'
  | 'product_removed'
  | 'checkout_started'
  | 'order_completed'
  | 'order_refunded'
  | 'order_cancelled';

/** Segment e-commerce spec names, matched case-insensitively with '_' read as a space. */
const COMMERCE_EVENTS: Readonly<Record<string, CommerceKind>> = {
  'product viewed': 'product_viewed',
  'product added': 'product_added',
  'product removed': 'product_removed',
  'checkout started': 'checkout_started',
  'order completed': 'order_completed',
  'order refunded': 'order_refunded',
  'order cancelled': 'order_cancelled',
  'order canceled': 'order_cancelled',
};

const EXACT_COMMERCE_EVENTS: Readonly<Record<string, CommerceKind>> = {
  'Product Viewed': 'product_viewed',
  'Product Added': 'product_added',
  'Product Removed': 'product_removed',
  'Checkout Started': 'checkout_started',
  'Order Completed': 'order_completed',
  'Order Refunded': 'order_refunded',
  'Order Cancelled': 'order_cancelled',
};

function commerceKind(name: string): CommerceKind | null {
  if (Object.hasOwn(EXACT_COMMERCE_EVENTS, name)) return EXACT_COMMERCE_EVENTS[name] as CommerceKind;
  // Cheap rejection before normalising: every spec name is 13..16 characters and starts with c, o or p.
  if (name.length > 20 || name.length < 13) return null;
  const initial = name.charCodeAt(0) | 0x20;
  if (initial !== 0x63 && initial !== 0x6f && initial !== 0x70) return null;
  const normalized = name.toLowerCase().replace(/[_\s]+/g, ' ').trim();
  return Object.hasOwn(COMMERCE_EVENTS, normalized) ? (COMMERCE_EVENTS[normalized] as CommerceKind) : null;
}

function applyCommerce(state: ProfileState, event: NormalizedEvent, name: string, spec: ProfileSpec): void {
  const kind = commerceKind(name);
  if (kind === null) return;
  const atMs = event.timestampMs;
  const properties = event.properties;
  const commerce = state.commerce;
  switch (kind) {
    case 'product_viewed': {
      commerce.productViews += 1;
      const lines = readProductLines(properties);
      const first = lines[0];
      if (first !== undefined && first.productKey !== null) recordProductView(state, first.productKey, atMs, spec);
      addLineAffinity(state, lines, spec.affinityWeights.view, atMs, spec);
      return;
    }
    case 'product_added': {
      closeAbandonedCart(state, atMs, spec);
      commerce.cartAdds += 1;
      const lines = readProductLines(properties);
      addToCart(state, lines, atMs);
      addLineAffinity(state, lines, spec.affinityWeights.add, atMs, spec);
      return;
    }
    case 'product_removed':
      closeAbandonedCart(state, atMs, spec);
      commerce.cartRemoves += 1;
      removeFromCart(state, readProductLines(properties));
      return;
    case 'checkout_started':
      closeAbandonedCart(state, atMs, spec);
      commerce.checkoutsStarted += 1;
      commerce.lastCheckoutMs = atMs;
      commerce.checkoutOpen = true;
      return;
    case 'order_completed':
      applyOrder(state, event, spec);
      return;
    case 'order_refunded':
    case 'order_cancelled':
      applyReversal(state, event, kind);
      return;
  }
}

function recordProductView(state: ProfileState, productId: string, atMs: EpochMs, spec: ProfileSpec): void {
  const views = state.recentProductViews;
  const lastView = views[views.length - 1];
  if (lastView === undefined || lastView.atMs <= atMs) {
    views.push({ productId, atMs });
  } else {
    let index = views.length - 1;
    while (index > 0 && (views[index - 1] as { atMs: number }).atMs > atMs) index--;
    views.splice(index, 0, { productId, atMs });
  }
  const newestMs = (views[views.length - 1] as { atMs: number }).atMs;
  const oldestKeptMs = newestMs - spec.consideringWindowDays * MS_PER_DAY;
  let drop = 0;
  while (drop < views.length && (views[drop] as { atMs: number }).atMs < oldestKeptMs) drop++;
  drop = Math.max(drop, views.length - PROFILE_CAPS.recentProductViews);
  if (drop > 0) views.splice(0, drop);
}

/**
 * Ends the open cart episode as abandoned when this cart activity (or order) comes more than
 * cartAbandonAfterMs after its last add. The next activity then starts a fresh episode.
 */
function closeAbandonedCart(state: ProfileState, atMs: EpochMs, spec: ProfileSpec): void {
  const cart = state.cart;
  if (cart.itemCount > 0 && cart.lastAddMs !== null && atMs - cart.lastAddMs > spec.cartAbandonAfterMs) {
    cart.abandonedCount += 1;
    clearCart(state);
  }
}

function clearCart(state: ProfileState): void {
  const cart = state.cart;
  if (cart.itemCount !== 0 || !isEmpty(cart.items)) cart.items = {};
  cart.itemCount = 0;
  cart.lastAddMs = null;
}

const UNKNOWN_PRODUCT = '(unknown)';

function addToCart(state: ProfileState, lines: readonly ProductLine[], atMs: EpochMs): void {
  const cart = state.cart;
  for (const line of lines) {
    if (line.quantity <= 0) continue;
    const key = line.productKey ?? UNKNOWN_PRODUCT;
    const current = ownValue(cart.items, key);
    if (current !== undefined) cart.items[key] = current + line.quantity;
    else if (isWritableKey(key) && Object.keys(cart.items).length < PROFILE_CAPS.cartItems) cart.items[key] = line.quantity;
    cart.itemCount += line.quantity;
    if (cart.lastAddMs === null || atMs > cart.lastAddMs) cart.lastAddMs = atMs;
  }
}

function removeFromCart(state: ProfileState, lines: readonly ProductLine[]): void {
  const cart = state.cart;
  for (const line of lines) {
    const key = line.productKey ?? UNKNOWN_PRODUCT;
    const current = ownValue(cart.items, key);
    if (current === undefined) continue;
    const removed = Math.min(current, line.quantity);
    if (current - removed <= 0) delete cart.items[key];
    else cart.items[key] = current - removed;
    cart.itemCount -= removed;
  }
  // Fractional quantities can leave float dust; a cart emptied by removals ends its episode.
  if (cart.itemCount < 1e-9 || isEmpty(cart.items)) clearCart(state);
}

function orderBucket(state: ProfileState, day: number): OrderDayBucket {
  const days = state.orders.days;
  const last = days[days.length - 1];
  if (last !== undefined && last.day === day) return last;
  if (last === undefined || last.day < day) {
    // Created for a new day: drop what no window (up to 365 days) read at or after it can see.
    const oldestKept = day - LONGEST_ORDER_WINDOW_DAYS + 1;
    let drop = 0;
    while (drop < days.length && (days[drop] as OrderDayBucket).day < oldestKept) drop++;
    if (drop > 0) days.splice(0, drop);
    const bucket: OrderDayBucket = { day, orders: 0, revenue: 0 };
    days.push(bucket);
    return bucket;
  }
  let index = days.length - 1;
  while (index >= 0 && (days[index] as OrderDayBucket).day > day) index--;
  const found = days[index];
  if (found !== undefined && found.day === day) return found;
  const bucket: OrderDayBucket = { day, orders: 0, revenue: 0 };
  days.splice(index + 1, 0, bucket);
  return bucket;
}

function findRecentOrder(state: ProfileState, orderId: string): { amount: number } | undefined {
  const recent = state.orders.recent;
  for (let i = recent.length - 1; i >= 0; i--) {
    const order = recent[i];
    if (order !== undefined && order.orderId === orderId) return order;
  }
  return undefined;
}

function applyOrder(state: ProfileState, event: NormalizedEvent, spec: ProfileSpec): void {
  const orders = state.orders;
  const properties = event.properties;
  const atMs = event.timestampMs;
  const orderId = readOrderId(properties);
  if (orderId !== null && findRecentOrder(state, orderId) !== undefined) {
    // The same order sent twice (browser and backend, typically): count it once.
    orders.duplicateCount += 1;
    return;
  }
  closeAbandonedCart(state, atMs, spec);
  clearCart(state);
  state.commerce.checkoutOpen = false;

  const lines = readProductLines(properties);
  const amount = readOrderAmount(properties, lines) ?? 0;
  orders.count += 1;
  orders.grossRevenue += amount;
  if (orders.firstOrderMs === null || atMs < orders.firstOrderMs) orders.firstOrderMs = atMs;
  if (orders.lastOrderMs === null || atMs > orders.lastOrderMs) orders.lastOrderMs = atMs;
  const discount = readDiscount(properties);
  if (discount.amount > 0 || discount.coupon !== null) {
    orders.discountedCount += 1;
    orders.discountTotal += discount.amount;
  }
  const bucket = orderBucket(state, toEpochDay(atMs));
  bucket.orders += 1;
  bucket.revenue += amount;
  if (orderId !== null) {
    orders.recent.push({ orderId, amount });
    if (orders.recent.length > PROFILE_CAPS.recentOrders) orders.recent.shift();
  }
  addLineAffinity(state, lines, spec.affinityWeights.purchase, atMs, spec);
  recordPurchases(state, lines, atMs, spec);
}

/**
 * Adds a counted order's lines to the purchase history: per product key, one order however many
 * lines name it, and the sum of their quantities. Lines without a key or with quantity 0 are not
 * purchases of anything. A new key when `maxPurchasedProducts` are held evicts the entry with the
 * smallest lastMs (ties: smallest key), so which keys are held depends only on fold order.
 */
function recordPurchases(state: ProfileState, lines: readonly ProductLine[], atMs: EpochMs, spec: ProfileSpec): void {
  if (lines.length === 0) return;
  // Keys in first-line order with their total quantity: a repeated line is one order of the product.
  const quantities = new Map<string, number>();
  for (const line of lines) {
    if (line.productKey === null || line.quantity <= 0) continue;
    quantities.set(line.productKey, (quantities.get(line.productKey) ?? 0) + line.quantity);
  }
  const purchased = state.purchasedProducts;
  const items = purchased.items;
  for (const [key, quantity] of quantities) {
    const existing = ownValue(items, key);
    if (existing !== undefined) {
      existing.orders += 1;
      existing.quantity += quantity;
      if (atMs > existing.lastMs) existing.lastMs = atMs;
      if (atMs < existing.firstMs) existing.firstMs = atMs;
      continue;
    }
    if (!isWritableKey(key) || spec.maxPurchasedProducts <= 0) {
      purchased.overflow += 1;
      continue;
    }
    // A loop, not an if: a lowered cap shrinks the map with the next new key.
    let held = Object.keys(items).length;
    while (held >= spec.maxPurchasedProducts) {
      evictOldestPurchase(items);
      purchased.overflow += 1;
      held -= 1;
    }
    const entry: PurchasedProduct = { orders: 1, quantity, firstMs: atMs, lastMs: atMs };
    items[key] = entry;
  }
}

function evictOldestPurchase(items: Record<string, PurchasedProduct>): void {
  let oldest: string | null = null;
  let oldestMs = Infinity;
  for (const key of Object.keys(items)) {
    const lastMs = (items[key] as PurchasedProduct).lastMs;
    if (lastMs < oldestMs || (lastMs === oldestMs && oldest !== null && key < oldest)) {
      oldest = key;
      oldestMs = lastMs;
    }
  }
  if (oldest !== null) delete items[oldest];
}

/**
 * A refund or cancellation nets its amount off revenue, on the day it happened (the windows show
 * money as it moved). Amount: revenue/total/lines of the event, else the amount of the order it
 * names when that order is among the recent ones, else 0 (still counted).
 */
function applyReversal(state: ProfileState, event: NormalizedEvent, kind: 'order_refunded' | 'order_cancelled'): void {
  const orders = state.orders;
  const properties = event.properties;
  let amount = readOrderAmount(properties, readProductLines(properties));
  if (amount === null) {
    const orderId = readKey(properties['order_id']);
    amount = orderId === null ? 0 : (findRecentOrder(state, orderId)?.amount ?? 0);
  }
  // Some sources send refunds as negative amounts; a refund always reduces revenue.
  amount = Math.abs(amount);
  if (kind === 'order_refunded') {
    orders.refundCount += 1;
    orders.refundAmount += amount;
  } else {
    orders.cancelCount += 1;
    orders.cancelAmount += amount;
  }
  const bucket = orderBucket(state, toEpochDay(event.timestampMs));
  bucket.revenue -= amount;
}

/** Scores below this are forgotten: a weight of 1 gets there after ~30 half-lives. */
const AFFINITY_FLOOR = 1e-9;

function addLineAffinity(
  state: ProfileState,
  lines: readonly ProductLine[],
  weight: number,
  atMs: EpochMs,
  spec: ProfileSpec,
): void {
  for (const line of lines) {
    if (line.category !== null && isWritableKey(line.category)) addAffinity(state, line.category, weight, atMs, spec);
  }
}

function addAffinity(state: ProfileState, category: string, weight: number, atMs: EpochMs, spec: ProfileSpec): void {
  const affinity = state.affinity;
  const halfLifeMs = spec.affinityHalfLifeDays * MS_PER_DAY;
  const scores = affinity.scores;
  let contribution = weight;
  if (affinity.atMs === null) {
    affinity.atMs = atMs;
  } else if (atMs > affinity.atMs) {
    // Move the reference time forward: every score decays by the same factor.
    const factor = Math.pow(2, -(atMs - affinity.atMs) / halfLifeMs);
    for (const key in scores) {
      const decayed = (scores[key] as number) * factor;
      if (decayed < AFFINITY_FLOOR) delete scores[key];
      else scores[key] = decayed;
    }
    affinity.atMs = atMs;
  } else if (atMs < affinity.atMs) {
    // Out of order (no replay does this): decay the contribution to the reference time instead.
    contribution = weight * Math.pow(2, -(affinity.atMs - atMs) / halfLifeMs);
    if (contribution < AFFINITY_FLOOR) return;
  }
  const current = scores[category];
  if (typeof current === 'number') {
    scores[category] = current + contribution;
    return;
  }
  scores[category] = contribution;
  if (Object.keys(scores).length > spec.maxAffinityCategories) evictWeakestCategory(scores);
}

/** Drops the lowest score; ties drop the greatest name, so the outcome never depends on key order. */
function evictWeakestCategory(scores: Record<string, number>): void {
  let weakest: string | null = null;
  let weakestScore = Infinity;
  for (const key in scores) {
    const score = scores[key] as number;
    if (score < weakestScore || (score === weakestScore && weakest !== null && key > weakest)) {
      weakest = key;
      weakestScore = score;
    }
  }
  if (weakest !== null) delete scores[weakest];
}
