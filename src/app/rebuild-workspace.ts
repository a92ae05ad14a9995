import type { ProfileSpec } from '../core/profiles/profile-spec.js';
import type { ProfileState } from '../core/profiles/profile-state.js';
import type { ProfileId, WorkspaceId } from '../core/shared/ids.js';
import type { Clock } from '../ports/clock.js';
import type { Storage } from '../ports/storage.js';
import type { RebuildOutcome, RebuildProgress } from './attune-app.js';
import { resolveBatchIdentities } from './ingest/resolve-batch-identities.js';
import { foldProfile } from '../core/profiles/fold-profile.js';

const SCAN_CHUNK_EVENTS = 5_000;
const FOLD_CHUNK_PROFILES = 500;

/**
 * `attune rebuild`: forgets identities and profiles, then replays the log in arrival order through the
 * same identity rules live ingestion uses (so merges come out the same), and folds every profile from
 * its events. The caller runs this with ingestion paused.
 */
export async function rebuildWorkspace(
  deps: { readonly storage: Storage; readonly clock: Clock; readonly spec: ProfileSpec },
  workspace: WorkspaceId,
  onProgress: (progress: RebuildProgress) => void,
): Promise<RebuildOutcome> {
  const startedMs = deps.clock.nowMs();
  const { storage } = deps;
  const eventsTotal = await storage.read.events.count(workspace);
  await storage.uow.run('rebuild:reset', async (stores) => {
    await stores.identities.deleteAll(workspace);
    await stores.profiles.deleteAll(workspace);
  });

  const profiles = new Set<ProfileId>();
  let afterSeq = 0;
  let eventsDone = 0;
  onProgress({ eventsDone, eventsTotal });
  for (;;) {
    const chunk = await storage.read.events.scan(workspace, { afterSeq, limit: SCAN_CHUNK_EVENTS });
    const last = chunk[chunk.length - 1];
    if (last === undefined) break;
    await storage.uow.run('rebuild:identities', async (stores) => {
      const resolved = await resolveBatchIdentities(stores, workspace, chunk);
      const updates = chunk.map((event, i) => ({ seq: event.seq, profileId: resolved.profileIds[i] ?? event.profileId }));
      await stores.events.setProfileIds(workspace, updates);
      for (const id of resolved.created) profiles.add(id);
      for (const id of resolved.mergedAway) profiles.delete(id);
    });
    afterSeq = last.seq;
    eventsDone += chunk.length;
    onProgress({ eventsDone, eventsTotal });
  }

  await refoldProfiles({ storage, spec: deps.spec }, workspace, [...profiles]);
  await storage.uow.run('rebuild:watermark', (stores) => stores.profiles.putAppliedSeq(workspace, afterSeq));
  const merges = await storage.read.identities.countMerges(workspace);
  return { events: eventsDone, profiles: profiles.size, merges, elapsedMs: deps.clock.nowMs() - startedMs };
}

/** Re-derives the given profiles from their logs (after a rebuild or a computed-trait change). */
export async function refoldProfiles(
  deps: { readonly storage: Storage; readonly spec: ProfileSpec },
  workspace: WorkspaceId,
  ids: readonly ProfileId[],
): Promise<void> {
  const sorted = [...ids].sort();
  for (let start = 0; start < sorted.length; start += FOLD_CHUNK_PROFILES) {
    const slice = sorted.slice(start, start + FOLD_CHUNK_PROFILES);
    await deps.storage.uow.run('rebuild:profiles', async (stores) => {
      const states: ProfileState[] = [];
      for (const id of slice) states.push(foldProfile(id, await stores.events.listForReplay(workspace, id), deps.spec));
      await stores.profiles.putMany(workspace, states);
    });
  }
}

/** Every profile id of a workspace, page by page. */
export async function listAllProfileIds(storage: Storage, workspace: WorkspaceId): Promise<ProfileId[]> {
  const ids: ProfileId[] = [];
  let afterId: ProfileId | null = null;
  for (;;) {
    const page: readonly ProfileState[] = await storage.read.profiles.list(workspace, { afterId, limit: 1000 });
    const last = page[page.length - 1];
    if (last === undefined) return ids;
    for (const state of page) ids.push(state.profileId);
    afterId = last.profileId;
  }
}
