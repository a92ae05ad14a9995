/** y[yOffset + j] += alpha * x[xOffset + j] for j in [0, length) (BLAS axpy). */
export function axpy(length: number, alpha: number, x: Float64Array, xOffset: number, y: Float64Array, yOffset: number): void {
  for (let j = 0; j < length; j++) y[yOffset + j]! += alpha * x[xOffset + j]!;
}

/** y[yOffset + j] *= alpha for j in [0, length) (BLAS scal). */
export function scal(length: number, alpha: number, y: Float64Array, yOffset: number): void {
  for (let j = 0; j < length; j++) y[yOffset + j]! *= alpha;
}
