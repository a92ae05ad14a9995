import type { RfmBoundaries, RfmFeatures } from './rfm-boundaries.js';
import { scoreRfmDimension } from './score-rfm-dimension.js';

export interface RfmScore {
  /** 1..buckets each; buckets is the best (most recent, most orders, most money). */
  readonly r: number;
  readonly f: number;
  readonly m: number;
  /** "543": r, f, m as digits; with 10 buckets joined by '-' ("10-9-3") so it stays unambiguous. */
  readonly score: string;
  /** (f + m) / 2 on the same 1..buckets scale; may end in .5. */
  readonly fm: number;
  /** The bucket count the scores are on (nameRfmSegment rescales to 1..5 with it). */
  readonly buckets: number;
}

/**
 * Scores one profile against fitted boundaries; cheap enough for every event (3·(B-1) comparisons).
 * Null when the profile is not scored: no order while the fit was onlyCustomers, or an empty fit
 * (nobody to compare with). Without onlyCustomers a profile with no order scores R = 1.
 * Non-finite features are a bug upstream and throw.
 */
export function scoreRfm(features: RfmFeatures, boundaries: RfmBoundaries): RfmScore | null {
  const recencyDays = features[boundaries.recencyFrom];
  if (boundaries.populationSize === 0) return null;
  if (recencyDays === null && boundaries.onlyCustomers) return null;
  for (const [field, value] of [
    ['recencyDays', recencyDays ?? 0],
    ['frequency', features.frequency],
    ['monetary', features.monetary],
  ] as const) {
    if (!Number.isFinite(value)) throw new RangeError(`${field} must be finite, got ${String(value)}`);
  }
  const r = recencyDays === null ? 1 : scoreRfmDimension(recencyDays, boundaries.recency);
  const f = scoreRfmDimension(features.frequency, boundaries.frequency);
  const m = scoreRfmDimension(features.monetary, boundaries.monetary);
  const separator = boundaries.buckets > 9 ? '-' : '';
  return { r, f, m, score: [r, f, m].join(separator), fm: (f + m) / 2, buckets: boundaries.buckets };
}
