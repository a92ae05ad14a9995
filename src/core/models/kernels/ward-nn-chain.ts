import { condensedIndex } from './condensed-distances.js';

/**
 * Ward agglomeration by the nearest-neighbour chain algorithm (Murtagh 1983; Müllner 2011, "Modern
 * hierarchical, agglomerative clustering algorithms", fig. 5), a line-by-line port of scipy's
 * `_hierarchy.nn_chain`, so heights agree with scipy.cluster.hierarchy.linkage(method='ward') to the
 * last bits. O(n^2) time, and no memory beyond the condensed matrix it updates in place.
 *
 * distances: condensed Ward distances between the n starting clusters (Euclidean for single points),
 * overwritten. sizes: the starting cluster weights (1 for points), overwritten. merges: (n-1)*4 values,
 * row r = [x, y, height, size] with x < y the indices of the *starting slots* merged (the merged
 * cluster lives on in slot y), NOT yet sorted by height or relabelled; see labelLinkage.
 *
 * Lance-Williams update for Ward (on distances, not squared distances, as scipy does):
 * d(i, x+y) = sqrt(((n_i + n_x) d(i,x)^2 + (n_i + n_y) d(i,y)^2 - n_i d(x,y)^2) / (n_i + n_x + n_y)).
 */
export function wardNnChain(distances: Float64Array, n: number, sizes: Float64Array, merges: Float64Array): void {
  const chain = new Int32Array(n);
  let chainLength = 0;
  for (let k = 0; k < n - 1; k++) {
    if (chainLength === 0) {
      chainLength = 1;
      for (let i = 0; i < n; i++) {
        if (sizes[i]! > 0) {
          chain[0] = i;
          break;
        }
      }
    }
    let x = 0;
    let y = 0;
    let currentMin = Infinity;
    for (;;) {
      x = chain[chainLength - 1]!;
      // Prefer the previous element of the chain as the minimum, so ties cannot make a cycle.
      if (chainLength > 1) {
        y = chain[chainLength - 2]!;
        currentMin = distances[x < y ? condensedIndex(n, x, y) : condensedIndex(n, y, x)]!;
      } else {
        currentMin = Infinity;
      }
      for (let i = 0; i < n; i++) {
        if (sizes[i]! === 0 || i === x) continue;
        const d = distances[x < i ? condensedIndex(n, x, i) : condensedIndex(n, i, x)]!;
        if (d < currentMin) {
          currentMin = d;
          y = i;
        }
      }
      if (chainLength > 1 && y === chain[chainLength - 2]!) break;
      chain[chainLength] = y;
      chainLength++;
    }
    chainLength -= 2;
    if (x > y) {
      const t = x;
      x = y;
      y = t;
    }
    const nx = sizes[x]!;
    const ny = sizes[y]!;
    merges[k * 4] = x;
    merges[k * 4 + 1] = y;
    merges[k * 4 + 2] = currentMin;
    merges[k * 4 + 3] = nx + ny;
    sizes[x] = 0;
    sizes[y] = nx + ny;
    for (let i = 0; i < n; i++) {
      const ni = sizes[i]!;
      if (ni === 0 || i === y) continue;
      const ix = i < x ? condensedIndex(n, i, x) : condensedIndex(n, x, i);
      const iy = i < y ? condensedIndex(n, i, y) : condensedIndex(n, y, i);
      const dxi = distances[ix]!;
      const dyi = distances[iy]!;
      const t = 1 / (nx + ny + ni);
      distances[iy] = Math.sqrt((ni + nx) * t * dxi * dxi + (ni + ny) * t * dyi * dyi - ni * t * currentMin * currentMin);
    }
  }
}

/**
 * Sorts the n-1 merges by height (stable, as scipy's mergesort) and relabels them scipy-style: the
 * cluster made by merge r gets id n + r, each row names its two children by their current ids
 * (smaller first), and column 3 becomes the total starting weight under the new cluster (sizes0: 1
 * per point, so the observation count as in scipy). Writes the result to out ((n-1)*4 values).
 */
export function labelLinkage(merges: Float64Array, n: number, sizes0: Float64Array, out: Float64Array): void {
  const m = n - 1;
  const order = Array.from({ length: m }, (_, r) => r);
  order.sort((a, b) => merges[a * 4 + 2]! - merges[b * 4 + 2]! || a - b);
  const parent = new Int32Array(2 * n - 1);
  const weight = new Float64Array(2 * n - 1);
  for (let i = 0; i < 2 * n - 1; i++) parent[i] = i;
  for (let i = 0; i < n; i++) weight[i] = sizes0[i]!;
  const find = (start: number): number => {
    let root = start;
    while (parent[root]! !== root) root = parent[root]!;
    let p = start;
    while (parent[p]! !== root) {
      const next = parent[p]!;
      parent[p] = root;
      p = next;
    }
    return root;
  };
  let nextLabel = n;
  for (let r = 0; r < m; r++) {
    const src = order[r]! * 4;
    const a = find(merges[src]!);
    const b = find(merges[src + 1]!);
    out[r * 4] = Math.min(a, b);
    out[r * 4 + 1] = Math.max(a, b);
    out[r * 4 + 2] = merges[src + 2]!;
    parent[a] = nextLabel;
    parent[b] = nextLabel;
    const w = weight[a]! + weight[b]!;
    weight[nextLabel] = w;
    out[r * 4 + 3] = w;
    nextLabel++;
  }
}

/**
 * Flat clusters from a scipy-style linkage (sorted, relabelled): applies the first n - k merges and
 * numbers the resulting k clusters 0..k-1 in order of their first point. Writes labels[0 .. n).
 */
export function cutLinkage(linkage: Float64Array, n: number, k: number, labels: Int32Array): void {
  const parent = new Int32Array(2 * n - 1);
  for (let i = 0; i < 2 * n - 1; i++) parent[i] = i;
  const find = (start: number): number => {
    let root = start;
    while (parent[root]! !== root) root = parent[root]!;
    let p = start;
    while (parent[p]! !== root) {
      const next = parent[p]!;
      parent[p] = root;
      p = next;
    }
    return root;
  };
  for (let r = 0; r < n - k; r++) {
    parent[find(linkage[r * 4]!)] = n + r;
    parent[find(linkage[r * 4 + 1]!)] = n + r;
  }
  const numberOfRoot = new Int32Array(2 * n - 1).fill(-1);
  let next = 0;
  for (let i = 0; i < n; i++) {
    const root = find(i);
    if (numberOfRoot[root]! === -1) numberOfRoot[root] = next++;
    labels[i] = numberOfRoot[root]!;
  }
}
