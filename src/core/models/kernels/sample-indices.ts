import type { Rng } from '../../shared/rng.js';

/** m distinct indices from [0, n), uniformly, in draw order (partial Fisher-Yates); m <= n. */
export function sampleWithoutReplacement(n: number, m: number, rng: Rng): Int32Array {
  const pool = new Int32Array(n);
  for (let i = 0; i < n; i++) pool[i] = i;
  for (let i = 0; i < m; i++) {
    const j = i + rng.nextInt(n - i);
    const t = pool[i]!;
    pool[i] = pool[j]!;
    pool[j] = t;
  }
  return pool.slice(0, m);
}

/** Fills out[0 .. m) with indices drawn uniformly from [0, n), with replacement. */
export function fillWithReplacement(out: Int32Array, m: number, n: number, rng: Rng): void {
  for (let i = 0; i < m; i++) out[i] = rng.nextInt(n);
}

/** counts[c] = how many of labels[0 .. n) equal c, for c in [0, k). */
export function countLabels(labels: Int32Array, n: number, k: number, counts: Float64Array): void {
  counts.fill(0, 0, k);
  for (let i = 0; i < n; i++) counts[labels[i]!]! += 1;
}
