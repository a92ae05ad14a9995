import { userRuns } from '../interaction-log.js';
import type { InteractionLog } from '../interaction-log.js';
import type { RatingRow } from '../protocol.js';
import { logFromRows } from './log-from-rows.js';
import { defaultPlacement } from './placement.js';
import { rankRecommendations } from './rank.js';
import { historyFromLog, userContext } from './recs-context.js';
import type { RecsModel } from './recs-model.js';
import { indexItems } from './recs-model.js';
import type { RecsTrainingInput } from './train-recommender.js';
import { popularList, trainRecommender } from './train-recommender.js';

/** The product's recommender trained on a ratings file, ranking as the server does. */
export interface ServedRanker {
  readonly model: RecsModel;
  readonly trainSeconds: number;
  /** Top k item ids for a user id of the training ratings (the user's training items excluded). */
  recommend(userId: number, k: number): number[];
}

/**
 * Trains the served recommender on rating rows (every rating an interaction, as the protocol
 * reads them: a purchase at its timestamp, in seconds) and ranks with the default placement, so
 * `attune eval recs` measures the blend users get next to the single algorithms.
 */
export function trainServedRanker(train: readonly RatingRow[], options: RecsTrainingInput['options'] = {}): ServedRanker {
  const started = performance.now();
  const log: InteractionLog = logFromRows(train.map((r) => ({ user: String(r.user), item: String(r.item), kind: 'purchase' as const, atMs: r.timestamp * 1000 })));
  let last = 0;
  for (const t of log.atMs) last = Math.max(last, t);
  const model = trainRecommender({ log, content: log.items.map(() => null), segments: new Map(), nowMs: last + 1, options });
  const trainSeconds = (performance.now() - started) / 1000;
  const itemIndex = indexItems(model.items);
  const userIndex = new Map(log.users.map((id, u) => [id, u]));
  const runs = userRuns(log);
  const popular = popularList(model.popularity);
  const placement = defaultPlacement();
  return {
    model,
    trainSeconds,
    recommend(userId, k) {
      const u = userIndex.get(String(userId));
      const history = u === undefined ? null : historyFromLog(log, { start: runs[u] as number, end: runs[u + 1] as number }, Number.POSITIVE_INFINITY);
      const ctx = userContext(history ?? { views: [], purchases: new Map(), cart: [], session: [], segments: [] }, last + 1);
      const out = rankRecommendations({ model, itemIndex, ctx, placement, count: k, personalized: true, popular, facts: () => null, segmentName: (key) => key });
      return out.items.map((r) => Number(model.items[r.item]));
    },
  };
}
