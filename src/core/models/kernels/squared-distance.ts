/** Squared Euclidean distance between a[aOffset .. aOffset+dim) and b[bOffset .. bOffset+dim). */
export function squaredDistance(a: Float64Array, aOffset: number, b: Float64Array, bOffset: number, dim: number): number {
  let sum = 0;
  for (let j = 0; j < dim; j++) {
    const diff = a[aOffset + j]! - b[bOffset + j]!;
    sum += diff * diff;
  }
  return sum;
}
