import type { InteractionMatrix } from './interactions.js';
import type { ItemNeighbours } from './item-neighbours.js';
import { topK, userItems } from './interactions.js';

/**
 * Item-to-item neighbours from the binary user x item matrix X ("also viewed", "bought together").
 * With C = XᵀX (C[i][j] = users holding both i and j) and n_i = C[i][i]:
 * - 'cooccurrence': sim(i, j) = C[i][j];
 * - 'cosine': sim(i, j) = C[i][j] / sqrt(n_i · n_j).
 * Only the `neighbours` most similar items j ≠ i with C[i][j] > 0 are kept per item (best first, ties
 * by ascending index), so memory is at most nItems · neighbours entries; C is never materialised (one
 * dense nItems accumulator is reused across rows).
 */
export type ItemSimilarityKind = 'cosine' | 'cooccurrence';

export interface ItemSimilarityModel {
  readonly nItems: number;
  readonly kind: ItemSimilarityKind;
  readonly neighbours: number;
  /** Item i's neighbours are nbrIdx[nbrPtr[i] .. nbrPtr[i+1]), best first, with similarities nbrSim. */
  readonly nbrPtr: Int32Array;
  readonly nbrIdx: Int32Array;
  readonly nbrSim: Float64Array;
}

export interface ItemSimilarityOptions {
  readonly kind?: ItemSimilarityKind;
  /** Neighbours kept per item (≥ 1); default 50. */
  readonly neighbours?: number;
}

/** The transpose of x: users of item i are rowIdx[colPtr[i] .. colPtr[i+1]), ascending. */
export function itemUsers(x: InteractionMatrix): { readonly colPtr: Int32Array; readonly rowIdx: Int32Array } {
  const colPtr = new Int32Array(x.nItems + 1);
  for (const i of x.colIdx) colPtr[i + 1] = (colPtr[i + 1] as number) + 1;
  for (let i = 0; i < x.nItems; i++) colPtr[i + 1] = (colPtr[i + 1] as number) + (colPtr[i] as number);
  const fill = colPtr.slice(0, x.nItems);
  const rowIdx = new Int32Array(x.colIdx.length);
  for (let u = 0; u < x.nUsers; u++) {
    const end = x.rowPtr[u + 1] as number;
    for (let e = x.rowPtr[u] as number; e < end; e++) {
      const i = x.colIdx[e] as number;
      const at = fill[i] as number;
      rowIdx[at] = u;
      fill[i] = at + 1;
    }
  }
  return { colPtr, rowIdx };
}

export function fitItemSimilarity(x: InteractionMatrix, options: ItemSimilarityOptions = {}): ItemSimilarityModel {
  const kind = options.kind ?? 'cosine';
  const neighbours = options.neighbours ?? 50;
  if (!(Number.isInteger(neighbours) && neighbours >= 1)) throw new RangeError(`fitItemSimilarity: neighbours must be an integer ≥ 1, got ${neighbours}`);
  const n = x.nItems;
  const { colPtr, rowIdx } = itemUsers(x);
  const acc = new Float64Array(n);
  const touched = new Int32Array(n);
  const nbrPtr = new Int32Array(n + 1);
  // Rows are appended as they are built; capacity grows geometrically up to n · neighbours.
  let cap = Math.min(n * neighbours, 1024);
  let nbrIdx = new Int32Array(cap);
  let nbrSim = new Float64Array(cap);
  let used = 0;
  const order: number[] = [];
  for (let i = 0; i < n; i++) {
    let nTouched = 0;
    const end = colPtr[i + 1] as number;
    for (let e = colPtr[i] as number; e < end; e++) {
      const u = rowIdx[e] as number;
      const rEnd = x.rowPtr[u + 1] as number;
      for (let f = x.rowPtr[u] as number; f < rEnd; f++) {
        const j = x.colIdx[f] as number;
        if (j === i) continue;
        if (acc[j] === 0) touched[nTouched++] = j;
        acc[j] = (acc[j] as number) + 1;
      }
    }
    const ni = end - (colPtr[i] as number);
    order.length = 0;
    for (let t = 0; t < nTouched; t++) {
      const j = touched[t] as number;
      if (kind === 'cosine') {
        const nj = (colPtr[j + 1] as number) - (colPtr[j] as number);
        acc[j] = (acc[j] as number) / Math.sqrt(ni * nj);
      }
      order.push(j);
    }
    order.sort((a, b) => (acc[b] as number) - (acc[a] as number) || a - b);
    const keep = Math.min(neighbours, order.length);
    if (used + keep > cap) {
      cap = Math.min(n * neighbours, Math.max(2 * cap, used + keep));
      const grownIdx = new Int32Array(cap);
      grownIdx.set(nbrIdx.subarray(0, used));
      nbrIdx = grownIdx;
      const grownSim = new Float64Array(cap);
      grownSim.set(nbrSim.subarray(0, used));
      nbrSim = grownSim;
    }
    for (let t = 0; t < keep; t++) {
      const j = order[t] as number;
      nbrIdx[used] = j;
      nbrSim[used] = acc[j] as number;
      used++;
    }
    nbrPtr[i + 1] = used;
    for (let t = 0; t < nTouched; t++) acc[touched[t] as number] = 0;
  }
  return { nItems: n, kind, neighbours, nbrPtr, nbrIdx: nbrIdx.slice(0, used), nbrSim: nbrSim.slice(0, used) };
}

export interface SimilarItem {
  readonly item: number;
  readonly score: number;
}

/** The (at most) k items most similar to `item`, best first ("customers who viewed this also viewed"). */
export function similarItems(model: ItemNeighbours, item: number, k: number): SimilarItem[] {
  if (!(item >= 0 && item < model.nItems)) return [];
  const start = model.nbrPtr[item] as number;
  const end = Math.min(model.nbrPtr[item + 1] as number, start + Math.max(0, k));
  const out: SimilarItem[] = [];
  for (let e = start; e < end; e++) out.push({ item: model.nbrIdx[e] as number, score: model.nbrSim[e] as number });
  return out;
}

/** Scores of every item for a user holding `items`: Σ over held items a of sim(a, j) over a's neighbours j. */
export function itemSimilarityScores(
  model: ItemNeighbours,
  items: ArrayLike<number>,
  out: Float64Array = new Float64Array(model.nItems),
): Float64Array {
  out.fill(0);
  for (let t = 0; t < items.length; t++) {
    const a = items[t] ?? -1;
    if (!(a >= 0 && a < model.nItems)) continue;
    const end = model.nbrPtr[a + 1] as number;
    for (let e = model.nbrPtr[a] as number; e < end; e++) {
      const j = model.nbrIdx[e] as number;
      out[j] = (out[j] as number) + (model.nbrSim[e] as number);
    }
  }
  return out;
}

/** Top k items for user u of x, excluding the user's training items (u out of range: all scores 0). */
export function recommendItemSimilarity(
  model: ItemSimilarityModel,
  x: InteractionMatrix,
  u: number,
  k: number,
  scratch?: Float64Array,
): number[] {
  const seen = u >= 0 && u < x.nUsers ? userItems(x, u) : new Int32Array(0);
  return topK(itemSimilarityScores(model, seen, scratch), k, seen);
}
