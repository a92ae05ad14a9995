import type { ItemNeighbours } from '../item-neighbours.js';
import type { PersonalModel } from './personal-model.js';
import { compactIndex, personalAffinity, personalScores } from './personal-model.js';
import { isDue, repeatDueScore } from '../repeat-purchase.js';
import type { RecsContext } from './recs-context.js';
import type { RecsRelations, Strategy } from './recs-model.js';

/** The parts of a trained recommender the ranker reads (a RecsModel, or validation components). */
export interface RankerModel extends Omit<RecsRelations, 'timeContext'> {
  readonly items: readonly string[];
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
      return personalCandidates(model.personal, ctx.history, (item) => !ctx.purchases.has(item) || dueAgain(model, ctx, item));
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

/** Personal candidates per call: the best-scored items outside the history. */
export const PERSONAL_CANDIDATES = 200;
/** The latest history items a personal reason may point at. */
const REASON_ANCHORS = 50;
let scratch = new Float64Array(0);

/**
 * The person's scores over every item of the collaborative model, the best PERSONAL_CANDIDATES
 * positive ones kept. Items the rules would drop anyway (bought and not due again) do not take a
 * slot, so a long purchase history does not crowd the candidates out; viewed items stay
 * candidates. Which history item explains a candidate is worked out only for the items shown
 * (explainPersonal), not for every candidate.
 */
function personalCandidates(model: PersonalModel, history: readonly number[], mayShow: (item: number) => boolean): StrategyScores {
  const out: StrategyScores = new Map();
  if (model.kind === 'none' || history.length === 0) return out;
  const index = compactIndex(model);
  const own: number[] = [];
  for (const item of history) {
    const c = index.get(item);
    if (c !== undefined) own.push(c);
  }
  if (own.length === 0) return out;
  if (scratch.length < model.nItems) scratch = new Float64Array(model.nItems);
  personalScores(model, own, scratch);
  for (const c of own) if (!mayShow(model.items[c] as number)) scratch[c] = Number.NEGATIVE_INFINITY;
  for (const c of topPositive(scratch, model.nItems, PERSONAL_CANDIDATES)) {
    const score = scratch[c] as number;
    out.set(model.items[c] as number, { score, because: -1, note: null, best: score });
  }
  return out;
}

/**
 * The history item that speaks most for `item` in the personal model (largest EASE weight, or
 * factor affinity for ALS), among the first REASON_ANCHORS of the history (the most recent); −1
 * when none does.
 */
export function explainPersonal(model: PersonalModel, history: readonly number[], item: number): number {
  if (model.kind === 'none') return -1;
  const index = compactIndex(model);
  const target = index.get(item);
  if (target === undefined) return -1;
  let because = -1;
  let best = Number.NEGATIVE_INFINITY;
  for (const a of history.slice(0, REASON_ANCHORS)) {
    const c = index.get(a);
    if (c === undefined || a === item) continue;
    const affinity = personalAffinity(model, c, target);
    if (affinity > best) {
      best = affinity;
      because = a;
    }
  }
  return because;
}

/** Indices of the (at most) k largest positive values of scores[0..n), best first. */
function topPositive(scores: Float64Array, n: number, k: number): number[] {
  const top: number[] = [];
  for (let j = 0; j < n; j++) {
    const v = scores[j] as number;
    if (!(v > 0)) continue;
    if (top.length === k && !(v > (scores[top[k - 1] as number] as number))) continue;
    let at = top.length < k ? top.length : k - 1;
    if (top.length < k) top.push(j);
    while (at > 0 && v > (scores[top[at - 1] as number] as number)) {
      top[at] = top[at - 1] as number;
      at--;
    }
    top[at] = j;
  }
  return top;
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

/** A bought item that is replenishable and due again (the bought-item rule lets it through). */
export function dueAgain(model: RankerModel, ctx: RecsContext, item: number): boolean {
  const fact = ctx.purchases.get(item);
  const profile = model.repeat.get(item);
  return fact !== undefined && profile !== undefined && isDue(profile, fact.lastMs, ctx.atMs);
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
