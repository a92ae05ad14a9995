import type { ContentItem } from '../content-similarity.js';
import { userRuns } from '../interaction-log.js';
import { hitsAtK, ndcgAtK, precisionAtK, recallAtK } from '../metrics.js';
import type { InteractionRow } from './log-from-rows.js';
import { logFromRows } from './log-from-rows.js';
import type { Placement } from './placement.js';
import { defaultPlacement } from './placement.js';
import type { ItemFacts } from './rank.js';
import { rankRecommendations } from './rank.js';
import { historyFromLog, userContext } from './recs-context.js';
import type { RecsContext } from './recs-context.js';
import type { RecsTrainingReport, Strategy } from './recs-model.js';
import { STRATEGIES, indexItems } from './recs-model.js';
import type { RecsTrainingInput } from './train-recommender.js';
import { popularList, trainRecommender } from './train-recommender.js';

/**
 * Strategies measured one at a time: those a log replay can feed (session and segment popularity
 * need a live session and segment memberships, which a purchase log does not carry).
 */
export const SINGLE_STRATEGIES: readonly Strategy[] = ['personal', 'also_bought', 'also_viewed', 'content', 'repeat', 'popular'];

export interface NextPurchaseOptions {
  /** Training sees rows strictly before it; purchases at or after it are the targets. */
  readonly cutoffMs: number;
  /** List length measured (default 10). */
  readonly k?: number;
  /** Seed of every seeded training step (default: the training default). */
  readonly seed?: number;
  readonly trainingOptions?: RecsTrainingInput['options'];
  /** Catalog facts by item id (only items seen in training are given to the model). */
  readonly catalog?: ReadonlyMap<string, ContentItem>;
  readonly onProgress?: (step: string) => void;
}

/** Top-k quality of one ranker over the evaluated users. */
export interface NextPurchaseMetrics {
  readonly users: number;
  /** Share of users with at least one relevant item in their top k. */
  readonly hitRate: number;
  readonly ndcg: number;
  readonly precision: number;
  readonly recall: number;
  /** Distinct items recommended to these users / items the model knows. */
  readonly coverage: number;
}

export interface NextPurchaseEvaluation {
  readonly cutoffMs: number;
  readonly k: number;
  readonly trainRows: number;
  /** Purchase rows at or after the cutoff (of every user, evaluated or not). */
  readonly testPurchases: number;
  readonly trainUsers: number;
  readonly trainItems: number;
  /** Users with history before the cutoff and a purchase from then on. */
  readonly usersEvaluated: number;
  /** Users whose purchases after the cutoff were all of items the model never saw (always misses). */
  readonly usersOnlyUnseenItems: number;
  /** Share of the (user, item) targets whose item never appears in training. */
  readonly unseenTargetShare: number;
  /** Share of the (user, item) targets the user had already bought before the cutoff. */
  readonly repurchaseTargetShare: number;
  readonly trainingMs: number;
  readonly report: RecsTrainingReport;
  /** Every item bought after the cutoff is relevant (repurchases included). */
  readonly all: {
    readonly blend: NextPurchaseMetrics;
    readonly popularity: NextPurchaseMetrics;
    /** Each strategy alone, no fallbacks (a strategy with few candidates shows fewer than k items). */
    readonly strategies: Readonly<Partial<Record<Strategy, NextPurchaseMetrics>>>;
  };
  /** Discovery: only items the user had not bought before the cutoff are relevant (users left with none are skipped). */
  readonly newItems: {
    readonly blend: NextPurchaseMetrics;
    /** The blend with repeat purchases weighted 0 (a discovery placement). */
    readonly discovery: NextPurchaseMetrics;
    readonly popularity: NextPurchaseMetrics;
  };
}

const ZERO_WEIGHTS = Object.fromEntries(STRATEGIES.map((s) => [s, 0])) as Record<Strategy, number>;

/**
 * The recommender as served, measured on a time split: trained (weights learned on the last part of
 * the training window) on the rows before the cutoff as of the cutoff, then every user with history
 * and a later purchase gets the serving ranker's home-page list (default placement, personalized)
 * and is scored against what they bought from the cutoff on. Items first sold after the cutoff stay
 * relevant and can only be misses. Popularity alone and each strategy alone go through the same
 * ranker and the same bought-item rule, with only their weight set.
 */
export function evaluateNextPurchase(rows: readonly InteractionRow[], options: NextPurchaseOptions): NextPurchaseEvaluation {
  const { cutoffMs } = options;
  const k = options.k ?? 10;
  const trainRowsList = rows.filter((r) => r.atMs < cutoffMs);
  const testRowsList = rows.filter((r) => r.atMs >= cutoffMs && r.kind === 'purchase');
  const log = logFromRows(trainRowsList);
  // Only items sold before the cutoff enter the model: a later catalog would leak what is launched next.
  const content = log.items.map((id) => options.catalog?.get(id) ?? null);
  options.onProgress?.(`training on ${trainRowsList.length} rows before the cutoff`);
  const model = trainRecommender({
    log,
    content,
    segments: new Map(),
    nowMs: cutoffMs,
    options: { learnWeights: true, ...options.trainingOptions, ...(options.seed === undefined ? {} : { seed: options.seed }) },
    ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
  });
  const itemIndex = indexItems(model.items);
  const userIndex = new Map(log.users.map((id, u) => [id, u]));

  // Targets: per training user, the items bought from the cutoff on; unseen items get their own negative index.
  const unseen = new Map<string, number>();
  const targets = new Map<number, Set<number>>();
  for (const row of testRowsList) {
    const u = userIndex.get(row.user);
    if (u === undefined) continue;
    let item = itemIndex.get(row.item);
    if (item === undefined) {
      item = unseen.get(row.item) ?? -1 - unseen.size;
      unseen.set(row.item, item);
    }
    let set = targets.get(u);
    if (set === undefined) targets.set(u, (set = new Set()));
    set.add(item);
  }

  const popular = popularList(model.popularity);
  const facts = (item: number): ItemFacts | null => {
    const c = options.catalog?.get(model.items[item] ?? '');
    return c === undefined ? null : { name: c.name, category: c.category, price: c.price, stock: null };
  };
  const base = defaultPlacement();
  const alone = (strategy: Strategy, fallbacks: Placement['fallbacks']): Placement => ({ ...base, weights: { ...ZERO_WEIGHTS, [strategy]: 1 }, fallbacks });
  const rankers: { readonly name: string; readonly placement: Placement }[] = [
    { name: 'blend', placement: base },
    // A discovery placement: the learned blend without repeat purchases (what "new to you" pages use).
    { name: 'discovery', placement: { ...base, weights: { repeat: 0 } } },
    { name: 'popularity', placement: alone('popular', base.fallbacks) },
    ...SINGLE_STRATEGIES.map((s) => ({ name: `strategy:${s}`, placement: alone(s, []) })),
  ];
  const acc = new Map(rankers.map((r) => [r.name, new Accumulator(k)]));
  const accNew = { blend: new Accumulator(k), discovery: new Accumulator(k), popularity: new Accumulator(k) };

  const runs = userRuns(log);
  let usersOnlyUnseenItems = 0;
  let targetPairs = 0;
  let unseenPairs = 0;
  let repurchasePairs = 0;
  const users = [...targets.keys()].sort((a, b) => a - b);
  options.onProgress?.(`ranking for ${users.length} users`);
  for (const u of users) {
    const relevant = targets.get(u) as Set<number>;
    const ctx: RecsContext = userContext(historyFromLog(log, { start: runs[u] as number, end: runs[u + 1] as number }, cutoffMs), cutoffMs);
    const fresh = new Set([...relevant].filter((i) => !ctx.purchases.has(i)));
    targetPairs += relevant.size;
    let unseenHere = 0;
    for (const i of relevant) if (i < 0) unseenHere++;
    unseenPairs += unseenHere;
    repurchasePairs += relevant.size - fresh.size;
    if (unseenHere === relevant.size) usersOnlyUnseenItems++;
    for (const ranker of rankers) {
      const out = rankRecommendations({
        model,
        itemIndex,
        ctx,
        placement: ranker.placement,
        count: k,
        personalized: true,
        popular,
        facts,
        segmentName: (key) => key,
      });
      const list = out.items.map((r) => r.item);
      acc.get(ranker.name)?.add(list, relevant);
      if (fresh.size > 0 && ranker.name === 'blend') accNew.blend.add(list, fresh);
      if (fresh.size > 0 && ranker.name === 'discovery') accNew.discovery.add(list, fresh);
      if (fresh.size > 0 && ranker.name === 'popularity') accNew.popularity.add(list, fresh);
    }
  }
  const nItems = model.items.length;
  const result = (name: string): NextPurchaseMetrics => (acc.get(name) as Accumulator).metrics(nItems);
  const strategies: Partial<Record<Strategy, NextPurchaseMetrics>> = {};
  for (const s of SINGLE_STRATEGIES) strategies[s] = result(`strategy:${s}`);
  return {
    cutoffMs,
    k,
    trainRows: trainRowsList.length,
    testPurchases: testRowsList.length,
    trainUsers: log.users.length,
    trainItems: nItems,
    usersEvaluated: users.length,
    usersOnlyUnseenItems,
    unseenTargetShare: targetPairs === 0 ? 0 : unseenPairs / targetPairs,
    repurchaseTargetShare: targetPairs === 0 ? 0 : repurchasePairs / targetPairs,
    trainingMs: model.report.timings['total'] ?? 0,
    report: model.report,
    all: { blend: result('blend'), popularity: result('popularity'), strategies },
    newItems: { blend: accNew.blend.metrics(nItems), discovery: accNew.discovery.metrics(nItems), popularity: accNew.popularity.metrics(nItems) },
  };
}

class Accumulator {
  private users = 0;
  private hits = 0;
  private ndcg = 0;
  private precision = 0;
  private recall = 0;
  private readonly distinct = new Set<number>();
  private readonly k: number;

  constructor(k: number) {
    this.k = k;
  }

  add(list: readonly number[], relevant: ReadonlySet<number>): void {
    const k = this.k;
    this.users++;
    if (hitsAtK(list, relevant, k) > 0) this.hits++;
    this.ndcg += ndcgAtK(list, relevant, k);
    this.precision += precisionAtK(list, relevant, k);
    this.recall += recallAtK(list, relevant, k);
    for (const item of list.slice(0, k)) this.distinct.add(item);
  }

  metrics(catalogueSize: number): NextPurchaseMetrics {
    const avg = (s: number): number => (this.users === 0 ? 0 : s / this.users);
    return {
      users: this.users,
      hitRate: avg(this.hits),
      ndcg: avg(this.ndcg),
      precision: avg(this.precision),
      recall: avg(this.recall),
      coverage: catalogueSize > 0 ? this.distinct.size / catalogueSize : 0,
    };
  }
}
