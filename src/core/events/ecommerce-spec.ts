import type { JsonObject, JsonValue } from '../shared/json.js';
import type { NormalizedEvent } from './event.js';

/**
 * Event names of Segment's E-commerce Spec v2 (RudderStack uses the same names). Keys are for code,
 * values are what arrives in `event`; matching is exact, as in Segment's destinations.
 */
export const ECOMMERCE_EVENTS = {
  // Browsing
  productsSearched: 'Products Searched',
  productListViewed: 'Product List Viewed',
  productListFiltered: 'Product List Filtered',
  // Promotions
  promotionViewed: 'Promotion Viewed',
  promotionClicked: 'Promotion Clicked',
  // Ordering
  productClicked: 'Product Clicked',
  productViewed: 'Product Viewed',
  productAdded: 'Product Added',
  productRemoved: 'Product Removed',
  cartViewed: 'Cart Viewed',
  checkoutStarted: 'Checkout Started',
  checkoutStepViewed: 'Checkout Step Viewed',
  checkoutStepCompleted: 'Checkout Step Completed',
  paymentInfoEntered: 'Payment Info Entered',
  orderUpdated: 'Order Updated',
  orderCompleted: 'Order Completed',
  orderRefunded: 'Order Refunded',
  orderCancelled: 'Order Cancelled',
  // Coupons
  couponEntered: 'Coupon Entered',
  couponApplied: 'Coupon Applied',
  couponDenied: 'Coupon Denied',
  couponRemoved: 'Coupon Removed',
  // Wishlisting
  productAddedToWishlist: 'Product Added to Wishlist',
  productRemovedFromWishlist: 'Product Removed from Wishlist',
  wishlistProductAddedToCart: 'Wishlist Product Added to Cart',
  // Sharing and reviewing
  productShared: 'Product Shared',
  cartShared: 'Cart Shared',
  productReviewed: 'Product Reviewed',
} as const;
export type EcommerceEventName = (typeof ECOMMERCE_EVENTS)[keyof typeof ECOMMERCE_EVENTS];

/** Events whose product fields sit at the top of `properties` (product_id, sku, price, ...). */
export const SINGLE_PRODUCT_EVENTS: ReadonlySet<string> = new Set<EcommerceEventName>([
  ECOMMERCE_EVENTS.productClicked,
  ECOMMERCE_EVENTS.productViewed,
  ECOMMERCE_EVENTS.productAdded,
  ECOMMERCE_EVENTS.productRemoved,
  ECOMMERCE_EVENTS.productAddedToWishlist,
  ECOMMERCE_EVENTS.productRemovedFromWishlist,
  ECOMMERCE_EVENTS.wishlistProductAddedToCart,
  ECOMMERCE_EVENTS.productShared,
  ECOMMERCE_EVENTS.productReviewed,
]);

/** Events that carry a `products` array (lists, carts, checkouts, orders). */
export const MULTI_PRODUCT_EVENTS: ReadonlySet<string> = new Set<EcommerceEventName>([
  ECOMMERCE_EVENTS.productListViewed,
  ECOMMERCE_EVENTS.productListFiltered,
  ECOMMERCE_EVENTS.cartViewed,
  ECOMMERCE_EVENTS.checkoutStarted,
  ECOMMERCE_EVENTS.orderUpdated,
  ECOMMERCE_EVENTS.orderCompleted,
  ECOMMERCE_EVENTS.orderRefunded,
  ECOMMERCE_EVENTS.orderCancelled,
  ECOMMERCE_EVENTS.cartShared,
]);

/** Events that mean money changed hands (or was promised to): the ones revenue features read. */
export const ORDER_EVENTS: ReadonlySet<string> = new Set<EcommerceEventName>([
  ECOMMERCE_EVENTS.orderCompleted,
  ECOMMERCE_EVENTS.orderUpdated,
  ECOMMERCE_EVENTS.orderRefunded,
  ECOMMERCE_EVENTS.orderCancelled,
]);

/** One product line of an event, in the spec's terms. */
export interface ProductLine {
  readonly productId: string | null;
  readonly sku: string | null;
  readonly name: string | null;
  readonly category: string | null;
  /** Unit price; null when absent or not a number. */
  readonly price: number | null;
  /** Units; 1 when absent, as the spec says. */
  readonly quantity: number;
  readonly brand: string | null;
  readonly variant: string | null;
}

/**
 * The products an e-commerce track event is about. `properties.products[]` wins wherever it is an
 * array (order, cart and list events, but also custom events that follow the same shape); otherwise
 * the top-level product fields make one line, for the spec's single-product events or any event that
 * names a product_id/sku. Entries that name no product (no id, sku or name) are skipped.
 * Non-track events carry no products: a page view of a product page is not a product interaction here.
 */
export function extractProducts(event: NormalizedEvent): ProductLine[] {
  if (event.type !== 'track') return [];
  const props = event.properties;
  const products = props['products'];
  if (Array.isArray(products)) {
    const lines: ProductLine[] = [];
    for (const entry of products) {
      if (!isObject(entry)) continue;
      const line = toProductLine(entry, true);
      if (line !== null) lines.push(line);
    }
    return lines;
  }
  const namesProduct = props['product_id'] !== undefined || props['productId'] !== undefined || props['sku'] !== undefined;
  if (!namesProduct && !(event.event !== null && SINGLE_PRODUCT_EVENTS.has(event.event))) return [];
  const line = toProductLine(props, false);
  return line === null ? [] : [line];
}

/**
 * Revenue of an order event: `revenue`, else `total`, else the sum of price × quantity over its
 * products (lines without a price add nothing). Numbers and numeric strings ("42.50") are accepted.
 * Null when the event states no amount at all. Follows the spec: revenue excludes shipping and tax,
 * total includes them, so revenue is preferred when both exist.
 */
export function orderRevenue(event: NormalizedEvent): number | null {
  const revenue = toNumber(event.properties['revenue']);
  if (revenue !== null) return revenue;
  const total = toNumber(event.properties['total']);
  if (total !== null) return total;
  let sum = 0;
  let priced = false;
  for (const line of extractProducts(event)) {
    if (line.price === null) continue;
    sum += line.price * line.quantity;
    priced = true;
  }
  return priced ? sum : null;
}

export interface OrderDiscount {
  /** `properties.discount` (an amount in the order's currency); null when not stated. */
  readonly amount: number | null;
  /** The order's coupon code, else the first product's; null when none. */
  readonly coupon: string | null;
  /** A discount was given: a positive amount or any coupon. */
  readonly discounted: boolean;
}

export function orderDiscount(event: NormalizedEvent): OrderDiscount {
  const props = event.properties;
  const amount = toNumber(props['discount']);
  let coupon = toText(props['coupon']);
  if (coupon === null && Array.isArray(props['products'])) {
    for (const entry of props['products']) {
      if (!isObject(entry)) continue;
      coupon = toText(entry['coupon']);
      if (coupon !== null) break;
    }
  }
  return { amount, coupon, discounted: (amount !== null && amount > 0) || coupon !== null };
}

/**
 * `id` is accepted inside products[] (spec v1 and many shops' carts use it) but not at the top of
 * properties, where it is as likely to be a page, list or order id.
 */
function toProductLine(fields: JsonObject, isListEntry: boolean): ProductLine | null {
  const productId =
    toText(fields['product_id']) ?? toText(fields['productId']) ?? (isListEntry ? toText(fields['id']) : null);
  const sku = toText(fields['sku']);
  const name = toText(fields['name']);
  if (productId === null && sku === null && name === null) return null;
  const quantity = toNumber(fields['quantity']);
  return {
    productId,
    sku,
    name,
    category: toText(fields['category']),
    price: toNumber(fields['price']),
    // Negative quantities are nonsense; 0 is kept because Order Updated uses it for removed lines.
    quantity: quantity !== null && quantity >= 0 ? quantity : 1,
    brand: toText(fields['brand']),
    variant: toText(fields['variant']),
  };
}

/** A finite number, or a string that is exactly a decimal number (as CSV exports and some SDKs send). */
function toNumber(value: JsonValue | undefined): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value !== 'string') return null;
  const text = value.trim();
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(text)) return null;
  const n = Number(text);
  return Number.isFinite(n) ? n : null;
}

/** Ids and labels: non-empty strings, and numbers as their decimal text (product_id: 123). */
function toText(value: JsonValue | undefined): string | null {
  if (typeof value === 'string') return value === '' ? null : value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

function isObject(value: JsonValue): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
