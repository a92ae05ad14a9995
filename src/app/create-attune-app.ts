import type { ApiKeyScope, Workspace } from '../core/auth/workspace.js';
import { parseCatalogItem } from '../core/catalog/parse-catalog-item.js';
import type { CatalogItem } from '../core/catalog/catalog-item.js';
import { parseComputedTraitDefinition } from '../core/profiles/computed-trait.js';
import type { ProfileSpec } from '../core/profiles/profile-spec.js';
import { DEFAULT_PROFILE_SPEC } from '../core/profiles/profile-spec.js';
import type { WorkspaceId } from '../core/shared/ids.js';
import { DEFAULT_WORKSPACE_ID, asWorkspaceId } from '../core/shared/ids.js';
import type { Clock } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import type { Storage } from '../ports/storage.js';
import type { AppConfig } from './app-config.js';
import { AppError } from './app-error.js';
import type { AttuneApp, CatalogUpsertOutcome, CreatedKey, OverviewView } from './attune-app.js';
import { generateSecret, makeKeyRecord } from './auth/api-keys.js';
import { createAuthenticator } from './auth/authenticator.js';
import { createSessions } from './auth/sessions.js';
import { ActivityCounter } from './dashboard/activity-counter.js';
import { ingestEvents } from './ingest/ingest-events.js';
import { createIngestWriter } from './ingest/ingest-writer.js';
import { getProfileView, resolveLookup } from './profiles/get-profile.js';
import { LookupCache } from './profiles/lookup-cache.js';
import { createProfileCache } from './profiles/profile-cache.js';
import { recoverProfiles } from './profiles/recover-profiles.js';
import { listAllProfileIds, rebuildWorkspace, refoldProfiles } from './rebuild-workspace.js';
import { DEFAULT_RULE_SCHEMA } from '../core/segments/rule-schema.js';
import type { SegmentDefinition } from '../core/segments/segment-definition.js';
import { describeProfileSegments } from './segments/profile-segments.js';
import { SegmentEngine } from './segments/segment-engine.js';
import { SegmentService } from './segments/segment-service.js';
import { startSegmentTimers } from './segments/segment-timers.js';
import { ClusterService } from './segments/cluster-service.js';
import { PersonaService } from './segments/persona-service.js';
import { RfmService } from './segments/rfm-service.js';
import { PredictionService } from './models/prediction-service.js';
import { RecommendationService } from './recs/recommendation-service.js';
import { DecisionService } from './decisions/decision-service.js';
import type { DecisionsApi } from './decisions/decision-service.js';
import { ExperimentRegistry } from './experiments/experiment-registry.js';
import { ExperimentsService } from './experiments/experiments-service.js';
import { ProfileSegmentInput } from './segments/segment-input.js';
import type { TouchedProfiles } from './segments/segment-engine.js';
import type { ProfileState } from '../core/profiles/profile-state.js';
import type { ProfileLookup } from './profiles/profile-lookup.js';
import type { TemplateRenderer } from '../ports/template-renderer.js';
import type { WebhookSender } from '../ports/webhook-sender.js';
import type { RecsTrainer } from '../ports/recs-trainer.js';
import { WebhookDispatcher } from './webhooks/webhook-dispatcher.js';
import { createWebhooksService } from './webhooks/webhooks-service.js';

export interface AttuneAppDeps {
  readonly storage: Storage;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly config: AppConfig;
  /** Sends webhook deliveries; absent: webhooks are stored but not delivered (a warning says so once). */
  readonly webhookSender?: WebhookSender;
  /** Runs recommender trainings off the event loop; absent: inline (serving waits meanwhile). */
  readonly recsTrainer?: RecsTrainer;
  /** Compiles message templates; absent: decision placements with content are refused. */
  readonly templateRenderer?: TemplateRenderer;
  /** Seeds the bandits' exploration (tests); default random. */
  readonly decisionSeed?: number;
}

const AUTH_CACHE_TTL_MS = 5_000;
const RFM_REFIT_AFTER_MS = 24 * 3_600_000;
/** Prediction models are retrained weekly on the latest history (scheduled, before a sweep). */
const MODEL_RETRAIN_AFTER_MS = 7 * 24 * 3_600_000;
const WORKSPACE_SLUG = /^[a-z][a-z0-9-]{0,39}$/;

/** Wires the use cases over one opened storage. The only stateful parts: the writer and the caches. */
export async function createAttuneApp(deps: AttuneAppDeps): Promise<AttuneApp> {
  const { storage, clock, logger, config } = deps;
  const startedAtMs = clock.nowMs();
  const cache = createProfileCache(config.profiles.cacheSize);
  const auth = createAuthenticator({ workspaces: storage.read.workspaces, ttlMs: AUTH_CACHE_TTL_MS, maxEntries: 10_000 });
  const specs = new Map<WorkspaceId, ProfileSpec>();
  const specFor = async (workspace: WorkspaceId): Promise<ProfileSpec> => {
    const cached = specs.get(workspace);
    if (cached !== undefined) return cached;
    const spec: ProfileSpec = {
      ...DEFAULT_PROFILE_SPEC,
      computedTraits: await storage.read.computedTraits.list(workspace),
      behaviorTracks: engine.registry(workspace).tracks,
    };
    specs.set(workspace, spec);
    return spec;
  };
  // Late-bound: the engine runs its steps through the writer, which calls the engine in each commit.
  let exclusive: <T>(fn: () => Promise<T>) => Promise<T> = () => Promise.reject(new Error('writer not started'));
  let flushProfiles: () => Promise<void> = () => Promise.resolve();
  const engine = new SegmentEngine({
    storage,
    cache,
    clock,
    logger,
    schemaFor: () => DEFAULT_RULE_SCHEMA,
    specFor,
    exclusive: (fn) => exclusive(fn),
    flushProfiles: () => flushProfiles(),
    config: { backfillChunkProfiles: config.segments.backfillChunkProfiles, dueBatchProfiles: 5_000 },
  });
  // Definitions first: the profile spec (behavior tracks) depends on them, and recovery folds with it.
  for (const workspace of await storage.read.workspaces.listWorkspaces()) await engine.load(workspace.id);
  const recover = async (workspace: WorkspaceId): Promise<void> => {
    const recovered = await recoverProfiles({ storage, spec: await specFor(workspace) }, workspace);
    if (recovered.events > 0) logger.info('profiles recovered from the log', { workspace, ...recovered });
  };
  // Profiles are written behind the event log (ADR 0004): after an unclean stop, re-derive the ones
  // whose events came after the last flush before serving anything.
  for (const workspace of await storage.read.workspaces.listWorkspaces()) await recover(workspace.id);
  // Late-bound like `exclusive`: the recommendation service is built after the writer.
  let observeRecs: RecommendationService['observe'] = () => () => undefined;
  // Identifier -> profile for the serving paths; forgotten when a merge moves identifiers.
  const lookups = new LookupCache(200_000);
  let observeDecisions: (workspace: WorkspaceId, touched: TouchedProfiles) => void = () => undefined;
  const writer = createIngestWriter({
    uow: storage.uow,
    clock,
    cache,
    logger,
    specFor,
    recover,
    afterBatch: async (stores, workspace, applied) => {
      const segmentsCommitted = await engine.afterBatch(stores, workspace, applied.touched);
      const recsCommitted = observeRecs(workspace, applied.touched.newEvents, applied.lastSeq);
      return () => {
        segmentsCommitted();
        recsCommitted();
        if (applied.touched.mergedAway.size > 0) lookups.forgetWorkspace(workspace);
        // Outcomes of decisions (clicks, orders) are recorded after the commit, in their own transaction.
        if (applied.touched.newEvents.size > 0 || applied.touched.mergedAway.size > 0) observeDecisions(workspace, applied.touched);
      };
    },
    config: {
      maxQueuedEvents: config.ingest.maxQueuedEvents,
      maxEventsPerCommit: config.ingest.maxEventsPerCommit,
      flushIntervalMs: config.profiles.flushIntervalMs,
      maxDirtyProfiles: config.profiles.maxDirtyProfiles,
      flushChunkProfiles: config.profiles.flushChunkProfiles,
    },
  });
  exclusive = (fn) => writer.exclusive(fn);
  flushProfiles = () => writer.flushProfiles();
  /** Lists and counts read the store: make it hold every acknowledged change first. */
  const flushed = async (): Promise<void> => {
    if (cache.dirtySize > 0) await writer.exclusive(() => writer.flushProfiles());
  };

  /** Installs segment definitions; new behavior tracks need every profile refolded from its log. */
  const applyDefinitions = async (workspace: WorkspaceId, definitions: readonly SegmentDefinition[]): Promise<void> => {
    await writer.exclusive(async () => {
      const tracksKey = (w: WorkspaceId): string => engine.registry(w).tracks.map((t) => `${t.key}@${String(t.retentionMs)}`).join('|');
      const before = tracksKey(workspace);
      engine.setDefinitions(workspace, definitions);
      if (tracksKey(workspace) !== before) await refoldWorkspace(workspace);
    });
  };
  const segmentService = new SegmentService({
    storage,
    clock,
    engine,
    schemaFor: () => DEFAULT_RULE_SCHEMA,
    specFor,
    applyDefinitions,
    flushed: () => flushed(),
    config: { previewSampleSize: config.segments.previewSampleSize, previewSampleTtlMs: 60_000 },
  });
  /** A computed trait changed: the segments that read it are evaluated again over every profile. */
  const backfillReaders = async (workspace: WorkspaceId, trait: string): Promise<void> => {
    const readers = engine.registry(workspace).ordered.filter((s) => s.compiled.dependsOn.computed.includes(trait)).map((s) => s.definition.key);
    if (readers.length > 0) await engine.backfill(workspace, new Set(readers));
  };
  const allSegmentKeys = (workspace: WorkspaceId): Set<string> => new Set(engine.registry(workspace).ordered.map((s) => s.definition.key));
  // Workspace models (RFM fit, clusterings): their enrichers are installed before any event is taken.
  const modelDeps = { storage, clock, logger, engine, segments: segmentService, specFor, flushed: () => flushed() };
  const rfmService = new RfmService(modelDeps);
  const predictionService = new PredictionService({ storage, clock, logger, engine, specFor, flushed: () => flushed() });
  const clusterService = new ClusterService(modelDeps);
  const recsService = new RecommendationService({
    storage,
    clock,
    logger,
    async profileOf(workspace, lookup) {
      const profileId = await lookups.resolve(storage.read, workspace, lookup);
      if (profileId === null) return null;
      // The writer's copy when it has one (unflushed, or recently used): no store read on the hot path.
      return cache.get(workspace, profileId) ?? (await storage.read.profiles.getMany(workspace, [profileId])).get(profileId) ?? null;
    },
    segmentsOf: (workspace, profileId) => [...engine.index(workspace).segmentsOf(profileId)],
    segmentMembers: (workspace) => new Map(engine.registry(workspace).ordered.map((s) => [s.definition.key, engine.index(workspace).members(s.definition.key).keys()])),
    segmentName: (workspace, key) => engine.registry(workspace).ordered.find((s) => s.definition.key === key)?.definition.name ?? key,
    flushed: () => flushed(),
    ...(deps.recsTrainer === undefined ? {} : { trainer: deps.recsTrainer }),
    config: { requireConsent: config.recommendations.requireConsent },
  });
  observeRecs = (workspace, newEvents, lastSeq) => recsService.observe(workspace, newEvents, lastSeq);
  const readState = async (workspace: WorkspaceId, lookup: ProfileLookup): Promise<ProfileState | null> => {
    const profileId = await lookups.resolve(storage.read, workspace, lookup);
    if (profileId === null) return null;
    return cache.get(workspace, profileId) ?? (await storage.read.profiles.getMany(workspace, [profileId])).get(profileId) ?? null;
  };
  const experimentRegistry = new ExperimentRegistry({ storage, clock, logger, holdoutShare: config.decisions.holdoutShare });
  const decisionService = new DecisionService({
    experiments: experimentRegistry,
    storage,
    clock,
    logger,
    recommendations: recsService,
    templates: deps.templateRenderer ?? null,
    async profileOf(workspace, lookup, atMs) {
      const state = await readState(workspace, lookup);
      if (state === null) return null;
      const memberships = engine.index(workspace).segmentsOf(state.profileId);
      const input = new ProfileSegmentInput(state, atMs, await specFor(workspace), engine.enrichers(workspace), memberships, engine.predictors(workspace));
      return { state, input, segments: [...memberships] };
    },
    async catalogFacts(workspace, itemId) {
      const item = (await storage.read.catalog.getMany(workspace, [itemId])).get(itemId);
      return item === undefined ? null : { price: item.price, marginRate: item.marginRate };
    },
    config: {
      requireConsent: config.recommendations.requireConsent,
      rewardWindowMs: config.decisions.rewardWindowMs,
      logFlushIntervalMs: config.decisions.logFlushIntervalMs,
      propensityModel: config.decisions.propensityModel,
    },
    ...(deps.decisionSeed === undefined ? {} : { seed: deps.decisionSeed }),
  });
  const experimentsService = new ExperimentsService({
    storage,
    registry: experimentRegistry,
    flushDecisions: () => decisionService.flushLog(),
    segmentsOf: (workspace, profileId) => [...engine.index(workspace).segmentsOf(profileId)],
  });
  observeDecisions = (workspace, touched) => {
    void decisionService.observe(workspace, touched).catch((error: unknown) => logger.error('decision outcomes not recorded', { workspace, error: String(error) }));
  };
  const personaService = new PersonaService(modelDeps);
  const loadModels = async (workspace: WorkspaceId): Promise<void> => {
    await rfmService.load(workspace);
    await predictionService.load(workspace);
    await clusterService.load(workspace);
    await recsService.load(workspace);
    await experimentRegistry.load(workspace);
    await decisionService.load(workspace);
  };
  for (const workspace of await storage.read.workspaces.listWorkspaces()) await loadModels(workspace.id);
  const timers = startSegmentTimers({
    engine,
    logger,
    dueCheckIntervalMs: config.segments.dueCheckIntervalMs,
    sweepIntervalMs: config.segments.sweepIntervalMs,
    // RFM cut points follow the population: refitted once they are a day old (then swept as usual).
    beforeSweep: async (workspace) => {
      await rfmService.refitIfOlderThan(workspace, RFM_REFIT_AFTER_MS);
      await predictionService.retrainOlderThan(workspace, MODEL_RETRAIN_AFTER_MS);
      await recsService.retrainOlderThan(workspace, config.recommendations.retrainIntervalMs);
    },
  });

  const createKey = async (input: { workspaceId: WorkspaceId; name: string; scope: ApiKeyScope; secret?: string }): Promise<CreatedKey> => {
    const secret = input.secret ?? generateSecret(input.scope);
    const record = makeKeyRecord({ workspaceId: input.workspaceId, name: input.name, scope: input.scope, secret, nowMs: clock.nowMs() });
    await storage.uow.run('keys:create', (stores) => stores.workspaces.putKey(record));
    auth.invalidate();
    return { record, secret };
  };

  /** Recomputes every profile of the workspace with its current spec (after computed traits change). */
  const refoldWorkspace = async (workspace: WorkspaceId): Promise<void> => {
    await writer.exclusive(async () => {
      await writer.flushProfiles();
      specs.delete(workspace);
      cache.clearWorkspace(workspace);
      await refoldProfiles({ storage, spec: await specFor(workspace) }, workspace, await listAllProfileIds(storage, workspace));
    });
  };

  // Webhooks: the dispatcher delivers membership changes after each commit; it starts here, as the
  // app is returned (its first pass runs asynchronously), and stops in close() before the writer.
  const webhookDispatcher =
    deps.webhookSender === undefined
      ? null
      : new WebhookDispatcher({
          storage,
          clock,
          logger,
          sender: deps.webhookSender,
          workspaceIds: () => engine.workspaceIds(),
          subscribe: (workspace, listener) => engine.subscribe(workspace, listener),
        });
  let warnedNoWebhookSender = false;
  const webhooks = createWebhooksService({
    storage,
    clock,
    changed: (workspace) => {
      if (webhookDispatcher !== null) webhookDispatcher.wake(workspace);
      else if (!warnedNoWebhookSender) {
        warnedNoWebhookSender = true;
        logger.warn('webhooks are stored but not delivered: no webhook sender is configured');
      }
    },
  });
  webhookDispatcher?.start();

  const dashboard = createSessions({ storage, clock, authenticator: auth, ttlMs: config.dashboard.sessionTtlMs });
  // Activity for the dashboard overview, counted where it happens (never by scanning the logs).
  const ingested = new Map<WorkspaceId, ActivityCounter>();
  const decided = new Map<WorkspaceId, ActivityCounter>();
  const counterOf = (counters: Map<WorkspaceId, ActivityCounter>, workspace: WorkspaceId, bucketMs: number, buckets: number): ActivityCounter => {
    let counter = counters.get(workspace);
    if (counter === undefined) {
      counter = new ActivityCounter({ bucketMs, buckets });
      counters.set(workspace, counter);
    }
    return counter;
  };
  const ingestCounter = (workspace: WorkspaceId): ActivityCounter => counterOf(ingested, workspace, 1_000, 3_600);
  const decisionCounter = (workspace: WorkspaceId): ActivityCounter => counterOf(decided, workspace, 60_000, 24 * 60);
  // The decision service as the app exposes it, with decide() counted; every other member is the
  // service's own, called on the service (a Proxy, so the DecisionsApi surface is not copied here).
  const countedDecide: DecisionsApi['decide'] = async (workspace, request) => {
    const view = await decisionService.decide(workspace, request);
    decisionCounter(workspace).add(clock.nowMs(), 1);
    return view;
  };
  const decisions: DecisionsApi = new Proxy<DecisionsApi>(decisionService, {
    get(target, property) {
      if (property === 'decide') return countedDecide;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  const overview = async (workspace: WorkspaceId): Promise<OverviewView> => {
    const nowMs = clock.nowMs();
    await flushed();
    const [profiles, events, identitiesMerged, segmentList, modelList, recs] = await Promise.all([
      storage.read.profiles.count(workspace),
      storage.read.events.count(workspace),
      storage.read.identities.countMerges(workspace),
      segmentService.list(workspace),
      predictionService.list(workspace),
      recsService.status(workspace),
    ]);
    const ingest = ingestCounter(workspace);
    return {
      profiles,
      events,
      identitiesMerged,
      eventsPerSecond: { last1m: ingest.sum(nowMs, 60_000) / 60, last1h: ingest.sum(nowMs, 3_600_000) / 3_600 },
      segments: segmentList.map((s) => ({ key: s.definition.key, name: s.definition.name, size: s.size })),
      models: modelList.map((m) => ({ key: m.key, kind: m.kind, version: m.version, trainedAtMs: m.trainedAtMs, auc: m.metrics?.auc ?? null })),
      recommender: recs === null ? null : { version: recs.current.version, trainedAtMs: recs.current.trainedAtMs },
      experiments: experimentsService.list(workspace).map((e) => ({ key: e.key, placement: e.placement, status: e.status, arms: e.arms.length })),
      decisionsLast24h: decisionCounter(workspace).sum(nowMs, 24 * 3_600_000),
    };
  };

  return {
    authenticate: (secret) => auth.authenticate(secret, clock.nowMs()),
    async ingest(request) {
      const outcome = await ingestEvents({ writer, config: config.ingest }, request);
      ingestCounter(request.workspaceId).add(clock.nowMs(), outcome.accepted);
      return outcome;
    },
    async getProfile(workspace, lookup, nowMs) {
      const spec = await specFor(workspace);
      return getProfileView(storage.read, workspace, {
        lookup,
        nowMs,
        spec,
        unflushed: (id) => cache.getDirty(workspace, id),
        segmentsOf: (state) => describeProfileSegments(engine, workspace, state, nowMs, spec),
        predictedOf: (features) => predictionService.scoresOf(workspace, features, nowMs),
      });
    },
    async getTimeline(workspace, lookup, opts) {
      const profileId = await resolveLookup(storage.read, workspace, lookup);
      if (profileId === null) return null;
      const exists =
        cache.getDirty(workspace, profileId) !== undefined || (await storage.read.profiles.getMany(workspace, [profileId])).has(profileId);
      return exists ? storage.read.events.listTimeline(workspace, profileId, opts) : null;
    },
    async listProfiles(workspace, opts) {
      await flushed();
      return storage.read.profiles.list(workspace, opts);
    },
    async countProfiles(workspace) {
      await flushed();
      return storage.read.profiles.count(workspace);
    },
    createKey: (input) => createKey(input),
    listKeys: (workspace) => storage.read.workspaces.listKeys(workspace),
    async revokeKey(workspace, id) {
      const key = await storage.read.workspaces.getKey(id);
      if (key === null || key.workspaceId !== workspace || key.revokedAtMs !== null) return false;
      await storage.uow.run('keys:revoke', (stores) => stores.workspaces.putKey({ ...key, revokedAtMs: clock.nowMs() }));
      auth.invalidate();
      return true;
    },
    async upsertCatalog(workspace, raws): Promise<CatalogUpsertOutcome> {
      const nowMs = clock.nowMs();
      const items: CatalogItem[] = [];
      const rejected: { index: number; field: string | null; message: string }[] = [];
      raws.forEach((raw, index) => {
        const parsed = parseCatalogItem(raw, nowMs);
        if (parsed.ok) items.push(parsed.value);
        else rejected.push({ index, ...parsed.error });
      });
      if (items.length > 0) await storage.uow.run('catalog:upsert', (stores) => stores.catalog.putMany(workspace, items));
      recsService.catalogChanged(workspace, items, []);
      return { accepted: items.length, rejected };
    },
    async getCatalogItem(workspace, id) {
      return (await storage.read.catalog.getMany(workspace, [id])).get(id) ?? null;
    },
    listCatalog: (workspace, opts) => storage.read.catalog.list(workspace, opts),
    async deleteCatalogItem(workspace, id) {
      const deleted = (await storage.uow.run('catalog:delete', (stores) => stores.catalog.deleteMany(workspace, [id]))) > 0;
      recsService.catalogChanged(workspace, [], [id]);
      return deleted;
    },
    listComputedTraits: (workspace) => storage.read.computedTraits.list(workspace),
    async putComputedTrait(workspace, raw) {
      const parsed = parseComputedTraitDefinition(raw);
      if (!parsed.ok) {
        throw new AppError('ERR_COMPUTED_TRAIT_INVALID', 'The computed trait definition is invalid', { details: parsed.error });
      }
      await storage.uow.run('computed-traits:put', (stores) => stores.computedTraits.put(workspace, parsed.value));
      await refoldWorkspace(workspace);
      await backfillReaders(workspace, parsed.value.name);
      return parsed.value;
    },
    async deleteComputedTrait(workspace, name) {
      const deleted = await storage.uow.run('computed-traits:delete', (stores) => stores.computedTraits.delete(workspace, name));
      if (deleted) {
        await refoldWorkspace(workspace);
        await backfillReaders(workspace, name);
      }
      return deleted;
    },
    listWorkspaces: () => storage.read.workspaces.listWorkspaces(),
    async createWorkspace(input) {
      if (!WORKSPACE_SLUG.test(input.slug)) {
        throw new AppError('ERR_VALIDATION', 'Invalid workspace slug', {
          details: [{ field: 'slug', message: 'use 1 to 40 lowercase letters, digits or dashes, starting with a letter' }],
        });
      }
      const id = asWorkspaceId(`ws_${input.slug}`);
      if ((await storage.read.workspaces.getWorkspace(id)) !== null) {
        throw new AppError('ERR_WORKSPACE_EXISTS', `Workspace ${id} already exists`, { details: [{ field: 'slug', message: 'taken' }] });
      }
      const workspace: Workspace = { id, name: input.name, createdAtMs: clock.nowMs() };
      await storage.uow.run('workspaces:create', (stores) => stores.workspaces.putWorkspace(workspace));
      await engine.load(id);
      await loadModels(id);
      const keys = [
        await createKey({ workspaceId: id, name: 'admin', scope: 'admin' }),
        await createKey({ workspaceId: id, name: 'write', scope: 'write' }),
      ];
      logger.info('workspace created', { workspace: id, generatedKeys: keys.length });
      return { workspace, keys };
    },
    async bootstrap(input) {
      if ((await storage.read.workspaces.listWorkspaces()).length > 0) return null;
      const workspace: Workspace = { id: DEFAULT_WORKSPACE_ID, name: 'default', createdAtMs: clock.nowMs() };
      await storage.uow.run('bootstrap', (stores) => stores.workspaces.putWorkspace(workspace));
      await engine.load(workspace.id);
      await loadModels(workspace.id);
      const admin = await createKey({ workspaceId: workspace.id, name: 'admin', scope: 'admin', ...(input.adminSecret === null ? {} : { secret: input.adminSecret }) });
      const write = await createKey({ workspaceId: workspace.id, name: 'write', scope: 'write', ...(input.writeSecret === null ? {} : { secret: input.writeSecret }) });
      const generated = [input.adminSecret === null ? admin : null, input.writeSecret === null ? write : null].filter((k) => k !== null);
      const supplied = [input.adminSecret === null ? null : admin.record, input.writeSecret === null ? null : write.record].filter((k) => k !== null);
      logger.info('workspace created', { workspace: workspace.id, generatedKeys: generated.length });
      return { workspace, generated, supplied };
    },
    async rebuild(workspace, onProgress) {
      const outcome = await writer.exclusive(async () => {
        await writer.flushProfiles();
        specs.delete(workspace);
        cache.clearWorkspace(workspace);
        engine.resetFacts(workspace);
        return rebuildWorkspace({ storage, clock, spec: await specFor(workspace) }, workspace, onProgress);
      });
      lookups.forgetWorkspace(workspace);
      // Profile ids come out the same, so memberships stay valid: re-evaluating every segment over the
      // rebuilt profiles records only real differences (no burst of re-enters for webhook receivers).
      if (engine.registry(workspace).ordered.length > 0) await engine.backfill(workspace, allSegmentKeys(workspace));
      return outcome;
    },
    segments: {
      list: (workspace) => segmentService.list(workspace),
      get: (workspace, key) => segmentService.get(workspace, key),
      create: (workspace, input, onProgress) => segmentService.put(workspace, input, { create: true, ...(onProgress === undefined ? {} : { onProgress }) }),
      update: (workspace, key, input, onProgress) =>
        segmentService.put(workspace, { ...input, key }, { create: false, ...(onProgress === undefined ? {} : { onProgress }) }),
      delete: (workspace, key) => segmentService.delete(workspace, key),
      preview: (workspace, input) => segmentService.preview(workspace, input),
      overlap: (workspace, keys) => segmentService.overlap(workspace, keys),
      members: (workspace, key, opts) => segmentService.members(workspace, key, opts),
      exportMembers: (workspace, key, opts) => segmentService.exportMembers(workspace, key, opts),
      sizeOverTime: (workspace, key) => segmentService.sizeOverTime(workspace, key),
      changes: (workspace, opts) => segmentService.changes(workspace, opts),
      subscribe: (workspace, listener) => engine.subscribe(workspace, listener),
      isMember: (workspace, key, profileId) => engine.index(workspace).has(key, profileId),
      runDue: (workspace) => engine.runDue(workspace),
      backfill: (workspace, keys, onProgress) => engine.backfill(workspace, keys === null ? allSegmentKeys(workspace) : new Set(keys), onProgress),
      persona: (workspace, key) => personaService.describe(workspace, key),
    },
    webhooks,
    predictions: predictionService,
    rfm: rfmService,
    clusterings: clusterService,
    recommendations: recsService,
    decisions,
    experiments: experimentsService,
    sessions: dashboard.sessions,
    users: dashboard.users,
    overview,
    health: () => ({ status: 'ok', storage: storage.engine, uptimeMs: clock.nowMs() - startedAtMs, ingestQueueDepth: writer.depth(),
      unflushedProfiles: cache.dirtySize,
    }),
    async close() {
      await timers.stop();
      recsService.close();
      await decisionService.close();
      await webhookDispatcher?.close();
      await writer.close();
      await storage.close();
    },
  };
}
