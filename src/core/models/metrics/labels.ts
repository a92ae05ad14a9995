/** Checks a binary target and its scores: same length, labels 0 or 1, scores not NaN. Returns the positives. */
export function checkBinary(what: string, y: ArrayLike<number>, scores: ArrayLike<number>): number {
  if (y.length !== scores.length) throw new RangeError(`${what}: ${y.length} labels but ${scores.length} scores`);
  let positives = 0;
  for (let i = 0; i < y.length; i++) {
    const label = y[i];
    if (label !== 0 && label !== 1) throw new RangeError(`${what}: label ${i} is ${String(label)}, expected 0 or 1`);
    if (Number.isNaN(scores[i])) throw new RangeError(`${what}: score ${i} is NaN`);
    positives += label;
  }
  return positives;
}

/** Row indices ordered by score, descending (ascending when `ascending`); ties keep row order. */
export function orderByScore(scores: ArrayLike<number>, ascending = false): Int32Array {
  const order = Int32Array.from({ length: scores.length }, (_, i) => i);
  const sign = ascending ? 1 : -1;
  return order.sort((a, b) => sign * ((scores[a] ?? 0) - (scores[b] ?? 0)) || a - b);
}
