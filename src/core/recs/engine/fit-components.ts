import { createRng } from '../../shared/rng.js';
import type { ContentItem } from '../content-similarity.js';
import { fitContentSimilarity } from '../content-similarity.js';
import { decayedPopularity, groupPopularity } from '../decayed-popularity.js';
import { fitEase, selectEaseLambda } from '../ease.js';
import { fitAls } from '../implicit-als.js';
import type { InteractionLog } from '../interaction-log.js';
import { CART, PURCHASE, VIEW } from '../interaction-log.js';
import type { InteractionMatrix } from '../interactions.js';
import { buildInteractions } from '../interactions.js';
import type { ItemNeighbours } from '../item-neighbours.js';
import { emptyNeighbours, fromRows, neighboursOf } from '../item-neighbours.js';
import { fitItemSimilarity } from '../item-similarity.js';
import { fitRepeatPurchase } from '../repeat-purchase.js';
import { fitSessionTransitions } from '../session-transitions.js';
import { fitTimeContext } from '../time-context.js';
import type { RecsRelations } from './recs-model.js';
import type { PersonalModel } from './personal-model.js';
import { alsBase } from './personal-model.js';

/** Tunables of a training run; every default is what `POST /v1/recommendations/train` uses. */
export interface RecsTrainingOptions {
  /** EASE serves `personal` up to this many active items (its cost grows with the cube); ALS beyond. */
  readonly easeMaxItems?: number;
  /** λ candidates for EASE, chosen on a hold-out of the training data. */
  readonly easeLambdas?: readonly number[];
  readonly alsFactors?: number;
  /** ALS confidence slope α and L2 weight λ (the MovieLens-tuned pair). */
  readonly alsAlpha?: number;
  readonly alsLambda?: number;
  /** Neighbours kept per item for each item-item relation. */
  readonly neighbours?: number;
  readonly popularityHalfLifeDays?: number;
  readonly seed?: number;
}

export const DEFAULT_TRAINING: Required<RecsTrainingOptions> = {
  easeMaxItems: 1_500,
  easeLambdas: [50, 200, 800],
  alsFactors: 64,
  alsAlpha: 5,
  alsLambda: 50,
  neighbours: 100,
  popularityHalfLifeDays: 30,
  seed: 42,
};

/** Every model the ranker blends, fitted on one log. */
export interface RecsComponents extends RecsRelations {
  readonly popularity: Float64Array;
  readonly personalInfo: { readonly algorithm: 'ease' | 'als' | 'none'; readonly lambda: number | null; readonly reason: string };
  readonly timings: Record<string, number>;
}

/**
 * Fits every component on `log` as of `nowMs`. `content` is per item index of the log (null: no
 * catalog facts); `groups` maps segment keys to dense user indices.
 */
export function fitComponents(
  log: InteractionLog,
  content: readonly (ContentItem | null)[],
  groups: ReadonlyMap<string, ReadonlySet<number>>,
  nowMs: number,
  options: Required<RecsTrainingOptions>,
): RecsComponents {
  const timings: Record<string, number> = {};
  const timed = <T>(name: string, fn: () => T): T => {
    const started = performance.now();
    const out = fn();
    timings[name] = Math.round(performance.now() - started);
    return out;
  };
  const nItems = log.items.length;
  const halfLifeDays = options.popularityHalfLifeDays;
  const popularity = timed('popularity', () => decayedPopularity(log, nowMs, { halfLifeDays }));
  const segmentPopularity = timed('segmentPopularity', () => groupPopularity(log, groups, nowMs, { halfLifeDays }));
  const everything = matrixOf(log, () => true);
  const personalFit = timed('personal', () => fitPersonal(everything, options));
  const bought = matrixOf(log, (r) => log.kind[r] === PURCHASE);
  const alsoBought = timed('alsoBought', () => widen(fitItemSimilarity(bought.matrix, { neighbours: options.neighbours }), bought.toFull, nItems));
  const viewed = matrixOf(log, (r) => log.kind[r] === VIEW || log.kind[r] === CART);
  const alsoViewed = timed('alsoViewed', () => widen(fitItemSimilarity(viewed.matrix, { neighbours: options.neighbours }), viewed.toFull, nItems));
  const nextItem = timed('nextItem', () => fitSessionTransitions(log, { neighbours: options.neighbours }));
  const contentModel = timed('content', () =>
    content.some((c) => c !== null)
      ? fitContentSimilarity(content.map((c) => c ?? { name: null, category: null, price: null, attributes: {} }))
      : emptyNeighbours(nItems),
  );
  const repeat = timed('repeat', () => fitRepeatPurchase(log));
  const timeContext = timed('timeContext', () => fitTimeContext(log));
  return {
    popularity,
    segmentPopularity,
    personal: personalFit.model,
    personalInfo: personalFit.info,
    alsoBought,
    alsoViewed,
    nextItem,
    content: contentModel,
    repeat,
    timeContext,
    timings,
  };
}

interface CompactMatrix {
  readonly matrix: InteractionMatrix;
  /** Compact item index -> item index of the log. */
  readonly toFull: Int32Array;
}

/**
 * The binary user x item matrix of the rows that pass, over the items those rows touch only (an
 * untouched catalog item would cost EASE a row and column of nothing).
 */
function matrixOf(log: InteractionLog, keep: (row: number) => boolean): CompactMatrix {
  const compact = new Map<number, number>();
  const users: number[] = [];
  const items: number[] = [];
  for (let r = 0; r < log.user.length; r++) {
    if (!keep(r)) continue;
    const full = log.item[r] as number;
    let c = compact.get(full);
    if (c === undefined) {
      c = compact.size;
      compact.set(full, c);
    }
    users.push(log.user[r] as number);
    items.push(c);
  }
  const toFull = new Int32Array(compact.size);
  for (const [full, c] of compact) toFull[c] = full;
  return { matrix: buildInteractions(log.users.length, compact.size, users, items), toFull };
}

/** A relation over compact indices, re-expressed over all n items of the log. */
function widen(model: ItemNeighbours, toFull: Int32Array, n: number): ItemNeighbours {
  const rows: { idx: number[]; sim: number[] }[] = Array.from({ length: n }, () => ({ idx: [], sim: [] }));
  for (let c = 0; c < model.nItems; c++) {
    const { idx, sim } = neighboursOf(model, c);
    const row = rows[toFull[c] as number] as { idx: number[]; sim: number[] };
    for (let t = 0; t < idx.length; t++) {
      row.idx.push(toFull[idx[t] as number] as number);
      row.sim.push(sim[t] as number);
    }
  }
  return fromRows(n, rows);
}

/**
 * Chooses EASE's λ once, on a hold-out of the whole training log, so the validation refit and the
 * final fit share it (each choice costs one inversion per candidate). Null when EASE is not used.
 */
export function chooseEaseLambda(log: InteractionLog, options: Required<RecsTrainingOptions>): number | null {
  const m = matrixOf(log, () => true).matrix;
  if (m.nItems < 2 || m.nItems > options.easeMaxItems || countActiveUsers(m) < 2) return null;
  if (options.easeLambdas.length === 1) return options.easeLambdas[0] as number;
  return selectEaseLambda(m, options.easeLambdas, createRng(options.seed)).lambda;
}

function fitPersonal(
  x: CompactMatrix,
  options: Required<RecsTrainingOptions>,
): { readonly model: PersonalModel; readonly info: RecsComponents['personalInfo'] } {
  const m = x.matrix;
  const activeUsers = countActiveUsers(m);
  if (m.nItems < 2 || activeUsers < 2) {
    return { model: { kind: 'none' }, info: { algorithm: 'none', lambda: null, reason: `too little data (${activeUsers} users, ${m.nItems} items with interactions)` } };
  }
  if (m.nItems <= options.easeMaxItems) {
    const lambda =
      options.easeLambdas.length === 1 ? (options.easeLambdas[0] as number) : selectEaseLambda(m, options.easeLambdas, createRng(options.seed)).lambda;
    const ease = fitEase(m, lambda);
    return {
      model: { kind: 'ease', nItems: m.nItems, items: x.toFull, weights: ease.weights },
      info: { algorithm: 'ease', lambda, reason: `${m.nItems} active items ≤ ${options.easeMaxItems}: EASE (λ chosen on a training hold-out)` },
    };
  }
  const als = fitAls(m, createRng(options.seed), { factors: options.alsFactors, alpha: options.alsAlpha, lambda: options.alsLambda });
  return {
    model: {
      kind: 'als',
      nItems: m.nItems,
      items: x.toFull,
      factors: als.factors,
      itemFactors: als.itemFactors,
      base: alsBase(als.itemFactors, m.nItems, als.factors, options.alsLambda),
      alpha: options.alsAlpha,
    },
    info: { algorithm: 'als', lambda: options.alsLambda, reason: `${m.nItems} active items > ${options.easeMaxItems}: implicit ALS (${als.factors} factors), each person folded in on every call` },
  };
}

function countActiveUsers(m: InteractionMatrix): number {
  let n = 0;
  for (let u = 0; u < m.nUsers; u++) if ((m.rowPtr[u + 1] as number) > (m.rowPtr[u] as number)) n++;
  return n;
}
