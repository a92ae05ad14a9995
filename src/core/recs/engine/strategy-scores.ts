import type { ItemNeighbours } from '../item-neighbours.js';
import type { RepeatProfile } from '../repeat-purchase.js';
import { repeatDueScore } from '../repeat-purchase.js';
import type { RecsContext } from './recs-context.js';
import type { SegmentPopularity, Strategy } from './recs-model.js';

/** The parts of a trained recommender the ranker reads (a RecsModel, or validation components). */
export interface RankerModel {
  readonly items: readonly string[];
  readonly personal: ItemNeighbours;
  readonly alsoBought: ItemNeighbours;
  readonly alsoViewed: ItemNeighbours;
  readonly nextItem: ItemNeighbours;
  readonly content: ItemNeighbours;
  readonly repeat: ReadonlyMap<number, RepeatProfile>;
  readonly segmentPopularity: ReadonlyMap<string, SegmentPopularity>;
}

/** The most popular items now, best first (the trained popularity plus live events). */
export interface PopularList {
  readonly items: ArrayLike<number>;
  readonly scores: ArrayLike<number>;
}

/** One candidate of one strategy: its score and the anchor (item, or segment) that put it there. */
export interface Candidate {
  score: number;
  /** The item that explains it (−1 when none). */
  because: number;
  /** For segment popularity: the segment; for repeat: the interval in days. */
  note: string | null;
  /** The largest single contribution so far (which anchor explains the candidate best). */
  best: number;
}

export type StrategyScores = Map<number, Candidate>;

/** Segment popularity only counts where the segment really differs from everyone (lift above this). */
export const SEGMENT_MIN_LIFT = 1.2;
/** Items taken from each popularity list. */
export const POPULAR_CANDIDATES = 200;
/** Session items weigh less the further back they are (the last viewed counts most). */
const SESSION_DECAY = 0.5;

/** Candidates of one strategy for one context (sparse: only items that some anchor reaches). */
export function scoreStrategy(model: RankerModel, strategy: Strategy, ctx: RecsContext, popular: PopularList): StrategyScores {
  switch (strategy) {
    case 'personal':
      return spread(model.personal, ctx.history.map((item) => ({ item, weight: 1 })));
    case 'session': {
      const n = ctx.session.length;
      return spread(model.nextItem, ctx.session.map((item, t) => ({ item, weight: SESSION_DECAY ** (n - 1 - t) })));
    }
    case 'also_bought':
      return spread(model.alsoBought, ctx.boughtAnchors.map((item) => ({ item, weight: 1 })));
    case 'also_viewed':
      return spread(model.alsoViewed, ctx.viewedAnchors.map((item) => ({ item, weight: 1 })));
    case 'content':
      return spread(model.content, ctx.contentAnchors.map((item) => ({ item, weight: 1 })));
    case 'repeat':
      return repeatCandidates(model, ctx);
    case 'segment_popular':
      return segmentCandidates(model, ctx);
    case 'popular': {
      const out: StrategyScores = new Map();
      const n = Math.min(popular.items.length, POPULAR_CANDIDATES);
      for (let t = 0; t < n; t++) {
        const score = popular.scores[t] as number;
        if (score > 0) out.set(popular.items[t] as number, { score, because: -1, note: null, best: score });
      }
      return out;
    }
  }
}

/** Σ over anchors of weight · neighbour weight, remembering the anchor with the largest share. */
function spread(model: ItemNeighbours, anchors: readonly { readonly item: number; readonly weight: number }[]): StrategyScores {
  const out: StrategyScores = new Map();
  for (const { item, weight } of anchors) {
    if (!(item >= 0 && item < model.nItems) || !(weight > 0)) continue;
    const end = model.nbrPtr[item + 1] as number;
    for (let e = model.nbrPtr[item] as number; e < end; e++) {
      const sim = model.nbrSim[e] as number;
      if (!(sim > 0)) continue;
      const j = model.nbrIdx[e] as number;
      const add = weight * sim;
      const held = out.get(j);
      if (held === undefined) out.set(j, { score: add, because: item, note: null, best: add });
      else {
        held.score += add;
        if (add > held.best) {
          held.best = add;
          held.because = item;
        }
      }
    }
  }
  return out;
}

function repeatCandidates(model: RankerModel, ctx: RecsContext): StrategyScores {
  const out: StrategyScores = new Map();
  for (const [item, fact] of ctx.purchases) {
    const profile = model.repeat.get(item);
    if (profile === undefined) continue;
    const score = repeatDueScore(profile, fact.lastMs, ctx.atMs);
    if (score > 0) out.set(item, { score, because: item, note: String(Math.round(profile.medianIntervalDays)), best: score });
  }
  return out;
}

/** Popular items of the user's segments, weighted by how much more popular they are there (lift). */
function segmentCandidates(model: RankerModel, ctx: RecsContext): StrategyScores {
  const out: StrategyScores = new Map();
  for (const segment of ctx.segments) {
    const popular = model.segmentPopularity.get(segment);
    if (popular === undefined) continue;
    const top = popular.scores[0] as number;
    if (!(top > 0)) continue;
    for (let t = 0; t < popular.items.length; t++) {
      const lift = popular.lift[t] as number;
      if (!(lift >= SEGMENT_MIN_LIFT)) continue;
      const item = popular.items[t] as number;
      const score = ((popular.scores[t] as number) / top) * Math.log(lift);
      const held = out.get(item);
      if (held === undefined || score > held.best) out.set(item, { score, because: -1, note: segment, best: score });
    }
  }
  return out;
}
