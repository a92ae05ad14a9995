import type { TimeContextModel } from '../time-context.js';
import { timeFactor } from '../time-context.js';
import { neighboursOf } from '../item-neighbours.js';
import type { BlendedItem, Contribution } from './blend.js';
import { blendScores, boughtItemAllowed, byScore, collectStrategies } from './blend.js';
import type { Placement } from './placement.js';
import { placementWeights } from './placement.js';
import type { RecsContext } from './recs-context.js';
import type { Strategy, StrategyWeights } from './recs-model.js';
import { PERSONAL_STRATEGIES, STRATEGIES } from './recs-model.js';
import type { PopularList, RankerModel } from './strategy-scores.js';
import { explainPersonal, scoreStrategy } from './strategy-scores.js';

/** What the rules need to know of an item (from the catalog; null fields are unknown and pass). */
export interface ItemFacts {
  readonly name: string | null;
  readonly category: string | null;
  readonly price: number | null;
  readonly stock: number | null;
}

export interface RankRequest {
  readonly model: RankerModel & { readonly timeContext: TimeContextModel; readonly weights: StrategyWeights };
  readonly itemIndex: ReadonlyMap<string, number>;
  readonly ctx: RecsContext;
  readonly placement: Placement;
  readonly count: number;
  /** False without consent to personalization: only strategies that read no personal data. */
  readonly personalized: boolean;
  readonly popular: PopularList;
  readonly facts: (item: number) => ItemFacts | null;
  /** Display name of a segment key (for "popular in segment X"). */
  readonly segmentName: (key: string) => string;
}

export type ReasonSource = Strategy | 'pinned' | 'time';

export interface Reason {
  readonly source: ReasonSource;
  /** The item that explains it ("because you viewed X"), when there is one. */
  readonly because: string | null;
  readonly text: string;
}

export interface RankedItem {
  readonly item: number;
  readonly score: number;
  /** The strategy that contributed most (or the fallback that supplied it). */
  readonly strategy: Strategy | 'pinned';
  readonly fallback: boolean;
  readonly reasons: readonly Reason[];
}

export interface RankOutcome {
  readonly items: readonly RankedItem[];
  readonly weights: StrategyWeights;
  /** Fallbacks that supplied at least one item, in order. */
  readonly fallbacksUsed: readonly Strategy[];
  /** Candidates removed by each rule (explains a short page). */
  readonly filtered: Readonly<Record<string, number>>;
}

/**
 * Ranks the candidates of every strategy for one request: blend → business rules → diversity →
 * fallbacks, every item with its reasons. Pure: the caller supplies the live context and catalog.
 */
export function rankRecommendations(request: RankRequest): RankOutcome {
  const { model, placement, count } = request;
  const ctx = request.personalized ? request.ctx : impersonal(request.ctx);
  const rules = placement.rules;
  const weights = effectiveWeights(placementWeights(placement, model.weights), request.personalized);
  const filtered: Record<string, number> = {};
  const drop = (rule: string): false => {
    filtered[rule] = (filtered[rule] ?? 0) + 1;
    return false;
  };
  const indexOf = (ids: readonly string[]): Set<number> => new Set(ids.map((id) => request.itemIndex.get(id)).filter((i): i is number => i !== undefined));
  const excludedItems = indexOf(rules.excludeItems);
  const boostItems = indexOf(rules.boostItems);
  const include = rules.includeCategories === null ? null : new Set(rules.includeCategories.map(lower));
  const excludeCategories = new Set(rules.excludeCategories.map(lower));
  const boostCategories = new Set(rules.boostCategories.map(lower));

  const eligible = (item: number): boolean => {
    if (ctx.exclude.has(item)) return drop('anchor');
    if (excludedItems.has(item)) return drop('excludeItems');
    if (rules.excludePurchased && !boughtItemAllowed(model, ctx, item)) return drop('excludePurchased');
    const facts = request.facts(item);
    if (facts === null) return include === null && rules.minPrice === null && rules.maxPrice === null ? true : drop('notInCatalog');
    if (rules.excludeOutOfStock && facts.stock !== null && facts.stock <= 0) return drop('excludeOutOfStock');
    const category = facts.category === null ? null : lower(facts.category);
    if (include !== null && (category === null || !include.has(category))) return drop('includeCategories');
    if (category !== null && excludeCategories.has(category)) return drop('excludeCategories');
    if (rules.minPrice !== null && (facts.price === null || facts.price < rules.minPrice)) return drop('minPrice');
    if (rules.maxPrice !== null && (facts.price === null || facts.price > rules.maxPrice)) return drop('maxPrice');
    return true;
  };

  const chosen: RankedItem[] = [];
  const chosenSet = new Set<number>();
  const perCategory = new Map<string, number>();
  /** Diversity: a category cap and no near-duplicate (by catalog attributes) of an item already on the page. */
  const fits = (item: number): boolean => {
    const category = request.facts(item)?.category ?? null;
    if (rules.maxPerCategory !== null && category !== null && (perCategory.get(lower(category)) ?? 0) >= rules.maxPerCategory) return drop('maxPerCategory');
    const threshold = rules.nearDuplicateSimilarity;
    if (threshold !== null) {
      const { idx, sim } = neighboursOf(model.content, item);
      for (let t = 0; t < idx.length && (sim[t] as number) >= threshold; t++) if (chosenSet.has(idx[t] as number)) return drop('nearDuplicate');
    }
    return true;
  };
  const take = (ranked: RankedItem): void => {
    chosen.push(ranked);
    chosenSet.add(ranked.item);
    const category = request.facts(ranked.item)?.category ?? null;
    if (category !== null) perCategory.set(lower(category), (perCategory.get(lower(category)) ?? 0) + 1);
  };

  for (const id of rules.pinItems) {
    const item = request.itemIndex.get(id);
    if (chosen.length >= count || item === undefined || chosenSet.has(item) || !eligible(item)) continue;
    take({ item, score: 0, strategy: 'pinned', fallback: false, reasons: [{ source: 'pinned', because: null, text: 'featured on this placement' }] });
  }

  const collected = collectStrategies(model, ctx, weights, request.popular);
  const blended = [...blendScores(collected, weights, model.timeContext, ctx.atMs).values()];
  for (const b of blended) if (boostItems.has(b.item) || isBoostedCategory(request.facts(b.item), boostCategories)) b.score *= rules.boostFactor;
  blended.sort(byScore);
  for (const b of blended) {
    if (chosen.length >= count) break;
    if (chosenSet.has(b.item) || !eligible(b.item) || !fits(b.item)) continue;
    const parts = [...b.parts].sort((x, y) => y.value - x.value);
    const top = parts[0] as Contribution;
    take({ item: b.item, score: round(b.score), strategy: top.strategy, fallback: false, reasons: reasonsOf(request, b, parts) });
  }

  const fallbacksUsed: Strategy[] = [];
  for (const strategy of placement.fallbacks) {
    if (chosen.length >= count) break;
    if (!request.personalized && PERSONAL_STRATEGIES.has(strategy)) continue;
    const scores = [...scoreStrategy(model, strategy, ctx, request.popular)].sort((a, b) => b[1].score - a[1].score || a[0] - b[0]);
    const before = chosen.length;
    for (const [item, candidate] of scores) {
      if (chosen.length >= count) break;
      if (chosenSet.has(item) || !eligible(item) || !fits(item)) continue;
      const part: Contribution = { strategy, value: candidate.score, candidate };
      take({ item, score: 0, strategy, fallback: true, reasons: [reasonOf(request, part, item)] });
    }
    if (chosen.length > before) fallbacksUsed.push(strategy);
  }
  return { items: chosen, weights, fallbacksUsed, filtered };
}

/**
 * Without consent the person's data is not read: no history, session, purchases or segments, and
 * only the anchors the page itself names (an item page's item, a basket) — which are the ones in
 * `exclude` — not anchors taken from their history.
 */
function impersonal(ctx: RecsContext): RecsContext {
  const own = (items: readonly number[]): number[] => items.filter((i) => ctx.exclude.has(i));
  return {
    ...ctx,
    history: [],
    session: [],
    purchases: new Map(),
    segments: [],
    boughtAnchors: own(ctx.boughtAnchors),
    viewedAnchors: own(ctx.viewedAnchors),
    contentAnchors: own(ctx.contentAnchors),
  };
}

/** Without consent, strategies that read the person's data weigh 0 (popular and item anchors remain). */
function effectiveWeights(weights: StrategyWeights, personalized: boolean): StrategyWeights {
  if (personalized) return weights;
  const out = { ...weights };
  for (const s of STRATEGIES) if (PERSONAL_STRATEGIES.has(s)) out[s] = 0;
  return out;
}

/** The two largest contributions, then the time-of-day note where it moved the score noticeably. */
function reasonsOf(request: RankRequest, blended: BlendedItem, parts: readonly Contribution[]): Reason[] {
  const out = parts.slice(0, 2).map((part) => reasonOf(request, part, blended.item));
  const factor = timeFactor(request.model.timeContext, blended.item, request.ctx.atMs);
  if (factor >= 1.2) out.push({ source: 'time', because: null, text: 'often chosen at this time' });
  return out;
}

function reasonOf(request: RankRequest, part: Contribution, item: number): Reason {
  const because = part.strategy === 'personal' ? explainPersonal(request.model.personal, request.ctx.history, item) : part.candidate.because;
  const name = because >= 0 ? displayName(request, because) : null;
  const id = because >= 0 ? (request.model.items[because] ?? null) : null;
  switch (part.strategy) {
    case 'personal':
      return { source: 'personal', because: id, text: `because you ${request.ctx.purchases.has(because) ? 'bought' : 'viewed'} ${name}` };
    case 'session':
      return { source: 'session', because: id, text: `shoppers who viewed ${name} looked at this next` };
    case 'also_bought':
      return { source: 'also_bought', because: id, text: `often bought with ${name}` };
    case 'also_viewed':
      return { source: 'also_viewed', because: id, text: `shoppers who viewed ${name} also viewed this` };
    case 'content':
      return { source: 'content', because: id, text: `similar to ${name}` };
    case 'repeat':
      return { source: 'repeat', because: id, text: `time to restock: bought about every ${part.candidate.note ?? '?'} days` };
    case 'segment_popular':
      return { source: 'segment_popular', because: null, text: `popular in your segment "${request.segmentName(part.candidate.note ?? '')}"` };
    case 'popular':
      return { source: 'popular', because: null, text: 'popular right now' };
  }
}

function displayName(request: RankRequest, item: number): string {
  const name = request.facts(item)?.name ?? null;
  return name !== null && name.trim() !== '' ? `"${name}"` : `item ${request.model.items[item] ?? item}`;
}

function isBoostedCategory(facts: ItemFacts | null, categories: ReadonlySet<string>): boolean {
  return categories.size > 0 && facts !== null && facts.category !== null && categories.has(lower(facts.category));
}

function lower(text: string): string {
  return text.trim().toLowerCase();
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
