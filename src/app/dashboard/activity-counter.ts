import type { EpochMs } from '../../core/shared/time.js';

/**
 * Counts of something over a sliding window, in a ring of fixed buckets (events ingested per second,
 * decisions per minute): O(1) to add, O(buckets) to sum, no growth. In memory only: after a restart
 * the window starts empty.
 */
export class ActivityCounter {
  readonly #bucketMs: number;
  readonly #counts: Float64Array;
  /** The bucket number (time / bucketMs) each slot last counted, to recognise stale slots. */
  readonly #epochs: Float64Array;

  constructor(opts: { readonly bucketMs: number; readonly buckets: number }) {
    this.#bucketMs = opts.bucketMs;
    this.#counts = new Float64Array(opts.buckets);
    this.#epochs = new Float64Array(opts.buckets).fill(-1);
  }

  add(nowMs: EpochMs, n: number): void {
    if (n <= 0) return;
    const epoch = Math.floor(nowMs / this.#bucketMs);
    const slot = epoch % this.#counts.length;
    if (this.#epochs[slot] !== epoch) {
      this.#epochs[slot] = epoch;
      this.#counts[slot] = 0;
    }
    this.#counts[slot] = (this.#counts[slot] ?? 0) + n;
  }

  /** The total over the last `windowMs` (whole buckets, the current one included). */
  sum(nowMs: EpochMs, windowMs: number): number {
    const current = Math.floor(nowMs / this.#bucketMs);
    const span = Math.min(this.#counts.length, Math.max(1, Math.ceil(windowMs / this.#bucketMs)));
    let total = 0;
    for (let i = 0; i < this.#counts.length; i++) {
      const epoch = this.#epochs[i] ?? -1;
      if (epoch > current - span && epoch <= current) total += this.#counts[i] ?? 0;
    }
    return total;
  }
}
