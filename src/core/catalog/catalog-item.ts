import type { JsonObject } from '../shared/json.js';
import type { EpochMs } from '../shared/time.js';

/** A product in the catalog (Segment e-commerce spec's product fields, plus margin and stock). */
export interface CatalogItem {
  /** product_id / sku: the id events use in `properties.product_id` or `products[].product_id`. */
  readonly id: string;
  readonly name: string | null;
  readonly category: string | null;
  /** Unit price in the shop's currency. */
  readonly price: number | null;
  readonly currency: string | null;
  /** Gross margin as a fraction of price (0.35 = 35%). */
  readonly marginRate: number | null;
  /** Units in stock; null when not tracked. */
  readonly stock: number | null;
  readonly attributes: JsonObject;
  readonly updatedAtMs: EpochMs;
}
