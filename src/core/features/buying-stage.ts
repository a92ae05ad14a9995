import type { ProfileSpec } from '../profiles/profile-spec.js';
import type { ProfileState } from '../profiles/profile-state.js';
import { MS_PER_DAY } from '../shared/time.js';
import type { EpochMs } from '../shared/time.js';
import { countOf, formatElapsed } from './format-elapsed.js';

export const BUYING_STAGES = ['browsing', 'considering', 'ready_to_buy', 'customer', 'lapsed'] as const;
export type BuyingStageName = (typeof BUYING_STAGES)[number];

/**
 * Stable ids of the rules, in precedence order: the first that holds sets the stage. Segments and
 * dashboards may key on them, so they never change meaning.
 *
 * 1. ready_to_buy / open_cart: items in the cart, last added within cartAbandonAfterMs, no order since.
 * 2. ready_to_buy / checkout_started: a checkout started within cartAbandonAfterMs and no order since.
 * 3. lapsed / lapsed_customer: has orders, the last one more than lapsedAfterDays ago.
 * 4. customer / has_orders: has orders.
 * 5. considering / product_views: at least consideringMinProductViews product views in the last
 *    consideringWindowDays.
 * 6. considering / repeat_product_view: one product viewed twice or more in that window.
 * 7. considering / abandoned_cart: an abandoned cart whose last add falls in that window.
 * 8. browsing / default: none of the above.
 *
 * Intent beats history: a lapsed customer with a fresh cart is ready to buy, since that is what
 * a message should address now; a customer browsing again stays a customer.
 */
export const BUYING_STAGE_RULES = [
  'open_cart',
  'checkout_started',
  'lapsed_customer',
  'has_orders',
  'product_views',
  'repeat_product_view',
  'abandoned_cart',
  'default',
] as const;
export type BuyingStageRule = (typeof BUYING_STAGE_RULES)[number];

export interface BuyingStage {
  readonly stage: BuyingStageName;
  readonly rule: BuyingStageRule;
  /** A sentence with the numbers behind the rule, for people. */
  readonly reason: string;
}

export function computeBuyingStage(state: ProfileState, nowMs: EpochMs, spec: ProfileSpec): BuyingStage {
  const cart = state.cart;
  const orders = state.orders;
  const commerce = state.commerce;

  if (cart.itemCount > 0 && cart.lastAddMs !== null && nowMs - cart.lastAddMs <= spec.cartAbandonAfterMs) {
    return {
      stage: 'ready_to_buy',
      rule: 'open_cart',
      reason: `${countOf(cart.itemCount, 'item')} added to cart, the last ${formatElapsed(nowMs - cart.lastAddMs)}, and no order since`,
    };
  }
  if (commerce.checkoutOpen && commerce.lastCheckoutMs !== null && nowMs - commerce.lastCheckoutMs <= spec.cartAbandonAfterMs) {
    return {
      stage: 'ready_to_buy',
      rule: 'checkout_started',
      reason: `checkout started ${formatElapsed(nowMs - commerce.lastCheckoutMs)} and no order since`,
    };
  }
  if (orders.count > 0 && orders.lastOrderMs !== null) {
    const sinceLastMs = nowMs - orders.lastOrderMs;
    if (sinceLastMs > spec.lapsedAfterDays * MS_PER_DAY) {
      return {
        stage: 'lapsed',
        rule: 'lapsed_customer',
        reason: `${countOf(orders.count, 'order')}, the last ${formatElapsed(sinceLastMs)} (lapsed after ${spec.lapsedAfterDays} days)`,
      };
    }
    return {
      stage: 'customer',
      rule: 'has_orders',
      reason: `${countOf(orders.count, 'order')}, the last ${formatElapsed(sinceLastMs)}`,
    };
  }

  const windowDays = spec.consideringWindowDays;
  const fromMs = nowMs - windowDays * MS_PER_DAY;
  const viewsPerProduct = new Map<string, number>();
  let views = 0;
  for (const view of state.recentProductViews) {
    if (view.atMs < fromMs) continue;
    views++;
    viewsPerProduct.set(view.productId, (viewsPerProduct.get(view.productId) ?? 0) + 1);
  }
  if (views >= spec.consideringMinProductViews) {
    return {
      stage: 'considering',
      rule: 'product_views',
      reason: `${countOf(views, 'product view')} in the last ${windowDays} days and no order yet`,
    };
  }
  let repeated: { productId: string; count: number } | null = null;
  for (const [productId, count] of viewsPerProduct) {
    if (count >= 2 && (repeated === null || count > repeated.count || (count === repeated.count && productId < repeated.productId))) {
      repeated = { productId, count };
    }
  }
  if (repeated !== null) {
    return {
      stage: 'considering',
      rule: 'repeat_product_view',
      reason: `product ${JSON.stringify(repeated.productId)} viewed ${repeated.count} times in the last ${windowDays} days`,
    };
  }
  if (cart.itemCount > 0 && cart.lastAddMs !== null && cart.lastAddMs >= fromMs) {
    return {
      stage: 'considering',
      rule: 'abandoned_cart',
      reason: `${countOf(cart.itemCount, 'item')} left in cart ${formatElapsed(nowMs - cart.lastAddMs)} without an order`,
    };
  }
  return {
    stage: 'browsing',
    rule: 'default',
    reason: `no orders, no open cart and ${countOf(views, 'product view')} in the last ${windowDays} days`,
  };
}
