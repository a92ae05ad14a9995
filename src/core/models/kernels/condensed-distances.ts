/**
 * Index of the pair (i, j), i < j, in a condensed distance matrix of n points (the upper triangle,
 * row by row, as scipy.spatial.distance.pdist lays it out).
 */
export function condensedIndex(n: number, i: number, j: number): number {
  return n * i - ((i * (i + 1)) >> 1) + (j - i - 1);
}

/**
 * Condensed Euclidean distances between the n rows of x: out has n(n-1)/2 entries, computed as
 * sqrt(sum (x_i - x_j)^2) in column order, as scipy's pdist(metric='euclidean') does.
 */
export function condensedEuclidean(x: Float64Array, n: number, dim: number, out: Float64Array): void {
  let p = 0;
  for (let i = 0; i < n; i++) {
    const iOffset = i * dim;
    for (let j = i + 1; j < n; j++) {
      const jOffset = j * dim;
      let d = 0;
      for (let c = 0; c < dim; c++) {
        const diff = x[iOffset + c]! - x[jOffset + c]!;
        d += diff * diff;
      }
      out[p++] = Math.sqrt(d);
    }
  }
}

/**
 * Turns condensed Euclidean distances between weighted points (e.g. k-means centroids weighted by
 * cluster size) into Ward distances between them, in place: d_ij * sqrt(2 w_i w_j / (w_i + w_j)).
 * With all weights 1 this is the identity, which is why scipy's Ward heights for singletons are
 * plain Euclidean distances.
 */
export function toWardDistances(distances: Float64Array, n: number, weights: Float64Array): void {
  let p = 0;
  for (let i = 0; i < n; i++) {
    const wi = weights[i]!;
    for (let j = i + 1; j < n; j++) {
      const wj = weights[j]!;
      distances[p] = distances[p]! * Math.sqrt((2 * wi * wj) / (wi + wj));
      p++;
    }
  }
}
