/** Index of the largest of values[0 .. length) (the first on ties); -1 when length is 0. */
export function argmax(values: Float64Array, length: number = values.length): number {
  let best = -1;
  let bestValue = -Infinity;
  for (let i = 0; i < length; i++) {
    const v = values[i]!;
    if (v > bestValue || best === -1) {
      best = i;
      bestValue = v;
    }
  }
  return best;
}
