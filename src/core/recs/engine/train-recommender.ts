import type { ContentItem } from '../content-similarity.js';
import type { InteractionLog } from '../interaction-log.js';
import { CART, PURCHASE, VIEW, filterLog, userRuns } from '../interaction-log.js';
import { collectStrategies } from './blend.js';
import { K, evaluateCases, validationCase } from './validation-cases.js';
import type { RecsTrainingOptions } from './fit-components.js';
import { DEFAULT_TRAINING, chooseEaseLambda, fitComponents } from './fit-components.js';
import { historyFromLog, userContext } from './recs-context.js';
import type { RecsModel, RecsValidation, Strategy, StrategyWeights } from './recs-model.js';
import { DEFAULT_WEIGHTS, STRATEGIES } from './recs-model.js';
import type { PopularList, RankerModel } from './strategy-scores.js';
import type { TimeContextModel, TimeEvidence } from '../time-context.js';
import { createRng } from '../../shared/rng.js';

export interface RecsTrainingInput {
  /** Items of the log include catalog items never interacted with (they get content neighbours). */
  readonly log: InteractionLog;
  /** Catalog facts per item index of the log (null: not in the catalog). */
  readonly content: readonly (ContentItem | null)[];
  /** Segment key -> dense user indices of its members. */
  readonly segments: ReadonlyMap<string, ReadonlySet<number>>;
  readonly nowMs: number;
  readonly options?: RecsTrainingOptions & {
    /** Learn blend weights on the last part of the training window (default true). */
    readonly learnWeights?: boolean;
    /** The validation window's share of the data's time span (default 0.1; at most 30 days). */
    readonly validationShare?: number;
    /** At most this many validation users (a deterministic spread), to bound training time. */
    readonly validationUsers?: number;
    /**
     * 'time' (default): the last stretch of the data, for live shops and time-split evaluations;
     * 'holdout': a seeded quarter of each user's items, for evaluations whose test split is not by time.
     */
    readonly validation?: 'time' | 'holdout';
  };
  readonly onProgress?: (step: string) => void;
}

/** Too few users with a next purchase to learn weights from: the defaults are kept. */
export const MIN_VALIDATION_USERS = 30;
/** Strategies whose weight validation can learn: session and segments need live context a log replay lacks. */
const LEARNABLE: readonly Strategy[] = ['personal', 'also_bought', 'also_viewed', 'content', 'repeat', 'popular'];
const GRID = [0, 0.05, 0.1, 0.25, 0.5, 1, 2];

/**
 * Trains the whole recommender of a workspace. The blend weights are learned on a time split of the
 * training data itself: every component is refitted on the interactions before the last stretch of
 * time, each user's next purchases in that stretch are the targets, and coordinate ascent over a
 * small grid chooses the weights with the best NDCG@10 (the test data of any evaluation is never
 * seen). Then every component is fitted again on all the data.
 */
export function trainRecommender(input: RecsTrainingInput): RecsModel {
  const started = performance.now();
  const requested = { ...DEFAULT_TRAINING, ...stripUndefined(input.options ?? {}) };
  const { log, nowMs } = input;
  input.onProgress?.('choosing the EASE regularization on a hold-out');
  const lambda = chooseEaseLambda(log, requested);
  const options = lambda === null ? requested : { ...requested, easeLambdas: [lambda] };
  const learnStarted = performance.now();
  const learned = input.options?.learnWeights === false ? null : learnWeights(input, options);
  const learnMs = Math.round(performance.now() - learnStarted);
  input.onProgress?.('fitting every component on all the data');
  const components = fitComponents(log, input.content, input.segments, nowMs, options);
  let dataUntilMs = 0;
  const interactions = { views: 0, carts: 0, purchases: 0 };
  const activeUsers = new Set<number>();
  for (let r = 0; r < log.user.length; r++) {
    dataUntilMs = Math.max(dataUntilMs, log.atMs[r] as number);
    activeUsers.add(log.user[r] as number);
    const kind = log.kind[r];
    if (kind === VIEW) interactions.views++;
    else if (kind === CART) interactions.carts++;
    else if (kind === PURCHASE) interactions.purchases++;
  }
  const weights = learned?.weights ?? DEFAULT_WEIGHTS;
  const timeContext = learned?.timeVerdict === undefined ? components.timeContext : gateTime(components.timeContext, learned.timeVerdict);
  return {
    trainedAtMs: nowMs,
    dataUntilMs,
    items: log.items,
    popularity: components.popularity,
    popularityAtMs: nowMs,
    popularityHalfLifeDays: options.popularityHalfLifeDays,
    segmentPopularity: components.segmentPopularity,
    personal: components.personal,
    alsoBought: components.alsoBought,
    alsoViewed: components.alsoViewed,
    nextItem: components.nextItem,
    content: components.content,
    repeat: components.repeat,
    timeContext,
    weights,
    report: {
      interactions,
      users: activeUsers.size,
      items: log.items.length,
      catalogItems: input.content.filter((c) => c !== null).length,
      personal: components.personalInfo,
      replenishableItems: components.repeat.size,
      timeContext: timeContext.evidence,
      weights,
      weightsSource: learned?.validation !== undefined && learned.reason === null ? 'learned' : 'default',
      weightsReason: learned === null ? 'weight learning was turned off' : (learned.reason ?? 'coordinate ascent on NDCG@10 of the validation window'),
      validation: learned?.validation ?? null,
      timings: { ...components.timings, learnWeights: learnMs, total: Math.round(performance.now() - started) },
    },
  };
}

interface Learned {
  readonly weights: StrategyWeights;
  /** Whether re-weighting by time improved the validation NDCG (absent: not tested). */
  readonly timeVerdict?: { readonly helps: boolean; readonly without: number; readonly with: number };
  readonly validation?: RecsValidation;
  /** Why the defaults were kept (null: learned). */
  readonly reason: string | null;
}

/** The validation set weights are learned on: what to fit on, whom to rank, and as of when. */
interface ValidationSplit {
  readonly fit: InteractionLog;
  readonly targets: readonly { readonly user: number; readonly relevant: ReadonlySet<number> }[];
  /** History of `fit` up to this instant is the context; the ranking is as of it. */
  readonly atMs: number;
  readonly fromMs: number;
}

function learnWeights(input: RecsTrainingInput, options: typeof DEFAULT_TRAINING): Learned {
  const { log } = input;
  if (log.user.length === 0) return { weights: DEFAULT_WEIGHTS, reason: 'no interactions yet' };
  const limit = input.options?.validationUsers ?? 2_000;
  const split = input.options?.validation === 'holdout' ? holdoutSplit(log, limit, options.seed) : timeSplit(log, input.options?.validationShare ?? 0.1, limit);
  if (typeof split === 'string') return { weights: DEFAULT_WEIGHTS, reason: split };
  const { fit, targets, atMs, fromMs } = split;
  if (targets.length < MIN_VALIDATION_USERS) {
    return { weights: DEFAULT_WEIGHTS, reason: `only ${targets.length} users bought again in the validation window (need ${MIN_VALIDATION_USERS})` };
  }
  input.onProgress?.(`learning blend weights on ${targets.length} validation users`);
  const components = fitComponents(fit, input.content, new Map(), atMs, options);
  const model: RankerModel = { ...components, items: log.items };
  const popular = popularList(components.popularity);
  const all: StrategyWeights = Object.fromEntries(STRATEGIES.map((s) => [s, LEARNABLE.includes(s) ? 1 : 0])) as unknown as StrategyWeights;
  const runs = userRuns(fit);
  const time = components.timeContext;
  const cases = targets.map(({ user, relevant }) => {
    const ctx = userContext(historyFromLog(fit, { start: runs[user] as number, end: runs[user + 1] as number }, atMs), atMs);
    return validationCase(model, ctx, relevant, collectStrategies(model, ctx, all, popular), time);
  });
  const measure = (weights: StrategyWeights, useTime = false): { hitRate: number; ndcg: number } => evaluateCases(cases, weights, useTime);
  let weights: Record<Strategy, number> = { ...DEFAULT_WEIGHTS };
  let best = measure(weights).ndcg;
  for (let pass = 0; pass < 2; pass++) {
    for (const strategy of LEARNABLE) {
      for (const value of GRID) {
        if (value === weights[strategy]) continue;
        const trial = { ...weights, [strategy]: value };
        const ndcg = measure(trial).ndcg;
        // Strictly better only: ties keep the current (earlier, simpler) weights.
        if (ndcg > best + 1e-12) {
          best = ndcg;
          weights = trial;
        }
      }
    }
  }
  const strategies: Partial<Record<Strategy, { hitRate: number; ndcg: number }>> = {};
  for (const strategy of LEARNABLE) {
    const alone = Object.fromEntries(STRATEGIES.map((s) => [s, s === strategy ? 1 : 0])) as unknown as StrategyWeights;
    strategies[strategy] = measure(alone);
  }
  const popularity = strategies.popular ?? { hitRate: 0, ndcg: 0 };
  const timeVerdict =
    time.hour === null && time.day === null ? undefined : { helps: false, without: best, with: measure(weights, true).ndcg };
  return {
    weights,
    ...(timeVerdict === undefined ? {} : { timeVerdict: { ...timeVerdict, helps: timeVerdict.with > timeVerdict.without + 1e-12 } }),
    reason: null,
    validation: { fromMs, users: cases.length, k: K, blend: measure(weights), popularity, strategies },
  };
}

/**
 * The default: the last stretch of time (a share of the span, at most 30 days). Users with history
 * before it and a purchase in it are the cases; what they bought is relevant (a repurchase of a
 * replenishable item included: repeat awareness is part of what is measured). More users than
 * `limit`: every n-th in user order, so the choice is deterministic.
 */
function timeSplit(log: InteractionLog, share: number, limit: number): ValidationSplit | string {
  let first = Infinity;
  let last = -Infinity;
  for (const t of log.atMs) {
    if (t < first) first = t;
    if (t > last) last = t;
  }
  const fromMs = last - Math.min((last - first) * share, 30 * 86_400_000);
  if (!(fromMs > first)) return 'the data spans no time to validate on';
  const runs = userRuns(log);
  const out: { user: number; relevant: Set<number> }[] = [];
  for (let u = 0; u < log.users.length; u++) {
    let hasHistory = false;
    const relevant = new Set<number>();
    for (let r = runs[u] as number; r < (runs[u + 1] as number); r++) {
      if ((log.atMs[r] as number) < fromMs) hasHistory = true;
      else if (log.kind[r] === PURCHASE) relevant.add(log.item[r] as number);
    }
    if (hasHistory && relevant.size > 0) out.push({ user: u, relevant });
  }
  return { fit: filterLog(log, (r) => (log.atMs[r] as number) < fromMs), targets: spread(out, limit), atMs: fromMs, fromMs };
}

/**
 * For data whose test split is not by time (ratings split per user or per item): a seeded 25% of
 * each user's purchased items (of users with at least 2) is held out and relevant; every component
 * is refitted on the rest; the ranking is as of the end of the data.
 */
function holdoutSplit(log: InteractionLog, limit: number, seed: number): ValidationSplit | string {
  const rng = createRng(seed);
  const runs = userRuns(log);
  const held = new Set<number>();
  const out: { user: number; relevant: Set<number> }[] = [];
  let last = -Infinity;
  for (const t of log.atMs) if (t > last) last = t;
  for (let u = 0; u < log.users.length; u++) {
    const items = new Map<number, number[]>();
    for (let r = runs[u] as number; r < (runs[u + 1] as number); r++) {
      if (log.kind[r] !== PURCHASE) continue;
      const rows = items.get(log.item[r] as number) ?? [];
      rows.push(r);
      items.set(log.item[r] as number, rows);
    }
    const distinct = [...items.keys()];
    if (distinct.length < 2) continue;
    for (let i = distinct.length - 1; i > 0; i--) {
      const j = rng.nextInt(i + 1);
      [distinct[i], distinct[j]] = [distinct[j] as number, distinct[i] as number];
    }
    const nHeld = Math.min(distinct.length - 1, Math.max(1, Math.round(0.25 * distinct.length)));
    const relevant = new Set(distinct.slice(0, nHeld));
    for (const item of relevant) for (const r of items.get(item) ?? []) held.add(r);
    out.push({ user: u, relevant });
  }
  if (out.length === 0) return 'no user has two purchased items to hold one out';
  return { fit: filterLog(log, (r) => !held.has(r)), targets: spread(out, limit), atMs: last + 1, fromMs: last + 1 };
}

/** At most `limit` of the cases: every n-th, so the choice is deterministic. */
function spread<T>(cases: readonly T[], limit: number): T[] {
  if (cases.length <= limit) return [...cases];
  const step = cases.length / limit;
  return Array.from({ length: limit }, (_, t) => cases[Math.floor(t * step)] as T);
}

/**
 * Time of day and day of week are used only where the data shows they matter: the association test
 * proposes them (fitTimeContext), and the validation window must confirm that re-weighting by them
 * ranks next purchases better; otherwise they are switched off, with the evidence kept.
 */
function gateTime(time: TimeContextModel, verdict: NonNullable<Learned['timeVerdict']>): TimeContextModel {
  if (verdict.helps) return time;
  const note = (e: TimeEvidence): TimeEvidence =>
    e.used ? { ...e, used: false, reason: `${e.reason}; but re-weighting did not improve validation NDCG@${K} (${verdict.with.toFixed(4)} vs ${verdict.without.toFixed(4)} without), so it is off` } : e;
  return { hour: null, day: null, evidence: { hour: note(time.evidence.hour), day: note(time.evidence.day) } };
}

/** The popularity vector as a best-first list (the candidates of `popular`). */
export function popularList(popularity: Float64Array, top = 500): PopularList {
  const order = Array.from(popularity.keys())
    .filter((i) => (popularity[i] as number) > 0)
    .sort((a, b) => (popularity[b] as number) - (popularity[a] as number) || a - b)
    .slice(0, top);
  return { items: Int32Array.from(order), scores: Float64Array.from(order.map((i) => popularity[i] as number)) };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
