import type { TimeContextModel } from '../time-context.js';
import { timeFactor } from '../time-context.js';
import type { RecsContext } from './recs-context.js';
import type { Strategy, StrategyWeights } from './recs-model.js';
import { STRATEGIES } from './recs-model.js';
import type { Candidate, PopularList, RankerModel, StrategyScores } from './strategy-scores.js';
import { dueAgain, scoreStrategy } from './strategy-scores.js';

/** One strategy's candidates with their best score (scores are divided by it: 0..1 per strategy). */
export interface CollectedStrategy {
  readonly strategy: Strategy;
  readonly scores: StrategyScores;
  readonly max: number;
}

/**
 * Candidates of every strategy with a positive weight. Each strategy's scores live on their own
 * scale (a sum of EASE weights, a popularity, a due score), so the blend divides each by its best
 * before weighting: a weight then says how much a strategy's best candidate is worth.
 */
export function collectStrategies(model: RankerModel, ctx: RecsContext, weights: StrategyWeights, popular: PopularList): CollectedStrategy[] {
  const out: CollectedStrategy[] = [];
  for (const strategy of STRATEGIES) {
    if (!(weights[strategy] > 0)) continue;
    const scores = scoreStrategy(model, strategy, ctx, popular);
    let max = 0;
    for (const c of scores.values()) if (c.score > max) max = c.score;
    if (max > 0) out.push({ strategy, scores, max });
  }
  return out;
}

/** One strategy's part in an item's blended score. */
export interface Contribution {
  readonly strategy: Strategy;
  readonly value: number;
  readonly candidate: Candidate;
}

export interface BlendedItem {
  readonly item: number;
  score: number;
  readonly parts: Contribution[];
}

/** Σ weight · (score / strategy max) per item, times the time-of-day/day-of-week factor where it is used. */
export function blendScores(
  collected: readonly CollectedStrategy[],
  weights: StrategyWeights,
  timeContext: TimeContextModel | null,
  atMs: number,
): Map<number, BlendedItem> {
  const out = new Map<number, BlendedItem>();
  for (const { strategy, scores, max } of collected) {
    const w = weights[strategy];
    if (!(w > 0)) continue;
    for (const [item, candidate] of scores) {
      const value = (w * candidate.score) / max;
      const held = out.get(item);
      if (held === undefined) out.set(item, { item, score: value, parts: [{ strategy, value, candidate }] });
      else {
        held.score += value;
        held.parts.push({ strategy, value, candidate });
      }
    }
  }
  if (timeContext !== null && (timeContext.hour !== null || timeContext.day !== null)) {
    for (const blended of out.values()) blended.score *= timeFactor(timeContext, blended.item, atMs);
  }
  return out;
}

/**
 * Whether a bought item may be shown again: only a replenishable one whose next purchase is due
 * (repeat-purchase awareness); the exclusion reads the live profile, so it holds from the order on.
 */
export function boughtItemAllowed(model: RankerModel, ctx: RecsContext, item: number): boolean {
  return !ctx.purchases.has(item) || dueAgain(model, ctx, item);
}

/** Best first; ties by ascending item index (stable across runs). */
export function byScore(a: BlendedItem, b: BlendedItem): number {
  return b.score - a.score || a.item - b.item;
}

/** The top k of a blend under the bought-item rule only: what validation and evaluation measure. */
export function topBlended(model: RankerModel, ctx: RecsContext, blended: ReadonlyMap<number, BlendedItem>, k: number, excludePurchased = true): number[] {
  const eligible: BlendedItem[] = [];
  for (const b of blended.values()) {
    if (ctx.exclude.has(b.item)) continue;
    if (excludePurchased && !boughtItemAllowed(model, ctx, b.item)) continue;
    eligible.push(b);
  }
  return eligible.sort(byScore).slice(0, k).map((b) => b.item);
}
