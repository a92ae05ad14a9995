import type { NormalizedEvent } from '../../events/event.js';
import { readProductLines } from '../../profiles/ecommerce-fields.js';

/** What an event says about products, for the recommenders (Segment e-commerce spec names). */
export interface EventInteraction {
  readonly item: string;
  readonly kind: 'view' | 'cart' | 'purchase';
}

const KIND_OF_EVENT: ReadonlyMap<string, EventInteraction['kind']> = new Map([
  ['Product Viewed', 'view'],
  ['Product Clicked', 'view'],
  ['Product Added', 'cart'],
  ['Product Added to Wishlist', 'cart'],
  ['Order Completed', 'purchase'],
]);

/**
 * The product interactions of one event: a view, a cart add or the lines of an order, by product
 * key (product_id, else sku, else name, as the profile fold reads them). Other events give none.
 */
export function interactionsOf(event: Pick<NormalizedEvent, 'type' | 'event' | 'properties'>): EventInteraction[] {
  if (event.type !== 'track' || event.event === null) return [];
  const kind = KIND_OF_EVENT.get(event.event);
  if (kind === undefined) return [];
  const out: EventInteraction[] = [];
  const seen = new Set<string>();
  for (const line of readProductLines(event.properties)) {
    if (line.productKey === null || seen.has(line.productKey)) continue;
    seen.add(line.productKey);
    out.push({ item: line.productKey, kind });
  }
  return out;
}

/** The client's session id from the event context, when it sends one. */
export function sessionIdOf(event: Pick<NormalizedEvent, 'context'>): string | null {
  const id = event.context['sessionId'];
  return typeof id === 'string' ? id : typeof id === 'number' && Number.isFinite(id) ? String(id) : null;
}
