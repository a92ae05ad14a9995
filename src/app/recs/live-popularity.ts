import { DEFAULT_POPULARITY_WEIGHTS, bumpPopularity } from '../../core/recs/decayed-popularity.js';
import type { EventInteraction } from '../../core/recs/engine/event-interactions.js';
import type { RecsModel } from '../../core/recs/engine/recs-model.js';
import type { PopularList } from '../../core/recs/engine/strategy-scores.js';
import { popularList } from '../../core/recs/engine/train-recommender.js';

/** The popular list is rebuilt from the live vector at most this often (it is a sort of every item). */
const REFRESH_MS = 1_000;

/**
 * Popularity that moves with every event: the trained, time-decayed vector plus each interaction
 * since, weighted by kind and by time like the training did. Items the model does not know yet
 * (new products) are not ranked here until the next training, which will know them.
 */
export class LivePopularity {
  private readonly scores: Float64Array;
  private readonly model: RecsModel;
  private readonly index: ReadonlyMap<string, number>;
  private cached: PopularList;
  private dirty = false;
  private builtAtMs = 0;

  constructor(model: RecsModel, index: ReadonlyMap<string, number>) {
    this.model = model;
    this.index = index;
    this.scores = Float64Array.from(model.popularity);
    this.cached = popularList(this.scores);
  }

  add(interactions: readonly EventInteraction[], atMs: number): void {
    for (const { item, kind } of interactions) {
      const i = this.index.get(item);
      if (i === undefined) continue;
      bumpPopularity(this.scores, i, DEFAULT_POPULARITY_WEIGHTS[kind], atMs, this.model.popularityAtMs, this.model.popularityHalfLifeDays);
      this.dirty = true;
    }
  }

  list(nowMs: number): PopularList {
    if (this.dirty && nowMs - this.builtAtMs >= REFRESH_MS) {
      this.cached = popularList(this.scores);
      this.dirty = false;
      this.builtAtMs = nowMs;
    }
    return this.cached;
  }
}
