import type { NormalizedEvent } from '../../core/events/event.js';
import type { ProfileSpec } from '../../core/profiles/profile-spec.js';
import type { ProfileState } from '../../core/profiles/profile-state.js';
import type { CompiledRule } from '../../core/segments/compiled-rule.js';
import { compileSegmentRule } from '../../core/segments/compile-segment-rule.js';
import type { RuleSchema } from '../../core/segments/rule-schema.js';
import type { SegmentDefinition } from '../../core/segments/segment-definition.js';
import type { ProfileId, WorkspaceId } from '../../core/shared/ids.js';
import type { EpochMs } from '../../core/shared/time.js';
import type { Clock } from '../../ports/clock.js';
import type { Logger } from '../../ports/logger.js';
import type { MembershipChange, NewMembershipChange } from '../../ports/segment-store.js';
import type { Storage, Stores } from '../../ports/storage.js';
import type { ProfileCache } from '../profiles/profile-cache.js';
import { DueQueue } from './due-queue.js';
import type { ProfileEvaluation } from './evaluate-profile-segments.js';
import { affectedBy, evaluateProfileSegments, evaluateSegmentsOf } from './evaluate-profile-segments.js';
import { FactColumns, staticPathsIn, staticPathsOf } from './fact-columns.js';
import type { ProfileMemberships } from './membership-index.js';
import { MembershipIndex } from './membership-index.js';
import type { FeatureEnricher, ProfileSegmentInput, ScorePredictor } from './segment-input.js';
import type { LiveSegment, SegmentRegistry } from './segment-registry.js';
import { EMPTY_REGISTRY, buildSegmentRegistry } from './segment-registry.js';

export interface SegmentEngineDeps {
  readonly storage: Storage;
  readonly cache: ProfileCache;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly schemaFor: (workspace: WorkspaceId) => RuleSchema;
  /** The workspace's profile spec (with the behavior tracks of the current registry). */
  readonly specFor: (workspace: WorkspaceId) => Promise<ProfileSpec>;
  /** Runs fn with ingestion paused and drained (the ingest writer's exclusive). */
  readonly exclusive: <T>(fn: () => Promise<T>) => Promise<T>;
  /** Writes every unflushed profile (call inside exclusive). */
  readonly flushProfiles: () => Promise<void>;
  readonly config: {
    /** Profiles evaluated per backfill step; ingestion runs between steps. */
    readonly backfillChunkProfiles: number;
    /** Most profiles re-evaluated per scheduled (time-window) tick. */
    readonly dueBatchProfiles: number;
  };
}

/** What one batch of ingested events did to one workspace's profiles (from applyEventBatch). */
export interface TouchedProfiles {
  readonly newEvents: ReadonlyMap<ProfileId, readonly NormalizedEvent[]>;
  /** Replayed from the log after a merge: every segment is re-evaluated for them. */
  readonly replayed: ReadonlySet<ProfileId>;
  /** Merged into another profile: they leave every segment. */
  readonly mergedAway: ReadonlySet<ProfileId>;
}

export interface BackfillProgress {
  readonly profilesDone: number;
  readonly profilesTotal: number;
}

export interface BackfillOutcome {
  /**
   * 'memory': every rule read only values held in the fact columns (a pass over memory);
   * 'scan': every stored profile was read.
   */
  readonly mode: 'memory' | 'scan';
  readonly profiles: number;
  readonly entered: number;
  readonly exited: number;
  readonly elapsedMs: number;
}

export type MembershipListener = (changes: readonly MembershipChange[]) => void;

/** Profiles evaluated per exclusive step of a memory backfill (a step takes tens of ms). */
const MEMORY_BACKFILL_CHUNK_ROWS = 50_000;

/** What one evaluation pass produced, applied to the store in one transaction, then to memory. */
interface Pass {
  readonly changes: NewMembershipChange[];
  readonly dueUpdates: Map<ProfileId, EpochMs | null>;
  /** Evaluated profiles: their static values go to the fact columns once the pass committed. */
  readonly facts: [ProfileId, ProfileSegmentInput][];
  /** Merged-away profiles, to drop from the fact columns. */
  readonly removed: ProfileId[];
}

function newPass(): Pass {
  return { changes: [], dueUpdates: new Map(), facts: [], removed: [] };
}

function scheduleOf(pass: Pass): { readonly profileId: ProfileId; readonly dueAtMs: EpochMs | null }[] {
  return [...pass.dueUpdates].map(([profileId, dueAtMs]) => ({ profileId, dueAtMs }));
}

/** The static paths any segment reads (columns worth keeping: a new rule over them backfills in memory). */
function factPathsOf(registry: SegmentRegistry): Set<string> {
  const paths = new Set<string>();
  for (const segment of registry.ordered) for (const path of staticPathsIn(segment.compiled)) paths.add(path);
  return paths;
}

interface WorkspaceSegments {
  registry: SegmentRegistry;
  readonly index: MembershipIndex;
  /** Static values the segments read, per profile: backfills of rules over them run in memory. */
  readonly facts: FactColumns;
  readonly due: DueQueue;
  enrichers: readonly FeatureEnricher[];
  predictors: readonly ScorePredictor[];
  readonly listeners: Set<MembershipListener>;
}

/**
 * Real-time segment membership. Definitions are compiled once; each ingested batch re-evaluates,
 * inside its own transaction, only the segments its events can affect, so memberships and their
 * history commit (and are acknowledged) with the events that caused them. Memberships live in
 * memory for decision-time checks; time windows are re-evaluated when due with no new event.
 */
export class SegmentEngine {
  private readonly workspaces = new Map<WorkspaceId, WorkspaceSegments>();

  private readonly deps: SegmentEngineDeps;

  constructor(deps: SegmentEngineDeps) {
    this.deps = deps;
  }

  /** Loads definitions, memberships and the schedule of a workspace (at start, or when first seen). */
  async load(workspace: WorkspaceId): Promise<void> {
    const stores = this.deps.storage.read;
    const ws: WorkspaceSegments = {
      registry: EMPTY_REGISTRY,
      index: new MembershipIndex(),
      facts: new FactColumns(),
      due: new DueQueue(),
      enrichers: this.workspaces.get(workspace)?.enrichers ?? [],
      predictors: this.workspaces.get(workspace)?.predictors ?? [],
      listeners: this.workspaces.get(workspace)?.listeners ?? new Set(),
    };
    ws.registry = this.compileAll(workspace, await stores.segments.listDefinitions(workspace));
    ws.facts.want(factPathsOf(ws.registry));
    for (const m of await stores.segments.listAllMemberships(workspace)) ws.index.enter(m.segmentKey, m.profileId, m.enteredAtMs);
    for (const entry of await stores.segments.listSchedule(workspace)) ws.due.set(entry.profileId, entry.dueAtMs);
    this.workspaces.set(workspace, ws);
  }

  registry(workspace: WorkspaceId): SegmentRegistry {
    return this.workspaces.get(workspace)?.registry ?? EMPTY_REGISTRY;
  }

  /** Replaces the compiled set after a definition changed (the caller refolds when tracks changed). */
  setDefinitions(workspace: WorkspaceId, definitions: readonly SegmentDefinition[]): SegmentRegistry {
    const ws = this.state(workspace);
    ws.registry = this.compileAll(workspace, definitions);
    ws.facts.want(factPathsOf(ws.registry));
    // Without segments no profile is evaluated, so new profiles would be missing from the rows.
    if (ws.registry.ordered.length === 0) ws.facts.clear();
    return ws.registry;
  }

  setEnrichers(workspace: WorkspaceId, enrichers: readonly FeatureEnricher[]): void {
    this.state(workspace).enrichers = enrichers;
  }

  enrichers(workspace: WorkspaceId): readonly FeatureEnricher[] {
    return this.workspaces.get(workspace)?.enrichers ?? [];
  }

  /** Installs the workspace's model scores (`predicted.<key>`), replacing those of the same keys. */
  setPredictors(workspace: WorkspaceId, predictors: readonly ScorePredictor[]): void {
    this.state(workspace).predictors = predictors;
  }

  predictors(workspace: WorkspaceId): readonly ScorePredictor[] {
    return this.workspaces.get(workspace)?.predictors ?? [];
  }

  /** The segments a profile is in now: a memory lookup. */
  segmentsOf(workspace: WorkspaceId, profileId: ProfileId): ReadonlySet<string> {
    return this.state(workspace).index.segmentsOf(profileId);
  }

  index(workspace: WorkspaceId): MembershipIndex {
    return this.state(workspace).index;
  }

  subscribe(workspace: WorkspaceId, listener: MembershipListener): () => void {
    const listeners = this.state(workspace).listeners;
    listeners.add(listener);
    return () => listeners.delete(listener);
  }

  /** Profiles waiting for a scheduled re-evaluation (health and tests). */
  scheduledCount(workspace: WorkspaceId): number {
    return this.workspaces.get(workspace)?.due.size ?? 0;
  }

  /**
   * Inside the ingest transaction: evaluates the profiles a batch touched and records the changes.
   * Returns what to do once the transaction has committed (update memory, notify); nothing is
   * visible before that, so a failed commit leaves memory as the store is.
   */
  async afterBatch(stores: Stores, workspace: WorkspaceId, touched: TouchedProfiles): Promise<() => void> {
    const ws = this.state(workspace);
    const nowMs = this.deps.clock.nowMs();
    const pass = newPass();
    for (const from of touched.mergedAway) {
      for (const key of ws.index.segmentsOf(from)) {
        pass.changes.push({ segmentKey: key, profileId: from, kind: 'exit', atMs: nowMs, reasons: ['merged into another profile'], segmentVersion: ws.registry.byKey.get(key)?.definition.version ?? 0 });
      }
      if (ws.due.get(from) !== undefined) pass.dueUpdates.set(from, null);
      pass.removed.push(from);
    }
    if (ws.registry.ordered.length > 0) {
      const spec = await this.deps.specFor(workspace);
      const ids = new Set<ProfileId>([...touched.newEvents.keys(), ...touched.replayed]);
      for (const id of ids) {
        const state = this.deps.cache.get(workspace, id);
        if (state === undefined) continue;
        const events = touched.newEvents.get(id) ?? [];
        const select = touched.replayed.has(id) ? (): boolean => true : affectedBy(events);
        this.evaluateInto(ws, state, nowMs, spec, select, pass);
      }
    }
    if (pass.changes.length === 0 && pass.dueUpdates.size === 0) return () => this.commit(ws, [], pass);
    const recorded = pass.changes.length > 0 ? await stores.segments.applyChanges(workspace, pass.changes) : [];
    if (pass.dueUpdates.size > 0) await stores.segments.putSchedule(workspace, scheduleOf(pass));
    return () => this.commit(ws, recorded, pass);
  }

  /**
   * Re-evaluates the time-relative segments of profiles whose windows are due (no new event came).
   * Runs with ingestion paused, a bounded batch at a time; returns how many profiles it looked at.
   */
  async runDue(workspace: WorkspaceId): Promise<number> {
    const ws = this.workspaces.get(workspace);
    if (ws === undefined) return 0;
    const nowMs = this.deps.clock.nowMs();
    const next = ws.due.peek();
    if (next === null || next > nowMs) return 0;
    return this.deps.exclusive(async () => {
      const ids = ws.due.popDue(this.deps.clock.nowMs(), this.deps.config.dueBatchProfiles);
      if (ids.length === 0) return 0;
      const spec = await this.deps.specFor(workspace);
      const states = await this.statesOf(workspace, ids);
      const pass = newPass();
      for (const id of ids) pass.dueUpdates.set(id, null);
      for (const state of states.values()) {
        // Forget the old instant: this pass computes the next one from every time-relative segment.
        this.evaluateInto(ws, state, nowMs, spec, (segment) => segment.timeRelative, pass, true);
      }
      await this.record(workspace, ws, pass);
      return ids.length;
    });
  }

  /**
   * Evaluates `keys` (and the segments that depend on them) over every profile and records the
   * differences: after a segment is created or edited, and for periodic sweeps. When every rule
   * involved reads only values the fact columns hold, this is a pass over memory; otherwise every
   * stored profile is read (which also fills the columns). Ingestion continues between chunks;
   * the segments are already live, so a profile changed meanwhile is evaluated by its event and
   * comes out the same here.
   */
  async backfill(workspace: WorkspaceId, keys: ReadonlySet<string>, onProgress?: (progress: BackfillProgress) => void): Promise<BackfillOutcome> {
    const ws = this.state(workspace);
    const paths = this.memoryPathsFor(ws, keys);
    return paths === null ? this.backfillByScan(workspace, ws, keys, onProgress) : this.backfillInMemory(workspace, ws, keys, paths, onProgress);
  }

  /** Records exits for every member (a deleted segment), in chunks, then forgets the segment. */
  async removeSegment(workspace: WorkspaceId, key: string, reason: string): Promise<number> {
    const ws = this.state(workspace);
    const version = ws.registry.byKey.get(key)?.definition.version ?? 0;
    const members = [...ws.index.members(key).keys()];
    const chunk = this.deps.config.backfillChunkProfiles;
    for (let start = 0; start < members.length; start += chunk) {
      const nowMs = this.deps.clock.nowMs();
      const pass = newPass();
      for (const profileId of members.slice(start, start + chunk)) {
        pass.changes.push({ segmentKey: key, profileId, kind: 'exit', atMs: nowMs, reasons: [reason], segmentVersion: version });
      }
      await this.deps.exclusive(() => this.record(workspace, ws, pass));
    }
    ws.index.dropSegment(key);
    return members.length;
  }

  /** Forgets the fact columns' rows (after a rebuild): the next scan fills them again. */
  resetFacts(workspace: WorkspaceId): void {
    this.state(workspace).facts.clear();
  }

  /**
   * The static paths to read when `keys` can be backfilled from memory: every segment read
   * reads only static values held in complete columns, and no other segment reads one of them
   * (its dependents would need their profiles). Null otherwise.
   */
  private memoryPathsFor(ws: WorkspaceSegments, keys: ReadonlySet<string>): string[] | null {
    const paths = new Set<string>();
    for (const key of keys) {
      const segment = ws.registry.byKey.get(key);
      const read = segment === undefined ? null : staticPathsOf(segment.compiled);
      if (read === null) return null;
      for (const path of read) paths.add(path);
    }
    if (ws.registry.ordered.some((s) => !keys.has(s.definition.key) && s.dependsOnSegments.some((k) => keys.has(k)))) return null;
    const sorted = [...paths].sort();
    return ws.facts.serves(sorted) ? sorted : null;
  }

  private async backfillInMemory(
    workspace: WorkspaceId,
    ws: WorkspaceSegments,
    keys: ReadonlySet<string>,
    paths: readonly string[],
    onProgress: ((progress: BackfillProgress) => void) | undefined,
  ): Promise<BackfillOutcome> {
    const startedMs = this.deps.clock.nowMs();
    // No other segment reads these (memoryPathsFor checked), so only they are evaluated.
    const only: SegmentRegistry = { ...ws.registry, ordered: ws.registry.ordered.filter((segment) => keys.has(segment.definition.key)) };
    const all = (): boolean => true;
    const reader = ws.facts.rowReader(paths);
    let view: ProfileMemberships | null = null;
    const chunk = MEMORY_BACKFILL_CHUNK_ROWS;
    let profiles = 0;
    let entered = 0;
    let exited = 0;
    onProgress?.({ profilesDone: 0, profilesTotal: ws.facts.rows });
    for (let start = 0; start < ws.facts.rows; start += chunk) {
      // Ingestion runs between chunks; rows added meanwhile were evaluated by their events.
      await this.deps.exclusive(async () => {
        const nowMs = this.deps.clock.nowMs();
        const pass = newPass();
        const end = Math.min(ws.facts.rows, start + chunk);
        for (let row = start; row < end; row++) {
          const id = ws.facts.profileAt(row);
          if (id === null) continue;
          const segments = view === null ? (view = ws.index.viewOf(id)) : view.reset(id);
          const result = evaluateSegmentsOf(only, reader.at(row, segments), segments, nowMs, all);
          this.collect(ws, id, result, nowMs, pass, false);
          profiles++;
        }
        for (const change of pass.changes) {
          if (change.kind === 'enter') entered++;
          else exited++;
        }
        await this.record(workspace, ws, pass);
      });
      onProgress?.({ profilesDone: Math.min(ws.facts.rows, start + chunk), profilesTotal: ws.facts.rows });
    }
    return { mode: 'memory', profiles, entered, exited, elapsedMs: this.deps.clock.nowMs() - startedMs };
  }

  private async backfillByScan(
    workspace: WorkspaceId,
    ws: WorkspaceSegments,
    keys: ReadonlySet<string>,
    onProgress: ((progress: BackfillProgress) => void) | undefined,
  ): Promise<BackfillOutcome> {
    const startedMs = this.deps.clock.nowMs();
    const storage = this.deps.storage;
    const { total, scan } = await this.deps.exclusive(async () => {
      await this.deps.flushProfiles();
      // Every profile exists in the store from here on; each one is recorded below or by its events.
      return { total: await storage.read.profiles.count(workspace), scan: ws.facts.scanStarted() };
    });
    let afterId: ProfileId | null = null;
    let done = 0;
    let entered = 0;
    let exited = 0;
    onProgress?.({ profilesDone: 0, profilesTotal: total });
    for (;;) {
      const finished = await this.deps.exclusive(async () => {
        const page = await storage.read.profiles.list(workspace, { afterId, limit: this.deps.config.backfillChunkProfiles });
        const last = page.at(-1);
        if (last === undefined) return true;
        const spec = await this.deps.specFor(workspace);
        const nowMs = this.deps.clock.nowMs();
        const pass = newPass();
        for (const stored of page) {
          const state = this.deps.cache.getDirty(workspace, stored.profileId) ?? stored;
          this.evaluateInto(ws, state, nowMs, spec, (segment) => keys.has(segment.definition.key), pass);
        }
        entered += pass.changes.filter((c) => c.kind === 'enter').length;
        exited += pass.changes.filter((c) => c.kind === 'exit').length;
        await this.record(workspace, ws, pass);
        afterId = last.profileId;
        done += page.length;
        return false;
      });
      onProgress?.({ profilesDone: done, profilesTotal: Math.max(total, done) });
      if (finished) break;
    }
    ws.facts.scanFinished(scan);
    return { mode: 'scan', profiles: done, entered, exited, elapsedMs: this.deps.clock.nowMs() - startedMs };
  }

  private compileAll(workspace: WorkspaceId, definitions: readonly SegmentDefinition[]): SegmentRegistry {
    const schema = this.deps.schemaFor(workspace);
    const compiled: { definition: SegmentDefinition; compiled: CompiledRule }[] = [];
    for (const definition of definitions) {
      const result = compileSegmentRule(definition.rule, schema);
      if (result.ok) compiled.push({ definition, compiled: result.value });
      // A stored rule that no longer compiles (a feature removed by an upgrade) is left out, loudly.
      else this.deps.logger.error('stored segment rule does not compile; segment disabled', { workspace, segment: definition.key, problems: result.error.length });
    }
    return buildSegmentRegistry(compiled);
  }

  private evaluateInto(
    ws: WorkspaceSegments,
    state: ProfileState,
    nowMs: EpochMs,
    spec: ProfileSpec,
    select: (segment: LiveSegment) => boolean,
    pass: Pass,
    replaceDue = false,
  ): void {
    const id = state.profileId;
    const result = evaluateProfileSegments({ registry: ws.registry, state, nowMs, spec, enrichers: ws.enrichers, predictors: ws.predictors, current: ws.index.viewOf(id), select });
    this.collect(ws, id, result, nowMs, pass, replaceDue);
    pass.facts.push([id, result.input]);
  }

  private collect(ws: WorkspaceSegments, id: ProfileId, result: ProfileEvaluation, nowMs: EpochMs, pass: Pass, replaceDue: boolean): void {
    for (const change of result.changes) pass.changes.push({ ...change, profileId: id, atMs: nowMs });
    // Nothing new about time: the profile keeps the instant it has (most evaluations).
    if (result.nextDueAtMs === null && !replaceDue) return;
    // Only the segments evaluated here report their next instant; the others keep theirs, so the
    // profile is due at the earlier of the two. Early is harmless (the pass finds nothing to change).
    const previous = replaceDue ? null : (pass.dueUpdates.get(id) ?? ws.due.get(id) ?? null);
    const next = result.nextDueAtMs === null ? previous : previous === null ? result.nextDueAtMs : Math.min(previous, result.nextDueAtMs);
    if (replaceDue || next !== (ws.due.get(id) ?? null)) pass.dueUpdates.set(id, next);
  }

  private async record(workspace: WorkspaceId, ws: WorkspaceSegments, pass: Pass): Promise<void> {
    let recorded: readonly MembershipChange[] = [];
    if (pass.changes.length > 0 || pass.dueUpdates.size > 0) {
      recorded = await this.deps.storage.uow.run('segments:record', async (stores) => {
        const out = pass.changes.length > 0 ? await stores.segments.applyChanges(workspace, pass.changes) : [];
        if (pass.dueUpdates.size > 0) await stores.segments.putSchedule(workspace, scheduleOf(pass));
        return out;
      });
    }
    this.commit(ws, recorded, pass);
  }

  /** After the pass's transaction committed: memory follows the store, then listeners hear of it. */
  private commit(ws: WorkspaceSegments, recorded: readonly MembershipChange[], pass: Pass): void {
    for (const change of recorded) {
      if (change.kind === 'enter') ws.index.enter(change.segmentKey, change.profileId, change.atMs);
      else ws.index.exit(change.segmentKey, change.profileId);
    }
    for (const [id, atMs] of pass.dueUpdates) ws.due.set(id, atMs);
    for (const [id, input] of pass.facts) ws.facts.record(id, input);
    for (const id of pass.removed) ws.facts.remove(id);
    if (recorded.length === 0) return;
    for (const listener of ws.listeners) {
      try {
        listener(recorded);
      } catch (error: unknown) {
        this.deps.logger.error('membership listener failed', { message: error instanceof Error ? error.message : 'unknown' });
      }
    }
  }

  private async statesOf(workspace: WorkspaceId, ids: readonly ProfileId[]): Promise<Map<ProfileId, ProfileState>> {
    const out = new Map<ProfileId, ProfileState>();
    const missing: ProfileId[] = [];
    for (const id of ids) {
      const cached = this.deps.cache.get(workspace, id);
      if (cached === undefined) missing.push(id);
      else out.set(id, cached);
    }
    if (missing.length > 0) for (const [id, state] of await this.deps.storage.read.profiles.getMany(workspace, missing)) out.set(id, state);
    return out;
  }

  private state(workspace: WorkspaceId): WorkspaceSegments {
    let ws = this.workspaces.get(workspace);
    if (ws === undefined) {
      ws = { registry: EMPTY_REGISTRY, index: new MembershipIndex(), facts: new FactColumns(), due: new DueQueue(), enrichers: [], predictors: [], listeners: new Set() };
      this.workspaces.set(workspace, ws);
    }
    return ws;
  }

  workspaceIds(): readonly WorkspaceId[] {
    return [...this.workspaces.keys()];
  }
}
