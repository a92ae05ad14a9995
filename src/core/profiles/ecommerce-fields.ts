import type { JsonObject, JsonValue } from '../shared/json.js';
import { isJsonObject } from '../shared/json.js';

/**
 * Readers for the Segment e-commerce spec fields the profile fold needs. Kept private to profiles
 * (rather than shared with events/) so the fold's reading of a field cannot change under it.
 * Numbers may arrive as numeric strings ("19.99"); anything else unreadable counts as absent.
 */

/** Amounts beyond this are garbage, and ignoring them keeps sums finite (JSON has no Infinity). */
const MAX_ABS_NUMBER = 1e15;
const MAX_QUANTITY = 1e6;
const MAX_KEY_LENGTH = 200;

export interface ProductLine {
  /** product_id, else sku, else name: the key of the line in a cart. */
  readonly productKey: string | null;
  readonly category: string | null;
  readonly price: number | null;
  readonly quantity: number;
}

/** A finite number from a number or numeric string; -0 reads as 0 (JSON writes -0 as 0). */
export function readNumber(value: JsonValue | undefined): number | null {
  let n: number;
  if (typeof value === 'number') n = value;
  else if (typeof value === 'string') {
    const text = value.trim();
    if (text.length === 0 || text.length > 40) return null;
    n = Number(text);
  } else return null;
  if (!Number.isFinite(n) || Math.abs(n) > MAX_ABS_NUMBER) return null;
  return n === 0 ? 0 : n;
}

/** A non-empty trimmed string from a string or number (ids are often numbers), else null. */
export function readKey(value: JsonValue | undefined): string | null {
  if (typeof value === 'string') {
    const text = value.trim();
    return text.length === 0 ? null : text.length > MAX_KEY_LENGTH ? text.slice(0, MAX_KEY_LENGTH) : text;
  }
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

function readLine(source: JsonObject): ProductLine {
  const quantity = readNumber(source['quantity']);
  return {
    productKey: readKey(source['product_id']) ?? readKey(source['sku']) ?? readKey(source['name']),
    category: readKey(source['category']),
    price: readNumber(source['price']),
    quantity: quantity === null || quantity < 0 ? 1 : Math.min(quantity, MAX_QUANTITY),
  };
}

/**
 * The product lines of an event: `properties.products[]` when present, else the single product
 * described by top-level product fields (Product Viewed / Added / Removed), else none.
 */
export function readProductLines(properties: JsonObject): ProductLine[] {
  const products = properties['products'];
  if (Array.isArray(products)) {
    const lines: ProductLine[] = [];
    for (const product of products) if (isJsonObject(product)) lines.push(readLine(product));
    return lines;
  }
  if (
    properties['product_id'] !== undefined ||
    properties['sku'] !== undefined ||
    properties['category'] !== undefined ||
    properties['price'] !== undefined
  ) {
    return [readLine(properties)];
  }
  return [];
}

/**
 * An order's amount: `revenue`, else `total`, else the sum of price x quantity over its lines;
 * null when none is readable.
 */
export function readOrderAmount(properties: JsonObject, lines: readonly ProductLine[]): number | null {
  const revenue = readNumber(properties['revenue']);
  if (revenue !== null) return revenue;
  const total = readNumber(properties['total']);
  if (total !== null) return total;
  let sum = 0;
  let priced = false;
  for (const line of lines) {
    if (line.price === null) continue;
    sum += line.price * line.quantity;
    priced = true;
  }
  return priced && Number.isFinite(sum) ? sum : null;
}

export function readOrderId(properties: JsonObject): string | null {
  return readKey(properties['order_id']);
}

/** `discount` as a non-negative amount (0 when absent) and `coupon` (null when absent). */
export function readDiscount(properties: JsonObject): { readonly amount: number; readonly coupon: string | null } {
  const discount = readNumber(properties['discount']);
  return { amount: discount === null ? 0 : Math.abs(discount), coupon: readKey(properties['coupon']) };
}
