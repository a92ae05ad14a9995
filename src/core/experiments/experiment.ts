import type { FieldError } from '../recs/engine/placement.js';

/**
 * An experiment on a decision placement: which approach each customer gets there, by a
 * deterministic, versioned hash of the customer (src/core/experiments/assignment.ts).
 * - `control`: the general answer (no personal data: the fallback variant, popular items, no offer);
 * - `segments`: content and offers chosen by segment rules only (priority, no bandit, no one-to-one
 *   recommendations: segment and global popularity);
 * - `personalized`: the full one-to-one decision (bandits, personal recommendations, stage discounts);
 * - `variant`: the full decision with one given content variant (`variant`), to test a message.
 * A share of all customers can be held out of personalization everywhere (`holdoutShare`).
 */
export const TREATMENTS = ['control', 'segments', 'personalized', 'variant'] as const;
export type Treatment = (typeof TREATMENTS)[number];

export interface ExperimentArm {
  readonly key: string;
  readonly treatment: Treatment;
  readonly weight: number;
  /** `variant` arms: the content variant shown (its key in the placement). */
  readonly variant?: string;
}

export interface Experiment {
  readonly key: string;
  readonly placement: string;
  /** Bumping it reshuffles every assignment (a new experiment on the same placement). */
  readonly version: number;
  readonly arms: readonly ExperimentArm[];
  /** The arm the others are compared with (default: the first control arm, else the first arm). */
  readonly baseline: string;
  readonly status: 'running' | 'stopped';
  /** Outcomes count when they come within this many hours of the customer's first exposure. */
  readonly attributionHours: number;
  /** Gross margin rate assumed for ROI when order margins are unknown. */
  readonly marginRate: number;
  readonly startedAtMs: number;
}

const KEY = /^[a-z][a-z0-9_-]{0,39}$/;

export function parseExperiment(key: string, raw: unknown, nowMs: number): { readonly ok: true; readonly value: Experiment } | { readonly ok: false; readonly errors: readonly FieldError[] } {
  const errors: FieldError[] = [];
  if (!KEY.test(key)) errors.push({ field: 'key', message: 'use 1 to 40 lowercase letters, digits, _ or -, starting with a letter' });
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false, errors: [...errors, { field: '(body)', message: 'a JSON object' }] };
  const b = raw as Record<string, unknown>;
  const known = ['placement', 'version', 'arms', 'baseline', 'status', 'attributionHours', 'marginRate'];
  for (const f of Object.keys(b)) if (!known.includes(f)) errors.push({ field: f, message: `unknown field; fields: ${known.join(', ')}` });
  const placement = b['placement'];
  if (typeof placement !== 'string' || !KEY.test(placement)) errors.push({ field: 'placement', message: 'a decision placement key' });
  const version = b['version'] ?? 1;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) errors.push({ field: 'version', message: 'an integer ≥ 1' });
  const arms: ExperimentArm[] = [];
  const list = b['arms'];
  if (!Array.isArray(list) || list.length < 2 || list.length > 10) errors.push({ field: 'arms', message: 'a list of 2 to 10 arms: {"key", "treatment", "weight"}' });
  else {
    list.forEach((a, i) => {
      const arm = (typeof a === 'object' && a !== null ? a : {}) as Record<string, unknown>;
      const armKey = arm['key'];
      const treatment = arm['treatment'];
      const weight = arm['weight'] ?? 1;
      if (typeof armKey !== 'string' || !KEY.test(armKey)) errors.push({ field: `arms[${i}].key`, message: 'an arm key' });
      else if (arms.some((x) => x.key === armKey)) errors.push({ field: `arms[${i}].key`, message: 'used twice' });
      if (typeof treatment !== 'string' || !(TREATMENTS as readonly string[]).includes(treatment)) errors.push({ field: `arms[${i}].treatment`, message: `one of ${TREATMENTS.join(', ')}` });
      if (typeof weight !== 'number' || !(weight > 0) || weight > 1_000) errors.push({ field: `arms[${i}].weight`, message: 'a number > 0' });
      const variant = arm['variant'];
      if (treatment === 'variant' && (typeof variant !== 'string' || !KEY.test(variant))) errors.push({ field: `arms[${i}].variant`, message: 'the content variant this arm shows' });
      if (typeof armKey === 'string' && typeof treatment === 'string' && typeof weight === 'number') {
        arms.push({ key: armKey, treatment: treatment as Treatment, weight, ...(treatment === 'variant' && typeof variant === 'string' ? { variant } : {}) });
      }
    });
  }
  const baseline = b['baseline'] ?? arms.find((a) => a.treatment === 'control')?.key ?? arms[0]?.key;
  if (typeof baseline !== 'string' || !arms.some((a) => a.key === baseline)) errors.push({ field: 'baseline', message: 'the key of one of the arms' });
  const status = b['status'] ?? 'running';
  if (status !== 'running' && status !== 'stopped') errors.push({ field: 'status', message: 'running or stopped' });
  const attributionHours = b['attributionHours'] ?? 168;
  if (typeof attributionHours !== 'number' || !(attributionHours > 0 && attributionHours <= 24 * 90)) errors.push({ field: 'attributionHours', message: 'hours from 0 (exclusive) to 2160' });
  const marginRate = b['marginRate'] ?? 0.3;
  if (typeof marginRate !== 'number' || !(marginRate >= 0 && marginRate <= 1)) errors.push({ field: 'marginRate', message: 'a fraction from 0 to 1' });
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    value: {
      key,
      placement: placement as string,
      version: version as number,
      arms,
      baseline: baseline as string,
      status: status as 'running' | 'stopped',
      attributionHours: attributionHours as number,
      marginRate: marginRate as number,
      startedAtMs: nowMs,
    },
  };
}

/** One customer's record in an experiment, as results are computed from (one row per unit). */
export interface UnitOutcome {
  readonly unit: string;
  readonly arm: string;
  readonly exposures: number;
  readonly clicks: number;
  /** Orders and their revenue attributed within the window after the first exposure. */
  readonly orders: number;
  readonly revenue: number;
  /** Discount value given on those orders (incentive cost). */
  readonly discount: number;
  /** Revenue in the same window length before the first exposure (CUPED covariate). */
  readonly preRevenue: number;
  /** Guardrail: the customer refunded an order in the window (absent: no). */
  readonly refunded?: boolean;
  /** The customer's segments now (results per segment). */
  readonly segments: readonly string[];
}
