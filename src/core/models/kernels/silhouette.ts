import { condensedIndex } from './condensed-distances.js';

/**
 * Mean silhouette coefficient (Rousseeuw 1987) of n points with labels in [0, k), from their condensed
 * distance matrix; exact, O(n^2). For point i: a = mean distance to the other members of its cluster,
 * b = the smallest mean distance to another cluster's members, s = (b - a) / max(a, b); s = 0 for a
 * point alone in its cluster (scikit-learn's convention). clusterSums is scratch space of n*k values,
 * counts of k values. Returns NaN when fewer than 2 clusters are non-empty (undefined).
 */
export function meanSilhouette(
  distances: Float64Array,
  n: number,
  labels: Int32Array,
  k: number,
  clusterSums: Float64Array,
  counts: Float64Array,
): number {
  clusterSums.fill(0, 0, n * k);
  counts.fill(0, 0, k);
  for (let i = 0; i < n; i++) counts[labels[i]!]! += 1;
  let nonEmpty = 0;
  for (let c = 0; c < k; c++) if (counts[c]! > 0) nonEmpty++;
  if (nonEmpty < 2) return Number.NaN;
  for (let i = 0; i < n; i++) {
    const li = labels[i]!;
    for (let j = i + 1; j < n; j++) {
      const d = distances[condensedIndex(n, i, j)]!;
      clusterSums[i * k + labels[j]!]! += d;
      clusterSums[j * k + li]! += d;
    }
  }
  let total = 0;
  for (let i = 0; i < n; i++) {
    const li = labels[i]!;
    const own = counts[li]!;
    if (own <= 1) continue; // s = 0
    const a = clusterSums[i * k + li]! / (own - 1);
    let b = Infinity;
    for (let c = 0; c < k; c++) {
      if (c === li || counts[c]! === 0) continue;
      const mean = clusterSums[i * k + c]! / counts[c]!;
      if (mean < b) b = mean;
    }
    const denominator = Math.max(a, b);
    if (denominator > 0) total += (b - a) / denominator;
  }
  return total / n;
}
