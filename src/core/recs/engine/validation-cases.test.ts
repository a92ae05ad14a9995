import { describe, expect, it } from 'vitest';
import { createRng } from '../../shared/rng.js';
import { hitsAtK, ndcgAtK } from '../metrics.js';
import { blendScores, collectStrategies, topBlended } from './blend.js';
import { fitComponents, DEFAULT_TRAINING } from './fit-components.js';
import type { InteractionRow } from './log-from-rows.js';
import { logFromRows } from './log-from-rows.js';
import { historyFromLog, userContext } from './recs-context.js';
import type { StrategyWeights } from './recs-model.js';
import { STRATEGIES } from './recs-model.js';
import { popularList } from './train-recommender.js';
import { K, evaluateCases, validationCase } from './validation-cases.js';
import { userRuns } from '../interaction-log.js';

describe('the weight search scores a weight vector exactly as the ranker ranks', () => {
  it('matches blendScores + topBlended on random weights, with and without the time factor', () => {
    const rng = createRng(5);
    const rows: InteractionRow[] = [];
    const t0 = Date.UTC(2026, 0, 1);
    for (let u = 0; u < 80; u++) {
      for (let e = 0; e < 25; e++) {
        const item = `i${Math.floor(rng.next() ** 2 * 60)}`;
        const kind = rng.next() < 0.5 ? 'view' : 'purchase';
        rows.push({ user: `u${u}`, item, kind, atMs: t0 + Math.floor(rng.next() * 60) * 86_400_000 + Math.floor(rng.next() * 24) * 3_600_000 });
      }
    }
    const log = logFromRows(rows);
    const fromMs = t0 + 45 * 86_400_000;
    const components = fitComponents(log, log.items.map(() => null), new Map(), fromMs, { ...DEFAULT_TRAINING, easeLambdas: [10] });
    const model = { ...components, items: log.items };
    const popular = popularList(components.popularity);
    const all = Object.fromEntries(STRATEGIES.map((s) => [s, 1])) as unknown as StrategyWeights;
    const runs = userRuns(log);
    const prepared = log.users.map((_, u) => {
      const ctx = userContext(historyFromLog(log, { start: runs[u] as number, end: runs[u + 1] as number }, fromMs), fromMs);
      const relevant = new Set<number>();
      for (let r = runs[u] as number; r < (runs[u + 1] as number); r++) if ((log.atMs[r] as number) >= fromMs) relevant.add(log.item[r] as number);
      const collected = collectStrategies(model, ctx, all, popular);
      return { ctx, relevant, collected, fast: validationCase(model, ctx, relevant, collected, components.timeContext) };
    });
    for (let trial = 0; trial < 20; trial++) {
      const weights = Object.fromEntries(STRATEGIES.map((s) => [s, rng.next() < 0.3 ? 0 : Math.round(rng.next() * 20) / 10])) as unknown as StrategyWeights;
      for (const useTime of [false, true]) {
        let hits = 0;
        let ndcg = 0;
        for (const p of prepared) {
          const top = topBlended(model, p.ctx, blendScores(p.collected, weights, useTime ? components.timeContext : null, fromMs), K);
          if (hitsAtK(top, p.relevant, K) > 0) hits++;
          ndcg += ndcgAtK(top, p.relevant, K);
        }
        const fast = evaluateCases(prepared.map((p) => p.fast), weights, useTime);
        expect(fast.hitRate).toBeCloseTo(hits / prepared.length, 12);
        expect(fast.ndcg).toBeCloseTo(ndcg / prepared.length, 12);
      }
    }
  });
});
