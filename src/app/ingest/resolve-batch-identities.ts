import type { NormalizedEvent } from '../../core/events/event.js';
import { decideIdentity } from '../../core/identity/decide-identity.js';
import type { Identifier } from '../../core/identity/identity.js';
import { identifierKey } from '../../core/identity/identity.js';
import type { ProfileId, WorkspaceId } from '../../core/shared/ids.js';
import type { Stores } from '../../ports/storage.js';
import { deriveProfileId } from '../profiles/profile-id.js';

export interface ResolvedIdentities {
  /** The final profile of each event (index-aligned with the input), after every merge in the batch. */
  readonly profileIds: readonly ProfileId[];
  /** Profiles created by this batch that still exist at its end. */
  readonly created: ReadonlySet<ProfileId>;
  /** Profiles merged away by this batch (their state must be deleted). */
  readonly mergedAway: ReadonlySet<ProfileId>;
  /** Surviving profiles that absorbed another one in this batch (their state must be replayed). */
  readonly mergedInto: ReadonlySet<ProfileId>;
}

/**
 * Applies identity resolution to a batch of events in arrival order, inside the caller's transaction:
 * looks every identifier up once, decides with the pure rules of decideIdentity, records merges and
 * moves the merged profile's identities and stored events to the survivor, then writes the new links.
 */
export async function resolveBatchIdentities(
  stores: Stores,
  workspace: WorkspaceId,
  events: readonly NormalizedEvent[],
): Promise<ResolvedIdentities> {
  const wanted = new Map<string, Identifier>();
  for (const event of events) {
    for (const id of identifiersOf(event)) wanted.set(identifierKey(id), id);
  }
  const stored = await stores.identities.resolveMany(workspace, [...wanted.values()]);
  const graph = new Map<string, ProfileId>(stored);
  const redirect = new Map<ProfileId, ProfileId>();
  const known = new Map<ProfileId, boolean>();
  const newLinks = new Map<string, { id: Identifier; profileId: ProfileId; atMs: number }>();
  const created = new Set<ProfileId>();
  const mergedAway = new Set<ProfileId>();
  const mergedInto = new Set<ProfileId>();
  const assigned: ProfileId[] = [];

  const find = (id: ProfileId | undefined): ProfileId | null => {
    if (id === undefined) return null;
    let current = id;
    for (let next = redirect.get(current); next !== undefined; next = redirect.get(current)) current = next;
    return current;
  };
  const lookup = (kind: Identifier['kind'], value: string | null): ProfileId | null =>
    value === null ? null : find(graph.get(`${kind}:${value}`));
  const isKnown = async (profileId: ProfileId | null): Promise<boolean> => {
    if (profileId === null) return false;
    const cached = known.get(profileId);
    if (cached !== undefined) return cached;
    const ids = await stores.identities.listForProfile(workspace, profileId);
    const result = ids.some((id) => id.kind === 'user_id');
    known.set(profileId, result);
    return result;
  };

  for (const event of events) {
    const byUserId = lookup('user_id', event.userId);
    const byAnonymousId = lookup('anonymous_id', event.anonymousId);
    const byPreviousId =
      event.type === 'alias' ? (lookup('user_id', event.previousId) ?? lookup('anonymous_id', event.previousId)) : null;
    const decision = decideIdentity(event, {
      byUserId,
      byAnonymousId,
      byPreviousId,
      // Only asked (it may cost a read) when the rules need the answer.
      anonymousProfileIsKnown: event.userId !== null && byAnonymousId !== null && byAnonymousId !== byUserId
        ? await isKnown(byAnonymousId)
        : false,
    });

    let target: ProfileId;
    if (decision.target === 'new') {
      const first = decision.links[0];
      if (first === undefined) throw new Error('decideIdentity asked for a new profile without an identifier');
      target = deriveProfileId(workspace, first);
      created.add(target);
      known.set(target, false);
    } else {
      target = decision.target;
    }

    if (decision.merge !== null) {
      const from = decision.merge.from;
      await stores.identities.reassignProfile(workspace, from, target);
      await stores.events.reassignProfile(workspace, from, target);
      // Decisions shown to the anonymous visitor belong to the known customer now (caps, attribution).
      await stores.decisions.reassignProfile(workspace, from, target);
      await stores.identities.putMerge(workspace, {
        survivorId: target,
        mergedId: from,
        reason: decision.merge.reason,
        messageId: event.messageId,
        via: decision.merge.via,
        atMs: event.timestampMs,
      });
      redirect.set(from, target);
      known.set(target, (known.get(target) ?? (await isKnown(target))) || (await isKnown(from)));
      mergedAway.add(from);
      created.delete(from);
      mergedInto.delete(from);
      mergedInto.add(target);
    }

    for (const id of decision.links) {
      const key = identifierKey(id);
      if (find(graph.get(key)) !== null) continue; // never steal an identifier another profile holds
      graph.set(key, target);
      newLinks.set(key, { id, profileId: target, atMs: event.timestampMs });
      if (id.kind === 'user_id') known.set(target, true);
    }
    assigned.push(target);
  }

  const links = [...newLinks.values()].map((link) => ({ ...link, profileId: find(link.profileId) ?? link.profileId }));
  if (links.length > 0) await stores.identities.linkMany(workspace, links);
  return {
    profileIds: assigned.map((id) => find(id) ?? id),
    created,
    mergedAway,
    mergedInto,
  };
}

function identifiersOf(event: NormalizedEvent): Identifier[] {
  const ids: Identifier[] = [];
  if (event.userId !== null) ids.push({ kind: 'user_id', value: event.userId });
  if (event.anonymousId !== null) ids.push({ kind: 'anonymous_id', value: event.anonymousId });
  if (event.type === 'alias' && event.previousId !== null) {
    ids.push({ kind: 'user_id', value: event.previousId }, { kind: 'anonymous_id', value: event.previousId });
  }
  return ids;
}
