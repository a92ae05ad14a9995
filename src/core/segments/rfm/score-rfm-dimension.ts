import type { RfmDimensionBoundaries } from './rfm-boundaries.js';

/** Score 1..buckets of one value against fitted cut points (see RfmDimensionBoundaries). */
export function scoreRfmDimension(value: number, boundaries: RfmDimensionBoundaries): number {
  const higher = boundaries.betterWhen === 'higher';
  const best = boundaries.bestValue;
  // With nothing fitted (no customer had a recency yet) every value is better than all of them.
  const betterThanAll = best === null || (higher ? value > best : value < best);
  let score = 1;
  for (const edge of boundaries.edges) {
    if (edge === null ? betterThanAll : higher ? value >= edge : value <= edge) score++;
  }
  return score;
}
