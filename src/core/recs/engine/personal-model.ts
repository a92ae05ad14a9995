import { base64ToFloat64, base64ToInt32, typedToBase64 } from '../item-neighbours.js';

/**
 * The collaborative model behind `personal`, served exactly rather than through item neighbours:
 * - EASE keeps its dense item x item weights (at most easeMaxItems² numbers) and scores a person
 *   as the sum of the rows of their items;
 * - ALS keeps the item factors and folds the person in on each call: their factor solves the
 *   implicit-ALS user equation (YᵀY + α Σ_{i∈H} y_i y_iᵀ + λI) x = (1 + α) Σ_{i∈H} y_i exactly
 *   (Cholesky, f x f), so a history of any age, including this session's purchases, counts.
 * Both work over the items with interactions only (`items`: model index -> item index of the
 * recommender), so catalog items nobody touched cost nothing here.
 */
export type PersonalModel =
  | { readonly kind: 'none' }
  | { readonly kind: 'ease'; readonly nItems: number; readonly items: Int32Array; readonly weights: Float64Array }
  | {
      readonly kind: 'als';
      readonly nItems: number;
      readonly items: Int32Array;
      readonly factors: number;
      readonly itemFactors: Float64Array;
      /** YᵀY + λI (f x f), shared by every fold-in. */
      readonly base: Float64Array;
      readonly alpha: number;
    };

const compactIndexes = new WeakMap<object, ReadonlyMap<number, number>>();

/** Item index of the recommender -> model index (built once per model). */
export function compactIndex(model: Exclude<PersonalModel, { kind: 'none' }>): ReadonlyMap<number, number> {
  let index = compactIndexes.get(model);
  if (index === undefined) {
    index = new Map(Array.from(model.items, (full, c) => [full, c]));
    compactIndexes.set(model, index);
  }
  return index;
}

/**
 * A person's scores for every model item (model indices), written into `out` (length ≥ nItems);
 * `history` is in model indices too. False when there is nothing to score.
 */
export function personalScores(model: PersonalModel, history: readonly number[], out: Float64Array): boolean {
  if (model.kind === 'none' || history.length === 0) return false;
  const n = model.nItems;
  out.fill(0, 0, n);
  if (model.kind === 'ease') {
    const w = model.weights;
    for (const a of history) {
      if (!(a >= 0 && a < n)) continue;
      const base = a * n;
      for (let j = 0; j < n; j++) out[j] = (out[j] as number) + (w[base + j] as number);
    }
    return true;
  }
  const x = foldIn(model, history);
  const f = model.factors;
  const y = model.itemFactors;
  for (let j = 0; j < n; j++) {
    const o = j * f;
    let s = 0;
    for (let t = 0; t < f; t++) s += (x[t] as number) * (y[o + t] as number);
    out[j] = s;
  }
  return true;
}

/** How much history item a speaks for candidate j, both model indices (to name the item a reason points at). */
export function personalAffinity(model: PersonalModel, a: number, j: number): number {
  if (model.kind === 'ease') return model.weights[a * model.nItems + j] as number;
  if (model.kind === 'als') {
    const f = model.factors;
    let s = 0;
    for (let t = 0; t < f; t++) s += (model.itemFactors[a * f + t] as number) * (model.itemFactors[j * f + t] as number);
    return s;
  }
  return 0;
}

function foldIn(model: Extract<PersonalModel, { kind: 'als' }>, history: readonly number[]): Float64Array {
  const f = model.factors;
  const y = model.itemFactors;
  const a = Float64Array.from(model.base);
  const b = new Float64Array(f);
  const c = 1 + model.alpha;
  for (const i of history) {
    if (!(i >= 0 && i < model.nItems)) continue;
    const o = i * f;
    for (let r = 0; r < f; r++) {
      const yr = y[o + r] as number;
      b[r] = (b[r] as number) + c * yr;
      const ar = r * f;
      for (let s = 0; s <= r; s++) a[ar + s] = (a[ar + s] as number) + model.alpha * yr * (y[o + s] as number);
    }
  }
  return choleskySolve(a, b, f);
}

/** Solves A x = b for symmetric positive-definite A (lower triangle read; A is overwritten). */
function choleskySolve(a: Float64Array, b: Float64Array, n: number): Float64Array {
  for (let j = 0; j < n; j++) {
    let d = a[j * n + j] as number;
    for (let k = 0; k < j; k++) d -= (a[j * n + k] as number) ** 2;
    const l = Math.sqrt(Math.max(d, 1e-12));
    a[j * n + j] = l;
    for (let i = j + 1; i < n; i++) {
      let s = a[i * n + j] as number;
      for (let k = 0; k < j; k++) s -= (a[i * n + k] as number) * (a[j * n + k] as number);
      a[i * n + j] = s / l;
    }
  }
  const x = Float64Array.from(b);
  for (let i = 0; i < n; i++) {
    let s = x[i] as number;
    for (let k = 0; k < i; k++) s -= (a[i * n + k] as number) * (x[k] as number);
    x[i] = s / (a[i * n + i] as number);
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = x[i] as number;
    for (let k = i + 1; k < n; k++) s -= (a[k * n + i] as number) * (x[k] as number);
    x[i] = s / (a[i * n + i] as number);
  }
  return x;
}

/** YᵀY + λI of row-major n x f item factors. */
export function alsBase(itemFactors: Float64Array, n: number, f: number, lambda: number): Float64Array {
  const out = new Float64Array(f * f);
  for (let r = 0; r < n; r++) {
    const o = r * f;
    for (let p = 0; p < f; p++) {
      const yp = itemFactors[o + p] as number;
      for (let q = 0; q <= p; q++) out[p * f + q] = (out[p * f + q] as number) + yp * (itemFactors[o + q] as number);
    }
  }
  for (let p = 0; p < f; p++) {
    out[p * f + p] = (out[p * f + p] as number) + lambda;
    for (let q = 0; q < p; q++) out[q * f + p] = out[p * f + q] as number;
  }
  return out;
}

export function personalToJson(model: PersonalModel): unknown {
  switch (model.kind) {
    case 'none':
      return { kind: 'none' };
    case 'ease':
      return { kind: 'ease', nItems: model.nItems, items: typedToBase64(model.items), weights: typedToBase64(model.weights) };
    case 'als':
      return { kind: 'als', nItems: model.nItems, items: typedToBase64(model.items), factors: model.factors, itemFactors: typedToBase64(model.itemFactors), base: typedToBase64(model.base), alpha: model.alpha };
  }
}

/** Reads the JSON form back; null when inconsistent (`nAll`: the recommender's item count). */
export function personalFromJson(json: unknown, nAll: number): PersonalModel | null {
  if (typeof json !== 'object' || json === null) return null;
  const j = json as Record<string, unknown>;
  if (j['kind'] === 'none') return { kind: 'none' };
  const nItems = j['nItems'];
  const items = typeof j['items'] === 'string' ? base64ToInt32(j['items']) : null;
  if (typeof nItems !== 'number' || items === null || items.length !== nItems || items.some((i) => i < 0 || i >= nAll)) return null;
  if (j['kind'] === 'ease' && typeof j['weights'] === 'string') {
    const weights = base64ToFloat64(j['weights']);
    return weights !== null && weights.length === nItems * nItems ? { kind: 'ease', nItems, items, weights } : null;
  }
  if (j['kind'] === 'als' && typeof j['itemFactors'] === 'string' && typeof j['base'] === 'string' && typeof j['factors'] === 'number' && typeof j['alpha'] === 'number') {
    const f = j['factors'];
    const itemFactors = base64ToFloat64(j['itemFactors']);
    const base = base64ToFloat64(j['base']);
    if (itemFactors === null || base === null || itemFactors.length !== nItems * f || base.length !== f * f) return null;
    return { kind: 'als', nItems, items, factors: f, itemFactors, base, alpha: j['alpha'] };
  }
  return null;
}
