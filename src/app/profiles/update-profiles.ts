import type { NormalizedEvent } from '../../core/events/event.js';
import { compareEventOrder } from '../../core/events/event.js';
import { applyEventToProfile } from '../../core/profiles/apply-event-to-profile.js';
import type { ProfileSpec } from '../../core/profiles/profile-spec.js';
import type { ProfileState } from '../../core/profiles/profile-state.js';
import { createProfileState } from '../../core/profiles/profile-state.js';
import type { ProfileId, WorkspaceId } from '../../core/shared/ids.js';
import type { Stores } from '../../ports/storage.js';
import { foldProfile } from '../../core/profiles/fold-profile.js';
import { profileNeedsReplay } from '../../core/profiles/behavior-track.js';
import type { ProfileCache } from './profile-cache.js';

export interface ProfileUpdateStats {
  /** Profiles advanced by applying only the new events. */
  readonly incremental: number;
  /** Profiles rebuilt from their whole log (late events or merges). */
  readonly replayed: number;
}

/**
 * Brings each profile up to date with its new events, inside the caller's transaction (the events are
 * already appended); the results are left dirty in the cache for the next flush. In-order events are applied to the cached state; a late event (older than the
 * newest already applied) or a merge replays the profile from the log, so the result is always the
 * fold of all its events in event-time order, whatever order they arrived in.
 */
export async function updateProfiles(
  stores: Stores,
  workspace: WorkspaceId,
  input: {
    readonly newEvents: ReadonlyMap<ProfileId, NormalizedEvent[]>;
    readonly mustReplay: ReadonlySet<ProfileId>;
    /** Profiles created by this batch: they start empty instead of being read. */
    readonly created: ReadonlySet<ProfileId>;
    readonly spec: ProfileSpec;
    readonly cache: ProfileCache;
  },
): Promise<ProfileUpdateStats> {
  const { newEvents, mustReplay, created, spec, cache } = input;
  const toLoad: ProfileId[] = [];
  for (const id of newEvents.keys()) {
    if (!mustReplay.has(id) && !created.has(id) && cache.get(workspace, id) === undefined) toLoad.push(id);
  }
  const loaded = toLoad.length > 0 ? await stores.profiles.getMany(workspace, toLoad) : new Map<ProfileId, ProfileState>();

  const updated: ProfileState[] = [];
  let incremental = 0;
  let replayed = 0;
  const ids = new Set<ProfileId>([...newEvents.keys(), ...mustReplay]);
  for (const id of ids) {
    const events = newEvents.get(id) ?? [];
    let state = mustReplay.has(id)
      ? undefined
      : created.has(id)
        ? createProfileState(id)
        : (cache.get(workspace, id) ?? loaded.get(id));
    if (events.length > 1) events.sort(compareEventOrder);
    const first = events[0];
    // A profile folded before a segment added a behavior track lacks that track's history: replay it.
    const inOrder =
      state !== undefined &&
      !profileNeedsReplay(state, spec) &&
      (state.lastEventKey === null || first === undefined || compareEventOrder(first, state.lastEventKey) > 0);
    if (state !== undefined && inOrder) {
      for (const event of events) state = applyEventToProfile(state, event, spec);
      incremental++;
    } else {
      state = foldProfile(id, await stores.events.listForReplay(workspace, id), spec);
      replayed++;
    }
    updated.push(state);
  }
  // Write-behind (ADR 0004): the events are durable in this transaction; the folded states stay in
  // the writer's working set until the next flush, which stores them with the applied-seq watermark.
  for (const state of updated) cache.setDirty(workspace, state);
  return { incremental, replayed };
}
