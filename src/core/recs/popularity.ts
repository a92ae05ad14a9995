import type { InteractionMatrix } from './interactions.js';
import { topK, userItems } from './interactions.js';

/** Most-popular recommender: items ranked by their number of training users, ties by ascending index. */
export interface PopularityModel {
  readonly counts: Float64Array;
}

export function fitPopularity(x: InteractionMatrix): PopularityModel {
  const counts = new Float64Array(x.nItems);
  for (const i of x.colIdx) counts[i] = (counts[i] ?? 0) + 1;
  return { counts };
}

/** The top k items for user u, excluding the user's training items (u may be out of range: no exclusions). */
export function recommendPopular(model: PopularityModel, x: InteractionMatrix, u: number, k: number): number[] {
  const seen = u >= 0 && u < x.nUsers ? userItems(x, u) : new Int32Array(0);
  return topK(model.counts, k, seen);
}
