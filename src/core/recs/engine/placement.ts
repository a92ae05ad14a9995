import type { Strategy, StrategyWeights } from './recs-model.js';
import { STRATEGIES } from './recs-model.js';

/**
 * Where recommendations are shown (home page, product page, cart, e-mail ...) and the rules that
 * hold there. A placement blends the strategies with its weights (null: the weights the last
 * training learned), then applies its business rules, then fills what is left from its fallbacks in
 * the declared order.
 */
export interface Placement {
  readonly key: string;
  /** Partial weights override the learned ones; a strategy at 0 is not used here. */
  readonly weights: Readonly<Partial<Record<Strategy, number>>> | null;
  /** Tried in order when the blend has fewer than `count` items after the rules. */
  readonly fallbacks: readonly Strategy[];
  readonly count: number;
  readonly rules: PlacementRules;
}

export interface PlacementRules {
  /** Items the user bought are left out (replenishable ones come back when due). */
  readonly excludePurchased: boolean;
  /** Items with stock 0 in the catalog are left out (items without stock tracking stay). */
  readonly excludeOutOfStock: boolean;
  /** Only these categories (null: any). */
  readonly includeCategories: readonly string[] | null;
  readonly excludeCategories: readonly string[];
  readonly excludeItems: readonly string[];
  /** Always shown first, in this order (when in stock and not excluded). */
  readonly pinItems: readonly string[];
  /** Scores of these items and categories are multiplied by `boostFactor`. */
  readonly boostItems: readonly string[];
  readonly boostCategories: readonly string[];
  readonly boostFactor: number;
  readonly minPrice: number | null;
  readonly maxPrice: number | null;
  /** At most this many items of one category on a page (null: no limit). */
  readonly maxPerCategory: number | null;
  /** Two items at least this similar in catalog attributes are near-duplicates: only the first is shown (null: off). */
  readonly nearDuplicateSimilarity: number | null;
}

export const MAX_COUNT = 100;
const PLACEMENT_KEY = /^[a-z][a-z0-9_-]{0,39}$/;
const MAX_LIST = 1_000;

export const DEFAULT_RULES: PlacementRules = {
  excludePurchased: true,
  excludeOutOfStock: true,
  includeCategories: null,
  excludeCategories: [],
  excludeItems: [],
  pinItems: [],
  boostItems: [],
  boostCategories: [],
  boostFactor: 1.5,
  minPrice: null,
  maxPrice: null,
  maxPerCategory: null,
  nearDuplicateSimilarity: 0.95,
};

export const DEFAULT_FALLBACKS: readonly Strategy[] = ['segment_popular', 'popular'];

/** The placement every request without `placement=` uses (and any key not configured). */
export function defaultPlacement(key = 'default'): Placement {
  return { key, weights: null, fallbacks: DEFAULT_FALLBACKS, count: 10, rules: DEFAULT_RULES };
}

/** The weights a placement blends with: its own where it sets them, the learned ones elsewhere. */
export function placementWeights(placement: Placement, learned: StrategyWeights): StrategyWeights {
  const out = { ...learned };
  if (placement.weights !== null) for (const s of STRATEGIES) if (placement.weights[s] !== undefined) out[s] = placement.weights[s];
  return out;
}

export interface FieldError {
  readonly field: string;
  readonly message: string;
}

/** Validates a placement from the API; every problem is reported with its field. */
export function parsePlacement(key: string, raw: unknown): { readonly ok: true; readonly value: Placement } | { readonly ok: false; readonly errors: readonly FieldError[] } {
  const errors: FieldError[] = [];
  if (!PLACEMENT_KEY.test(key)) errors.push({ field: 'key', message: 'use 1 to 40 lowercase letters, digits, _ or -, starting with a letter' });
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false, errors: [...errors, { field: '(body)', message: 'a JSON object' }] };
  const body = raw as Record<string, unknown>;
  for (const field of Object.keys(body)) if (!['weights', 'fallbacks', 'count', 'rules'].includes(field)) errors.push({ field, message: 'unknown field' });

  let weights: Partial<Record<Strategy, number>> | null = null;
  if (body['weights'] !== undefined && body['weights'] !== null) {
    const w = body['weights'];
    if (typeof w !== 'object' || Array.isArray(w)) errors.push({ field: 'weights', message: `an object of strategy → weight ≥ 0; strategies: ${STRATEGIES.join(', ')}` });
    else {
      weights = {};
      for (const [name, value] of Object.entries(w as Record<string, unknown>)) {
        if (!isStrategy(name)) errors.push({ field: `weights.${name}`, message: `unknown strategy; use one of ${STRATEGIES.join(', ')}` });
        else if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 100) errors.push({ field: `weights.${name}`, message: 'a number from 0 to 100' });
        else weights[name] = value;
      }
    }
  }
  let fallbacks: readonly Strategy[] = DEFAULT_FALLBACKS;
  if (body['fallbacks'] !== undefined) {
    const f = body['fallbacks'];
    if (!Array.isArray(f) || f.length > STRATEGIES.length) errors.push({ field: 'fallbacks', message: `a list of strategies: ${STRATEGIES.join(', ')}` });
    else {
      const list: Strategy[] = [];
      f.forEach((name, i) => {
        if (typeof name !== 'string' || !isStrategy(name)) errors.push({ field: `fallbacks[${i}]`, message: `unknown strategy; use one of ${STRATEGIES.join(', ')}` });
        else if (list.includes(name)) errors.push({ field: `fallbacks[${i}]`, message: 'listed twice' });
        else list.push(name);
      });
      fallbacks = list;
    }
  }
  let count = 10;
  if (body['count'] !== undefined) {
    const c = body['count'];
    if (typeof c !== 'number' || !Number.isInteger(c) || c < 1 || c > MAX_COUNT) errors.push({ field: 'count', message: `an integer from 1 to ${MAX_COUNT}` });
    else count = c;
  }
  const rules = parseRules(body['rules'], errors);
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, value: { key, weights, fallbacks, count, rules } };
}

function parseRules(raw: unknown, errors: FieldError[]): PlacementRules {
  if (raw === undefined || raw === null) return DEFAULT_RULES;
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    errors.push({ field: 'rules', message: 'an object' });
    return DEFAULT_RULES;
  }
  const r = raw as Record<string, unknown>;
  const known = Object.keys(DEFAULT_RULES);
  for (const field of Object.keys(r)) if (!known.includes(field)) errors.push({ field: `rules.${field}`, message: `unknown rule; rules: ${known.join(', ')}` });
  const bool = (name: keyof PlacementRules): boolean => {
    const v = r[name];
    if (v === undefined) return DEFAULT_RULES[name] as boolean;
    if (typeof v !== 'boolean') errors.push({ field: `rules.${name}`, message: 'true or false' });
    return v === true;
  };
  const strings = (name: keyof PlacementRules): string[] => {
    const v = r[name];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v) || v.length > MAX_LIST || !v.every((s) => typeof s === 'string' && s.length > 0 && s.length <= 200)) {
      errors.push({ field: `rules.${name}`, message: `a list of at most ${MAX_LIST} non-empty strings` });
      return [];
    }
    return v as string[];
  };
  const number = (name: keyof PlacementRules, min: number, max: number, integer = false): number | null => {
    const v = r[name];
    if (v === undefined) return DEFAULT_RULES[name] as number | null;
    if (v === null) return null;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max || (integer && !Number.isInteger(v))) {
      errors.push({ field: `rules.${name}`, message: `${integer ? 'an integer' : 'a number'} from ${min} to ${max}` });
      return null;
    }
    return v;
  };
  const includeCategories = r['includeCategories'] === undefined || r['includeCategories'] === null ? null : strings('includeCategories');
  const rules: PlacementRules = {
    excludePurchased: bool('excludePurchased'),
    excludeOutOfStock: bool('excludeOutOfStock'),
    includeCategories,
    excludeCategories: strings('excludeCategories'),
    excludeItems: strings('excludeItems'),
    pinItems: strings('pinItems'),
    boostItems: strings('boostItems'),
    boostCategories: strings('boostCategories'),
    boostFactor: number('boostFactor', 0, 100) ?? DEFAULT_RULES.boostFactor,
    minPrice: number('minPrice', 0, 1e12),
    maxPrice: number('maxPrice', 0, 1e12),
    maxPerCategory: number('maxPerCategory', 1, MAX_COUNT, true),
    nearDuplicateSimilarity: number('nearDuplicateSimilarity', 0, 1),
  };
  if (rules.minPrice !== null && rules.maxPrice !== null && rules.minPrice > rules.maxPrice) errors.push({ field: 'rules.minPrice', message: 'greater than maxPrice' });
  return rules;
}

function isStrategy(name: string): name is Strategy {
  return (STRATEGIES as readonly string[]).includes(name);
}
