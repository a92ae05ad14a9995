import type { JsonObject, JsonValue } from '../shared/json.js';
import { err, ok, type Result } from '../shared/result.js';
import type { EpochMs } from '../shared/time.js';
import type { CatalogItem } from './catalog-item.js';

/** Why a catalog row was refused: the field at fault (null for the whole row) and a readable reason. */
export interface CatalogItemProblem {
  readonly field: string | null;
  readonly message: string;
}

export const MAX_CATALOG_ID_LENGTH = 200;

/** Id spellings, most specific first: our own, Segment's camelCase and snake_case, then the SKU. */
const ID_KEYS = ['id', 'productId', 'product_id'] as const;
const MARGIN_KEYS = ['marginRate', 'margin_rate', 'margin'] as const;
/** Keys this parser reads itself; everything else is kept in `attributes`. */
const KNOWN_KEYS: ReadonlySet<string> = new Set([
  ...ID_KEYS,
  ...MARGIN_KEYS,
  'sku',
  'name',
  'category',
  'price',
  'currency',
  'stock',
  'attributes',
]);

/**
 * Reads one catalog row, from JSON or from a CSV line already split into strings. Accepts our
 * camelCase names and Segment's e-commerce snake_case ones, and numbers written as strings ("12.50",
 * "" for an empty cell = absent). Unknown keys are kept in `attributes`, so nothing a shop exports is
 * lost; a key present both at the top and inside `attributes` keeps the `attributes` value.
 */
export function parseCatalogItem(raw: unknown, updatedAtMs: EpochMs): Result<CatalogItem, CatalogItemProblem> {
  if (!isObject(raw)) return err({ field: null, message: `a catalog item must be a JSON object, got ${kindOf(raw)}` });

  // The SKU is the id only when no product id is given; otherwise it is still worth keeping.
  let idKey: string | null = null;
  for (const key of ID_KEYS) {
    if (!isBlank(raw[key])) {
      idKey = key;
      break;
    }
  }
  const skuIsId = idKey === null && !isBlank(raw['sku']);
  if (skuIsId) idKey = 'sku';
  if (idKey === null) {
    return err({ field: 'id', message: 'a catalog item needs an "id" (or "product_id", "productId", "sku")' });
  }
  const id = toText(raw[idKey]);
  if (id === null) return err({ field: idKey, message: `"${idKey}" must be a string or number, got ${kindOf(raw[idKey])}` });
  if (id.length > MAX_CATALOG_ID_LENGTH) {
    return err({ field: idKey, message: `"${idKey}" must be at most ${MAX_CATALOG_ID_LENGTH} characters, got ${id.length}` });
  }

  const name = readText(raw, 'name');
  if (!name.ok) return name;
  const category = readText(raw, 'category');
  if (!category.ok) return category;

  const price = readNumber(raw, 'price');
  if (!price.ok) return price;
  if (price.value !== null && price.value < 0) {
    return err({ field: 'price', message: `"price" must be 0 or more, got ${price.value}` });
  }

  const currency = readText(raw, 'currency');
  if (!currency.ok) return currency;
  if (currency.value !== null && !/^[A-Za-z]{3}$/.test(currency.value)) {
    return err({ field: 'currency', message: `"currency" must be a 3-letter ISO 4217 code such as "EUR", got ${JSON.stringify(currency.value)}` });
  }

  const margin = readMarginRate(raw);
  if (!margin.ok) return margin;

  const stock = readNumber(raw, 'stock');
  if (!stock.ok) return stock;
  if (stock.value !== null && !(Number.isInteger(stock.value) && stock.value >= 0)) {
    return err({ field: 'stock', message: `"stock" must be a whole number of units, 0 or more, got ${stock.value}` });
  }

  const explicit = raw['attributes'];
  if (explicit !== undefined && explicit !== null && !isObject(explicit)) {
    return err({ field: 'attributes', message: `"attributes" must be an object, got ${kindOf(explicit)}` });
  }
  const attributes: JsonObject = {};
  for (const key of Object.keys(raw)) {
    const value = raw[key];
    if (value === undefined) continue;
    if (KNOWN_KEYS.has(key) && !(key === 'sku' && !skuIsId)) continue;
    attributes[key] = value as JsonValue;
  }
  if (isObject(explicit)) Object.assign(attributes, explicit);

  return ok({
    id,
    name: name.value,
    category: category.value,
    price: price.value,
    currency: currency.value === null ? null : currency.value.toUpperCase(),
    marginRate: margin.value,
    stock: stock.value,
    attributes,
    updatedAtMs,
  });
}

type Read<T> = Result<T, CatalogItemProblem>;

/**
 * Margin as a fraction of price, [0, 1). A value of 1 or more is refused rather than guessed: "35"
 * could be 35% or 35 currency units of margin. "35%" is unambiguous and accepted as 0.35.
 */
function readMarginRate(raw: Record<string, unknown>): Read<number | null> {
  const key = MARGIN_KEYS.find((k) => !isBlank(raw[k]));
  if (key === undefined) return ok(null);
  const value = raw[key];
  let rate: number | null;
  if (typeof value === 'string' && value.trim().endsWith('%')) {
    const percent = parseDecimal(value.trim().slice(0, -1));
    rate = percent === null ? null : percent / 100;
  } else {
    rate = typeof value === 'number' ? (Number.isFinite(value) ? value : null) : typeof value === 'string' ? parseDecimal(value) : null;
  }
  if (rate === null) {
    return err({ field: key, message: `"${key}" must be a fraction such as 0.35 or a percentage such as "35%", got ${describe(value)}` });
  }
  if (rate < 0 || rate >= 1) {
    return err({ field: key, message: `"${key}" must be a fraction of the price in [0, 1) (0.35 = 35%), got ${rate}` });
  }
  return ok(rate);
}

function readNumber(raw: Record<string, unknown>, key: string): Read<number | null> {
  const value = raw[key];
  if (isBlank(value)) return ok(null);
  if (typeof value === 'number' && Number.isFinite(value)) return ok(value);
  const parsed = typeof value === 'string' ? parseDecimal(value) : null;
  if (parsed === null) return err({ field: key, message: `"${key}" must be a number, got ${describe(value)}` });
  return ok(parsed);
}

function readText(raw: Record<string, unknown>, key: string): Read<string | null> {
  const value = raw[key];
  if (isBlank(value)) return ok(null);
  const text = toText(value);
  if (text === null) return err({ field: key, message: `"${key}" must be a string, got ${kindOf(value)}` });
  return ok(text);
}

/** Absent, null, or an empty/whitespace CSV cell. */
function isBlank(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

/** Strings are trimmed (CSV cells carry stray spaces); numbers become their decimal text. */
function toText(value: unknown): string | null {
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

/** Plain decimal notation only: "12.50", "-3", "1e3". Not "12,50", "$12" or "0x10". */
function parseDecimal(text: string): number | null {
  const trimmed = text.trim();
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(trimmed)) return null;
  const n = Number(trimmed);
  return Number.isFinite(n) ? n : null;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function describe(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : kindOf(value);
}
