/** Binary searches over ascending number arrays (event times in behavior tracks). */

/** The first index whose value is >= target (the length when none). */
export function lowerBound(values: readonly number[], target: number): number {
  let low = 0;
  let high = values.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((values[mid] as number) < target) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** The first index whose value is > target (the length when none). */
export function upperBound(values: readonly number[], target: number): number {
  let low = 0;
  let high = values.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((values[mid] as number) <= target) low = mid + 1;
    else high = mid;
  }
  return low;
}
