import type { CatalogItem } from '../../core/catalog/catalog-item.js';
import type { NormalizedEvent } from '../../core/events/event.js';
import { consentFor } from '../../core/profiles/consent.js';
import type { ProfileState } from '../../core/profiles/profile-state.js';
import { interactionsOf } from '../../core/recs/engine/event-interactions.js';
import { SESSION_GAP_MS } from '../../core/recs/engine/log-from-rows.js';
import type { Placement } from '../../core/recs/engine/placement.js';
import { MAX_COUNT, defaultPlacement, parsePlacement } from '../../core/recs/engine/placement.js';
import type { ItemFacts, RankOutcome } from '../../core/recs/engine/rank.js';
import { rankRecommendations } from '../../core/recs/engine/rank.js';
import type { PurchaseFact, RecsContext, UserHistory } from '../../core/recs/engine/recs-context.js';
import { anchoredContext, userContext } from '../../core/recs/engine/recs-context.js';
import type { RecsModel, RecsTrainingReport, Strategy } from '../../core/recs/engine/recs-model.js';
import { indexItems } from '../../core/recs/engine/recs-model.js';
import { recsModelFromJson, recsModelToJson } from '../../core/recs/engine/recs-model-json.js';
import type { ProfileId, WorkspaceId } from '../../core/shared/ids.js';
import type { JsonValue } from '../../core/shared/json.js';
import type { EpochMs } from '../../core/shared/time.js';
import type { Clock } from '../../ports/clock.js';
import type { Logger } from '../../ports/logger.js';
import type { Storage } from '../../ports/storage.js';
import { AppError } from '../app-error.js';
import { parseAsOf } from '../parse-as-of.js';
import type { ProfileLookup } from '../profiles/profile-lookup.js';
import { KeyedMutex, toJsonValue } from '../segments/model-support.js';
import { LivePopularity } from './live-popularity.js';
import { readRecsTrainingData, segmentGroups } from './recs-training-data.js';
import type { RecsTrainer } from '../../ports/recs-trainer.js';
import { trainRecommender } from '../../core/recs/engine/train-recommender.js';

export const RECS_MODEL_KIND = 'recs';
export const RECS_PLACEMENT_KIND = 'recs-placement';
const CURRENT = 'current';
const HISTORY_KEPT = 10;
/** Live interactions remembered while a training runs, to replay onto the new model (bounded). */
const MAX_PENDING = 1_000_000;

/** One trained version of a workspace's recommender, as the registry shows it. */
export interface RecsVersion {
  readonly version: number;
  readonly trainedAtMs: EpochMs;
  readonly dataUntilMs: EpochMs;
  readonly trainMs: number;
  readonly events: number;
  readonly report: RecsTrainingReport;
}

export interface RecommendedItem {
  readonly itemId: string;
  readonly name: string | null;
  readonly category: string | null;
  readonly price: number | null;
  readonly score: number;
  readonly strategy: string;
  readonly fallback: boolean;
  readonly reasons: readonly { readonly source: string; readonly because: string | null; readonly text: string }[];
}

export interface RecommendationList {
  readonly placement: string;
  readonly modelVersion: number;
  /** False when the answer uses no personal data (no consent, or no known profile), with the reason. */
  readonly personalized: boolean;
  readonly notPersonalizedReason: string | null;
  readonly items: readonly RecommendedItem[];
  readonly fallbacksUsed: readonly string[];
  readonly filtered: Readonly<Record<string, number>>;
  readonly weights: Readonly<Record<string, number>>;
}

export interface RecommendationQuery {
  readonly placement?: string | undefined;
  readonly count?: number | undefined;
  /** When the page is shown (time of day, repeat timing); default now. */
  readonly atMs?: EpochMs | undefined;
  /** Weights that override the placement's for this call (an experiment arm limiting the strategies). */
  readonly weights?: Readonly<Partial<Record<Strategy, number>>> | undefined;
}

export interface RecommendationsApi {
  /** Trains on the workspace history (in a worker thread) and swaps the new version in atomically. */
  train(workspace: WorkspaceId, request: { readonly asOf?: unknown }): Promise<RecsVersion>;
  /** The current version and the earlier ones (newest first); null before the first training. */
  status(workspace: WorkspaceId): Promise<{ readonly current: RecsVersion; readonly history: readonly RecsVersion[] } | null>;
  forUser(workspace: WorkspaceId, lookup: ProfileLookup, query: RecommendationQuery): Promise<RecommendationList>;
  /** Items that go with one item (product page); personal too when a user is named. */
  forItem(workspace: WorkspaceId, itemId: string, user: ProfileLookup | null, query: RecommendationQuery): Promise<RecommendationList>;
  /** Items that go with a basket (cart page, checkout). */
  forBasket(workspace: WorkspaceId, itemIds: readonly string[], user: ProfileLookup | null, query: RecommendationQuery): Promise<RecommendationList>;
  listPlacements(workspace: WorkspaceId): Promise<readonly Placement[]>;
  putPlacement(workspace: WorkspaceId, key: string, body: unknown): Promise<Placement>;
  deletePlacement(workspace: WorkspaceId, key: string): Promise<boolean>;
}

export interface RecommendationServiceDeps {
  readonly storage: Storage;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The live profile (the writer's unflushed copy when newer than the store's). */
  readonly profileOf: (workspace: WorkspaceId, lookup: ProfileLookup) => Promise<ProfileState | null>;
  /** The profile's current segments (memory) and their display names. */
  readonly segmentsOf: (workspace: WorkspaceId, profileId: ProfileId) => readonly string[];
  readonly segmentMembers: (workspace: WorkspaceId) => ReadonlyMap<string, Iterable<string>>;
  readonly segmentName: (workspace: WorkspaceId, key: string) => string;
  readonly flushed: () => Promise<void>;
  /** Runs trainings off the event loop (absent: inline, which blocks serving while it runs). */
  readonly trainer?: RecsTrainer;
  readonly config: {
    /** Personalize only with explicit consent (otherwise: unless it was refused). */
    readonly requireConsent: boolean;
  };
}

interface Installed {
  readonly model: RecsModel;
  readonly version: RecsVersion;
  readonly index: ReadonlyMap<string, number>;
  readonly popularity: LivePopularity;
}

interface WorkspaceState {
  installed: Installed | null;
  placements: Map<string, Placement>;
  catalog: Map<string, ItemFacts>;
  /** Set while a training runs: live interactions to replay onto its model. */
  pending: { seq: number; atMs: number; interactions: ReturnType<typeof interactionsOf> }[] | null;
}

interface StoredBody {
  readonly format: 'recs-registry@1';
  readonly current: RecsVersion & { readonly model: unknown };
  readonly history: readonly RecsVersion[];
}

/**
 * Recommendations per workspace, answered from memory: the trained model (candidates per strategy),
 * re-ranked on every call with the live profile (purchases, views, cart, session, consent,
 * segments), live popularity and the live catalog (stock, price), under the placement's rules.
 */
export class RecommendationService implements RecommendationsApi {
  private readonly deps: RecommendationServiceDeps;
  private readonly workspaces = new Map<WorkspaceId, WorkspaceState>();
  private readonly jobs = new KeyedMutex();
  private readonly closing = new AbortController();

  constructor(deps: RecommendationServiceDeps) {
    this.deps = deps;
  }

  async load(workspace: WorkspaceId): Promise<void> {
    const state: WorkspaceState = { installed: null, placements: new Map(), catalog: new Map(), pending: null };
    this.workspaces.set(workspace, state);
    const store = this.deps.storage.read;
    for (const stored of await store.segments.listModels(workspace, RECS_PLACEMENT_KIND)) {
      const parsed = parsePlacement(stored.id, stored.body);
      if (parsed.ok) state.placements.set(stored.id, parsed.value);
      else this.deps.logger.error('stored placement is unreadable; the default is used', { workspace, placement: stored.id });
    }
    let afterId: string | null = null;
    for (;;) {
      const page = await store.catalog.list(workspace, { afterId, limit: 1_000, category: null });
      for (const item of page) state.catalog.set(item.id, factsOf(item));
      const last = page.at(-1);
      if (last === undefined || page.length < 1_000) break;
      afterId = last.id;
    }
    const stored = await store.segments.getModel(workspace, RECS_MODEL_KIND, CURRENT);
    if (stored !== null) {
      const body = parseBody(stored.body);
      const model = body === null ? null : recsModelFromJson(body.current.model);
      if (body === null || model === null) this.deps.logger.error('stored recommender is unreadable; retrain it', { workspace });
      else state.installed = install(model, stripModel(body.current));
    }
  }

  /** Stops training runs in progress (their workers end; nothing is swapped in). */
  close(): void {
    this.closing.abort();
  }

  /** Catalog changes reach the rules at once (stock, price, category). */
  catalogChanged(workspace: WorkspaceId, upserted: readonly CatalogItem[], deleted: readonly string[]): void {
    const state = this.workspaces.get(workspace);
    if (state === undefined) return;
    for (const item of upserted) state.catalog.set(item.id, factsOf(item));
    for (const id of deleted) state.catalog.delete(id);
  }

  /**
   * Called inside the ingest transaction with the batch's new events; returns what runs after the
   * commit: live popularity moves, and a training in progress remembers them for its model.
   */
  observe(workspace: WorkspaceId, newEvents: ReadonlyMap<ProfileId, readonly NormalizedEvent[]>, lastSeq: number): () => void {
    const state = this.workspaces.get(workspace);
    if (state === undefined || (state.installed === null && state.pending === null)) return () => undefined;
    const seen: { atMs: number; interactions: ReturnType<typeof interactionsOf> }[] = [];
    for (const events of newEvents.values()) {
      for (const event of events) {
        const interactions = interactionsOf(event);
        if (interactions.length > 0) seen.push({ atMs: event.timestampMs, interactions });
      }
    }
    if (seen.length === 0) return () => undefined;
    return () => {
      for (const { atMs, interactions } of seen) {
        state.installed?.popularity.add(interactions, atMs);
        if (state.pending !== null && state.pending.length < MAX_PENDING) state.pending.push({ seq: lastSeq, atMs, interactions });
      }
    };
  }

  train(workspace: WorkspaceId, request: { readonly asOf?: unknown }): Promise<RecsVersion> {
    const nowMs = parseAsOf(request.asOf, this.deps.clock.nowMs());
    return this.jobs.run(workspace, () => this.trainNow(workspace, nowMs));
  }

  /** Scheduled retraining: when the current version is older than `ageMs`, or none exists and there is data. */
  async retrainOlderThan(workspace: WorkspaceId, ageMs: number): Promise<void> {
    const installed = this.state(workspace).installed;
    const nowMs = this.deps.clock.nowMs();
    if (installed !== null && nowMs - installed.version.trainedAtMs < ageMs) return;
    try {
      await this.train(workspace, {});
    } catch (error) {
      if (error instanceof AppError && error.code === 'ERR_NOT_ENOUGH_DATA') return;
      this.deps.logger.error('scheduled recommender training failed; the current version keeps serving', { workspace, error: String(error) });
    }
  }

  async status(workspace: WorkspaceId): Promise<{ readonly current: RecsVersion; readonly history: readonly RecsVersion[] } | null> {
    const stored = await this.deps.storage.read.segments.getModel(workspace, RECS_MODEL_KIND, CURRENT);
    const body = stored === null ? null : parseBody(stored.body);
    return body === null ? null : { current: stripModel(body.current), history: body.history };
  }

  async forUser(workspace: WorkspaceId, lookup: ProfileLookup, query: RecommendationQuery): Promise<RecommendationList> {
    const installed = this.installed(workspace);
    const placement = withWeights(this.placement(workspace, query.placement), query.weights);
    const atMs = query.atMs ?? this.deps.clock.nowMs();
    const person = await this.person(workspace, lookup, installed, atMs);
    const ctx = userContext(person.history ?? emptyHistory(), atMs);
    return this.rank(workspace, installed, placement, ctx, person, query.count);
  }

  async forItem(workspace: WorkspaceId, itemId: string, user: ProfileLookup | null, query: RecommendationQuery): Promise<RecommendationList> {
    return this.forAnchors(workspace, [itemId], 'item', user, query);
  }

  async forBasket(workspace: WorkspaceId, itemIds: readonly string[], user: ProfileLookup | null, query: RecommendationQuery): Promise<RecommendationList> {
    return this.forAnchors(workspace, itemIds, 'items', user, query);
  }

  async listPlacements(workspace: WorkspaceId): Promise<readonly Placement[]> {
    return [...this.state(workspace).placements.values()].sort((a, b) => (a.key < b.key ? -1 : 1));
  }

  async putPlacement(workspace: WorkspaceId, key: string, body: unknown): Promise<Placement> {
    const parsed = parsePlacement(key, body);
    if (!parsed.ok) throw new AppError('ERR_VALIDATION', 'Invalid placement', { details: parsed.errors });
    const nowMs = this.deps.clock.nowMs();
    await this.deps.storage.uow.run('recs:placement', (stores) =>
      stores.segments.putModel(workspace, { kind: RECS_PLACEMENT_KIND, id: key, body: toJsonValue(parsed.value), updatedAtMs: nowMs }),
    );
    this.state(workspace).placements.set(key, parsed.value);
    return parsed.value;
  }

  async deletePlacement(workspace: WorkspaceId, key: string): Promise<boolean> {
    const deleted = await this.deps.storage.uow.run('recs:placement-delete', (stores) => stores.segments.deleteModel(workspace, RECS_PLACEMENT_KIND, key));
    this.state(workspace).placements.delete(key);
    return deleted;
  }

  private async forAnchors(workspace: WorkspaceId, itemIds: readonly string[], field: string, user: ProfileLookup | null, query: RecommendationQuery): Promise<RecommendationList> {
    const installed = this.installed(workspace);
    const placement = withWeights(this.placement(workspace, query.placement), query.weights);
    const atMs = query.atMs ?? this.deps.clock.nowMs();
    const anchors: number[] = [];
    for (const id of itemIds) {
      const i = installed.index.get(id);
      if (i !== undefined) anchors.push(i);
    }
    if (anchors.length === 0 && !itemIds.some((id) => this.state(workspace).catalog.has(id))) {
      throw new AppError('ERR_NOT_FOUND', itemIds.length === 1 ? `Unknown item "${itemIds[0]}"` : 'None of the items is known', {
        details: [{ field, message: 'not in the catalog and never seen in events (train again after adding it to the catalog)' }],
      });
    }
    const person = user === null ? null : await this.person(workspace, user, installed, atMs);
    const ctx = anchoredContext(anchors, person?.history ?? null, atMs);
    return this.rank(workspace, installed, placement, ctx, person ?? { history: null, personalized: true, reason: null }, query.count);
  }

  private rank(
    workspace: WorkspaceId,
    installed: Installed,
    placement: Placement,
    ctx: RecsContext,
    person: { readonly personalized: boolean; readonly reason: string | null },
    count: number | undefined,
  ): RecommendationList {
    const state = this.state(workspace);
    const { model, index } = installed;
    const facts = (item: number): ItemFacts | null => state.catalog.get(model.items[item] ?? '') ?? null;
    const outcome: RankOutcome = rankRecommendations({
      model,
      itemIndex: index,
      ctx,
      placement,
      count: Math.min(count ?? placement.count, MAX_COUNT),
      personalized: person.personalized,
      popular: installed.popularity.list(performance.now()),
      facts,
      segmentName: (key) => this.deps.segmentName(workspace, key),
    });
    return {
      placement: placement.key,
      modelVersion: installed.version.version,
      personalized: person.personalized,
      notPersonalizedReason: person.reason,
      items: outcome.items.map((r) => {
        const f = facts(r.item);
        return {
          itemId: model.items[r.item] ?? '',
          name: f?.name ?? null,
          category: f?.category ?? null,
          price: f?.price ?? null,
          score: r.score,
          strategy: r.strategy,
          fallback: r.fallback,
          reasons: r.reasons,
        };
      }),
      fallbacksUsed: outcome.fallbacksUsed,
      filtered: outcome.filtered,
      weights: outcome.weights,
    };
  }

  /** The live profile as the ranker reads it, and whether it may be used. */
  private async person(
    workspace: WorkspaceId,
    lookup: ProfileLookup,
    installed: Installed,
    atMs: number,
  ): Promise<{ readonly history: UserHistory | null; readonly personalized: boolean; readonly reason: string | null }> {
    const profile = await this.deps.profileOf(workspace, lookup);
    if (profile === null) return { history: null, personalized: false, reason: 'unknown visitor: no profile yet' };
    const consent = consentFor(profile, 'personalization', !this.deps.config.requireConsent);
    if (!consent.granted) {
      return {
        history: null,
        personalized: false,
        reason: consent.source === 'explicit' ? 'the visitor declined personalization' : 'no consent to personalization on record (consent is required)',
      };
    }
    return { history: historyOfProfile(profile, installed.index, this.deps.segmentsOf(workspace, profile.profileId), atMs), personalized: true, reason: null };
  }

  private async trainNow(workspace: WorkspaceId, nowMs: EpochMs): Promise<RecsVersion> {
    const state = this.state(workspace);
    const started = performance.now();
    await this.deps.flushed();
    state.pending = [];
    try {
      const data = await readRecsTrainingData(this.deps.storage, workspace, nowMs);
      if (data.log.user.length === 0) {
        throw new AppError('ERR_NOT_ENOUGH_DATA', 'No product interactions to learn from yet', {
          details: [{ field: 'events', message: 'send Product Viewed, Product Added or Order Completed events with product_id (Segment e-commerce spec)' }],
        });
      }
      const segments = segmentGroups(data.log, this.deps.segmentMembers(workspace));
      const trainer = this.deps.trainer ?? INLINE_TRAINER;
      const model = await trainer.train({ log: data.log, content: data.content, segments, nowMs }, (step) => this.deps.logger.info('recommender training', { workspace, step }), this.closing.signal);
      const previous = await this.status(workspace);
      const version: RecsVersion = {
        version: (previous?.current.version ?? 0) + 1,
        trainedAtMs: nowMs,
        dataUntilMs: model.dataUntilMs,
        trainMs: Math.round(performance.now() - started),
        events: data.events,
        report: model.report,
      };
      const body: StoredBody = {
        format: 'recs-registry@1',
        current: { ...version, model: recsModelToJson(model) },
        history: [...(previous === null ? [] : [previous.current, ...previous.history])].slice(0, HISTORY_KEPT - 1),
      };
      await this.deps.storage.uow.run('recs:train', (stores) =>
        stores.segments.putModel(workspace, { kind: RECS_MODEL_KIND, id: CURRENT, body: body as unknown as JsonValue, updatedAtMs: this.deps.clock.nowMs() }),
      );
      const next = install(model, version);
      // Interactions that arrived while training ran are not in its data: replay them onto it.
      for (const p of state.pending) if (p.seq > data.lastSeq) next.popularity.add(p.interactions, p.atMs);
      // The swap: one assignment; a request in flight finishes on the model it started with.
      state.installed = next;
      this.deps.logger.info('recommender trained', { workspace, version: version.version, trainMs: version.trainMs, items: model.items.length, users: model.report.users });
      return version;
    } finally {
      state.pending = null;
    }
  }

  private installed(workspace: WorkspaceId): Installed {
    const installed = this.state(workspace).installed;
    if (installed === null) {
      throw new AppError('ERR_RECS_NOT_TRAINED', 'No recommender trained for this workspace yet', {
        details: [{ field: 'model', message: 'train it with POST /v1/recommendations/train (it also trains daily once product events arrive)' }],
      });
    }
    return installed;
  }

  private placement(workspace: WorkspaceId, key: string | undefined): Placement {
    if (key === undefined) return defaultPlacement();
    return this.state(workspace).placements.get(key) ?? defaultPlacement(key);
  }

  private state(workspace: WorkspaceId): WorkspaceState {
    let state = this.workspaces.get(workspace);
    if (state === undefined) {
      state = { installed: null, placements: new Map(), catalog: new Map(), pending: null };
      this.workspaces.set(workspace, state);
    }
    return state;
  }
}

const INLINE_TRAINER: RecsTrainer = { train: (input, onProgress) => Promise.resolve(trainRecommender({ ...input, onProgress })) };

function withWeights(placement: Placement, weights: RecommendationQuery['weights']): Placement {
  return weights === undefined ? placement : { ...placement, weights: { ...placement.weights, ...weights } };
}

function install(model: RecsModel, version: RecsVersion): Installed {
  const index = indexItems(model.items);
  return { model, version, index, popularity: new LivePopularity(model, index) };
}

function factsOf(item: CatalogItem): ItemFacts {
  return { name: item.name, category: item.category, price: item.price, stock: item.stock };
}

function emptyHistory(): UserHistory {
  return { views: [], purchases: new Map(), cart: [], session: [], segments: [] };
}

/**
 * The live profile in model indices: recent views (the profile keeps the considering window), the
 * purchase history, the cart, and the current session — the trailing views chained by less than
 * the session gap, if the last is within the gap of now.
 */
export function historyOfProfile(profile: ProfileState, index: ReadonlyMap<string, number>, segments: readonly string[], atMs: number): UserHistory {
  const views: { item: number; atMs: number }[] = [];
  for (const view of profile.recentProductViews) {
    const item = index.get(view.productId);
    if (item !== undefined) views.push({ item, atMs: view.atMs });
  }
  const purchases = new Map<number, PurchaseFact>();
  for (const [id, bought] of Object.entries(profile.purchasedProducts.items)) {
    const item = index.get(id);
    if (item !== undefined) purchases.set(item, { lastMs: bought.lastMs, orders: bought.orders });
  }
  const cart: number[] = [];
  for (const id of Object.keys(profile.cart.items)) {
    const item = index.get(id);
    if (item !== undefined) cart.push(item);
  }
  const session: number[] = [];
  let next = atMs;
  for (let t = views.length - 1; t >= 0; t--) {
    const view = views[t] as { item: number; atMs: number };
    if (next - view.atMs > SESSION_GAP_MS || view.atMs > atMs) break;
    session.unshift(view.item);
    next = view.atMs;
  }
  return { views, purchases, cart, session, segments };
}


function parseBody(value: JsonValue): StoredBody | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value['format'] !== 'recs-registry@1') return null;
  return value as unknown as StoredBody;
}

function stripModel(version: RecsVersion & { readonly model?: unknown }): RecsVersion {
  const { model: _model, ...rest } = version;
  return rest;
}
