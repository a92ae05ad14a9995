/**
 * The binary user x item interaction matrix the recommenders train on, in compressed sparse row form
 * over dense indices (users 0..nUsers-1, items 0..nItems-1). Duplicate pairs collapse to one 1.
 */
export interface InteractionMatrix {
  readonly nUsers: number;
  readonly nItems: number;
  /** Row u's items are colIdx[rowPtr[u] .. rowPtr[u+1]), ascending, unique. */
  readonly rowPtr: Int32Array;
  readonly colIdx: Int32Array;
}

/** Builds the binary matrix from parallel arrays of user and item indices. */
export function buildInteractions(
  nUsers: number,
  nItems: number,
  users: ArrayLike<number>,
  items: ArrayLike<number>,
): InteractionMatrix {
  if (users.length !== items.length) throw new RangeError('buildInteractions: users and items differ in length');
  const counts = new Int32Array(nUsers + 1);
  for (let e = 0; e < users.length; e++) {
    const u = users[e] ?? -1;
    const i = items[e] ?? -1;
    if (!(u >= 0 && u < nUsers && Number.isInteger(u))) throw new RangeError(`buildInteractions: bad user index ${u}`);
    if (!(i >= 0 && i < nItems && Number.isInteger(i))) throw new RangeError(`buildInteractions: bad item index ${i}`);
    counts[u + 1] = (counts[u + 1] ?? 0) + 1;
  }
  for (let u = 0; u < nUsers; u++) counts[u + 1] = (counts[u + 1] ?? 0) + (counts[u] ?? 0);
  const fill = counts.slice(0, nUsers);
  const raw = new Int32Array(users.length);
  for (let e = 0; e < users.length; e++) {
    const u = users[e] ?? 0;
    const at = fill[u] ?? 0;
    raw[at] = items[e] ?? 0;
    fill[u] = at + 1;
  }
  const rowPtr = new Int32Array(nUsers + 1);
  const out: number[] = [];
  for (let u = 0; u < nUsers; u++) {
    const row = raw.subarray(counts[u] ?? 0, counts[u + 1] ?? 0).slice().sort();
    let last = -1;
    for (const i of row) {
      if (i !== last) out.push(i);
      last = i;
    }
    rowPtr[u + 1] = out.length;
  }
  return { nUsers, nItems, rowPtr, colIdx: Int32Array.from(out) };
}

/** The items of user u (a view, ascending). */
export function userItems(x: InteractionMatrix, u: number): Int32Array {
  return x.colIdx.subarray(x.rowPtr[u] ?? 0, x.rowPtr[u + 1] ?? 0);
}

/**
 * Indices of the k highest scores, excluding `exclude` (ascending item indices, e.g. the user's
 * training items); ties go to the smaller index. Items whose score is not finite are skipped.
 */
export function topK(scores: Float64Array, k: number, exclude: ArrayLike<number> = []): number[] {
  const n = scores.length;
  const heapIdx: number[] = [];
  // A min-heap of the best k so far; "worse" = lower score, or equal score and larger index.
  const worse = (a: number, b: number): boolean => {
    const sa = scores[a] ?? 0;
    const sb = scores[b] ?? 0;
    return sa < sb || (sa === sb && a > b);
  };
  const siftDown = (start: number): void => {
    let p = start;
    const len = heapIdx.length;
    for (;;) {
      const l = 2 * p + 1;
      const r = l + 1;
      let m = p;
      if (l < len && worse(heapIdx[l] ?? 0, heapIdx[m] ?? 0)) m = l;
      if (r < len && worse(heapIdx[r] ?? 0, heapIdx[m] ?? 0)) m = r;
      if (m === p) return;
      const t = heapIdx[p] ?? 0;
      heapIdx[p] = heapIdx[m] ?? 0;
      heapIdx[m] = t;
      p = m;
    }
  };
  let ex = 0;
  for (let i = 0; i < n && k > 0; i++) {
    while (ex < exclude.length && (exclude[ex] ?? 0) < i) ex++;
    if (ex < exclude.length && exclude[ex] === i) continue;
    if (!Number.isFinite(scores[i] ?? Number.NaN)) continue;
    if (heapIdx.length < k) {
      heapIdx.push(i);
      let c = heapIdx.length - 1;
      while (c > 0) {
        const p = (c - 1) >> 1;
        if (!worse(heapIdx[c] ?? 0, heapIdx[p] ?? 0)) break;
        const t = heapIdx[p] ?? 0;
        heapIdx[p] = heapIdx[c] ?? 0;
        heapIdx[c] = t;
        c = p;
      }
    } else if (worse(heapIdx[0] ?? 0, i)) {
      heapIdx[0] = i;
      siftDown(0);
    }
  }
  return heapIdx.sort((a, b) => (worse(a, b) ? 1 : worse(b, a) ? -1 : 0));
}
