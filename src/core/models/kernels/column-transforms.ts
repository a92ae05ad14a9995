/** Per-column transform codes used by the scaling kernels: 0 = none, 1 = signed log1p. */
export const TRANSFORM_NONE = 0;
export const TRANSFORM_LOG1P = 1;

/** sign(v) * log(1 + |v|): log1p for v >= 0, mirrored for negative values (refunds, credits). */
function signedLog1p(v: number): number {
  return v < 0 ? -Math.log1p(-v) : Math.log1p(v);
}

/**
 * Column means and population standard deviations (ddof 0, like scikit-learn's StandardScaler) of the
 * transformed columns, by two passes (mean, then squared deviations) for accuracy.
 */
export function columnMeansAndStds(
  x: Float64Array,
  n: number,
  dim: number,
  transforms: Uint8Array,
  means: Float64Array,
  stds: Float64Array,
): void {
  means.fill(0, 0, dim);
  stds.fill(0, 0, dim);
  if (n === 0) return;
  for (let i = 0; i < n; i++) {
    const offset = i * dim;
    for (let j = 0; j < dim; j++) {
      const v = x[offset + j]!;
      means[j]! += transforms[j]! === TRANSFORM_LOG1P ? signedLog1p(v) : v;
    }
  }
  for (let j = 0; j < dim; j++) means[j]! /= n;
  for (let i = 0; i < n; i++) {
    const offset = i * dim;
    for (let j = 0; j < dim; j++) {
      const v = x[offset + j]!;
      const diff = (transforms[j]! === TRANSFORM_LOG1P ? signedLog1p(v) : v) - means[j]!;
      stds[j]! += diff * diff;
    }
  }
  for (let j = 0; j < dim; j++) stds[j] = Math.sqrt(stds[j]! / n);
}

/** out[i, j] = (transform_j(x[i, j]) - centers[j]) / scales[j]. */
export function transformColumns(
  x: Float64Array,
  n: number,
  dim: number,
  transforms: Uint8Array,
  centers: Float64Array,
  scales: Float64Array,
  out: Float64Array,
): void {
  for (let i = 0; i < n; i++) {
    const offset = i * dim;
    for (let j = 0; j < dim; j++) {
      const v = x[offset + j]!;
      out[offset + j] = ((transforms[j]! === TRANSFORM_LOG1P ? signedLog1p(v) : v) - centers[j]!) / scales[j]!;
    }
  }
}
