import type { NormalizedEvent } from '../../core/events/event.js';
import type { ProfileSpec } from '../../core/profiles/profile-spec.js';
import type { ProfileId, WorkspaceId } from '../../core/shared/ids.js';
import type { Stores } from '../../ports/storage.js';
import type { ProfileCache } from '../profiles/profile-cache.js';
import type { TouchedProfiles } from '../segments/segment-engine.js';
import { updateProfiles } from '../profiles/update-profiles.js';
import { resolveBatchIdentities } from './resolve-batch-identities.js';

export interface AppliedBatch {
  /** Index-aligned with the input: true when the event was new, false for a duplicate messageId. */
  readonly isNew: readonly boolean[];
  readonly profilesTouched: number;
  readonly merges: number;
  readonly replayed: number;
  /** The highest seq appended by this batch (0 when every event was a duplicate). */
  readonly lastSeq: number;
  /** Which profiles changed and how (segments re-evaluate them). */
  readonly touched: TouchedProfiles;
}

const NOTHING_TOUCHED: TouchedProfiles = { newEvents: new Map(), replayed: new Set(), mergedAway: new Set() };

/**
 * One workspace's share of a group commit, inside the caller's transaction: drop duplicates (against
 * the log and within the batch), resolve identities, append to the log, update profiles.
 */
export async function applyEventBatch(
  stores: Stores,
  workspace: WorkspaceId,
  input: { readonly events: readonly NormalizedEvent[]; readonly spec: ProfileSpec; readonly cache: ProfileCache },
): Promise<AppliedBatch> {
  const { events, spec, cache } = input;
  const existing = await stores.events.existingMessageIds(workspace, events.map((e) => e.messageId));
  const seen = new Set<string>();
  const isNew: boolean[] = [];
  const fresh: NormalizedEvent[] = [];
  for (const event of events) {
    const duplicate = existing.has(event.messageId) || seen.has(event.messageId);
    isNew.push(!duplicate);
    if (!duplicate) {
      seen.add(event.messageId);
      fresh.push(event);
    }
  }
  if (fresh.length === 0) return { isNew, profilesTouched: 0, merges: 0, replayed: 0, lastSeq: 0, touched: NOTHING_TOUCHED };

  const identities = await resolveBatchIdentities(stores, workspace, fresh);
  for (const merged of identities.mergedAway) cache.delete(workspace, merged);
  if (identities.mergedAway.size > 0) await stores.profiles.deleteMany(workspace, [...identities.mergedAway]);

  const rows = fresh.map((event, i) => ({ ...event, profileId: profileAt(identities.profileIds, i) }));
  const stored = await stores.events.appendMany(workspace, rows);

  const byProfile = new Map<ProfileId, NormalizedEvent[]>();
  for (const row of rows) {
    const list = byProfile.get(row.profileId);
    if (list === undefined) byProfile.set(row.profileId, [row]);
    else list.push(row);
  }
  const stats = await updateProfiles(stores, workspace, {
    newEvents: byProfile,
    mustReplay: identities.mergedInto,
    created: identities.created,
    spec,
    cache,
  });
  return {
    isNew,
    profilesTouched: byProfile.size,
    merges: identities.mergedAway.size,
    replayed: stats.replayed,
    lastSeq: stored.at(-1)?.seq ?? 0,
    touched: { newEvents: byProfile, replayed: identities.mergedInto, mergedAway: identities.mergedAway },
  };
}

function profileAt(ids: readonly ProfileId[], index: number): ProfileId {
  const id = ids[index];
  if (id === undefined) throw new Error(`no profile resolved for event ${index}`);
  return id;
}
