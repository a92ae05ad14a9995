import { hitsAtK, ndcgAtK } from '../metrics.js';
import type { TimeContextModel } from '../time-context.js';
import { timeFactor } from '../time-context.js';
import type { CollectedStrategy } from './blend.js';
import { blendScores, topBlended } from './blend.js';
import type { RecsContext } from './recs-context.js';
import type { StrategyWeights } from './recs-model.js';
import { STRATEGIES } from './recs-model.js';
import type { RankerModel } from './strategy-scores.js';

/** Lists are measured at this depth. */
export const K = 10;

/**
 * One validation user, prepared once for the weight search: the candidates they may be shown (the
 * bought-item rule applied; it does not depend on weights), each strategy's normalized score per
 * candidate, and the time factor. A weight vector is then scored with one pass of multiply-adds.
 */
export interface ValidationCase {
  /** Ascending item indices. */
  readonly items: Int32Array;
  /** items.length x STRATEGIES.length: score / strategy max (0: not a candidate of that strategy). */
  readonly parts: Float64Array;
  readonly timeFactors: Float64Array;
  readonly relevant: ReadonlySet<number>;
}

export function validationCase(model: RankerModel, ctx: RecsContext, relevant: ReadonlySet<number>, collected: readonly CollectedStrategy[], time: TimeContextModel): ValidationCase {
  const blended = blendScores(collected, Object.fromEntries(STRATEGIES.map((st) => [st, 1])) as unknown as StrategyWeights, null, ctx.atMs);
  const eligible = topBlended(model, ctx, blended, blended.size).sort((a, b) => a - b);
  const S = STRATEGIES.length;
  const parts = new Float64Array(eligible.length * S);
  const timeFactors = new Float64Array(eligible.length);
  eligible.forEach((item, j) => {
    for (const { strategy, scores, max } of collected) {
      const candidate = scores.get(item);
      if (candidate !== undefined) parts[j * S + STRATEGIES.indexOf(strategy)] = candidate.score / max;
    }
    timeFactors[j] = timeFactor(time, item, ctx.atMs);
  });
  return { items: Int32Array.from(eligible), parts, timeFactors, relevant };
}

/** Hit rate and NDCG@K of a weight vector: the same ranking as blendScores + topBlended (ties by index). */
export function evaluateCases(cases: readonly ValidationCase[], weights: StrategyWeights, useTime: boolean): { hitRate: number; ndcg: number } {
  const S = STRATEGIES.length;
  const w = Float64Array.from(STRATEGIES.map((st) => weights[st]));
  const topItems = new Int32Array(K);
  const topScores = new Float64Array(K);
  let hits = 0;
  let ndcg = 0;
  for (const c of cases) {
    let n = 0;
    for (let j = 0; j < c.items.length; j++) {
      let score = 0;
      let present = false;
      for (let st = 0; st < S; st++) {
        const part = c.parts[j * S + st] as number;
        const ws = w[st] as number;
        if (part > 0 && ws > 0) {
          score += ws * part;
          present = true;
        }
      }
      if (!present) continue;
      if (useTime) score *= c.timeFactors[j] as number;
      // Insert into the best K (items arrive in ascending index, so an equal score stays behind).
      if (n === K && !(score > (topScores[K - 1] as number))) continue;
      let at = n < K ? n++ : K - 1;
      while (at > 0 && score > (topScores[at - 1] as number)) {
        topScores[at] = topScores[at - 1] as number;
        topItems[at] = topItems[at - 1] as number;
        at--;
      }
      topScores[at] = score;
      topItems[at] = c.items[j] as number;
    }
    const top = Array.from(topItems.subarray(0, n));
    if (hitsAtK(top, c.relevant, K) > 0) hits++;
    ndcg += ndcgAtK(top, c.relevant, K);
  }
  return { hitRate: hits / cases.length, ndcg: ndcg / cases.length };
}

