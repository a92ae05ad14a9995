/**
 * sums[sOffset + j] += x[xOffset + j] for j = 0 .. dim-1, unrolled by four with a straight-line tail
 * (see squaredDistance: V8 does not unroll, and a 3-column row paid more for the loop than the adds;
 * a 10-restart fit on 4,338 x 3 rows went from 42 to 40 ms). Each element gets one addition, so the
 * results are those of the plain loop bit for bit.
 */
function addRow(sums: Float64Array, sOffset: number, x: Float64Array, xOffset: number, dim: number): void {
  let j = 0;
  for (; j + 4 <= dim; j += 4) {
    sums[sOffset + j]! += x[xOffset + j]!;
    sums[sOffset + j + 1]! += x[xOffset + j + 1]!;
    sums[sOffset + j + 2]! += x[xOffset + j + 2]!;
    sums[sOffset + j + 3]! += x[xOffset + j + 3]!;
  }
  if (j < dim) {
    sums[sOffset + j]! += x[xOffset + j]!;
    if (j + 1 < dim) {
      sums[sOffset + j + 1]! += x[xOffset + j + 1]!;
      if (j + 2 < dim) sums[sOffset + j + 2]! += x[xOffset + j + 2]!;
    }
  }
}

/**
 * The M-step sums: sums[c] = sum of the rows labelled c (in row order), counts[c] = how many.
 * Overwrites both.
 */
export function accumulateCentroids(
  x: Float64Array,
  n: number,
  dim: number,
  labels: Int32Array,
  k: number,
  sums: Float64Array,
  counts: Float64Array,
): void {
  sums.fill(0, 0, k * dim);
  counts.fill(0, 0, k);
  for (let i = 0; i < n; i++) {
    const c = labels[i]!;
    addRow(sums, c * dim, x, i * dim, dim);
    counts[c]! += 1;
  }
}

/**
 * Empty clusters: each cluster with count 0 is re-seeded with the point farthest from its centroid
 * (by distances[], the squared distance from the last E-step), taken from a cluster that keeps at
 * least one point; as scikit-learn does (`_relocate_empty_clusters`). Updates sums, counts, labels and
 * distances (the moved point's distance becomes 0). Returns how many clusters were re-seeded.
 */
export function relocateEmptyClusters(
  x: Float64Array,
  n: number,
  dim: number,
  labels: Int32Array,
  distances: Float64Array,
  k: number,
  sums: Float64Array,
  counts: Float64Array,
): number {
  let relocated = 0;
  for (let c = 0; c < k; c++) {
    if (counts[c]! > 0) continue;
    let far = -1;
    let farDistance = -1;
    for (let i = 0; i < n; i++) {
      const d = distances[i]!;
      if (d > farDistance && counts[labels[i]!]! > 1) {
        far = i;
        farDistance = d;
      }
    }
    if (far === -1) break; // fewer points than clusters: nothing can move
    const old = labels[far]!;
    const xOffset = far * dim;
    for (let j = 0; j < dim; j++) {
      const v = x[xOffset + j]!;
      sums[old * dim + j]! -= v;
      sums[c * dim + j] = v;
    }
    counts[old]! -= 1;
    counts[c] = 1;
    labels[far] = c;
    distances[far] = 0;
    relocated++;
  }
  return relocated;
}

/**
 * centroids[c] = sums[c] / counts[c]; a cluster with count 0 keeps its previous centroid (copied
 * from previous). Returns the total squared shift, sum over c of |new c - previous c|^2.
 */
export function divideCentroids(
  sums: Float64Array,
  counts: Float64Array,
  previous: Float64Array,
  k: number,
  dim: number,
  out: Float64Array,
): number {
  let shift = 0;
  for (let c = 0; c < k; c++) {
    const count = counts[c]!;
    const offset = c * dim;
    for (let j = 0; j < dim; j++) {
      const next = count > 0 ? sums[offset + j]! / count : previous[offset + j]!;
      const diff = next - previous[offset + j]!;
      shift += diff * diff;
      out[offset + j] = next;
    }
  }
  return shift;
}
