/** Sum of values[0 .. length). */
export function sum(values: Float64Array, length: number = values.length): number {
  let total = 0;
  for (let i = 0; i < length; i++) total += values[i]!;
  return total;
}
