import type { ProfileFeatures } from '../features/compute-features.js';
import { BUYING_STAGES } from '../features/buying-stage.js';

/**
 * The context a placement's bandits choose by: what the profile says about where the customer is
 * and how they respond, as a small fixed vector. Names are reported with the bandit's state so its
 * coefficients can be read.
 */
export const CONTEXT_FEATURES = [
  'bias',
  ...BUYING_STAGES.map((s) => `stage_${s}`),
  'device_mobile',
  'purchase_propensity',
  'discount_usage',
  'log_orders',
  'ordered_last_30d',
] as const;
export const CONTEXT_DIM = CONTEXT_FEATURES.length;

export interface BanditContextInput {
  readonly features: ProfileFeatures | null;
  /** The request's device ('mobile', 'desktop', ...), else the profile's most used one. */
  readonly device: string | null;
  readonly propensity: number | null;
}

/** The vector (non-personal answers get the bias and the device only: no profile data). */
export function banditContext(input: BanditContextInput): Float64Array {
  const x = new Float64Array(CONTEXT_DIM);
  x[0] = 1;
  const f = input.features;
  const device = input.device ?? (f === null ? null : topKey(f.deviceMix));
  x[1 + BUYING_STAGES.length] = device === 'mobile' || device === 'tablet' ? 1 : 0;
  if (f === null) return x;
  x[1 + BUYING_STAGES.indexOf(f.buyingStage.stage)] = 1;
  x[2 + BUYING_STAGES.length] = input.propensity ?? 0.5;
  x[3 + BUYING_STAGES.length] = f.discountUsageRate ?? 0;
  x[4 + BUYING_STAGES.length] = Math.log1p(f.frequency) / 3;
  x[5 + BUYING_STAGES.length] = f.ordersLast30d > 0 ? 1 : 0;
  return x;
}

function topKey(mix: Readonly<Record<string, number>>): string | null {
  let best: string | null = null;
  let count = -1;
  for (const [key, n] of Object.entries(mix)) if (n > count) [best, count] = [key, n];
  return best;
}
