import { computeFeatures } from '../../core/features/compute-features.js';
import type { ProfileSpec } from '../../core/profiles/profile-spec.js';
import type { ProfileState } from '../../core/profiles/profile-state.js';
import type { ProfileId, WorkspaceId } from '../../core/shared/ids.js';
import { asProfileId } from '../../core/shared/ids.js';
import type { JsonValue } from '../../core/shared/json.js';
import type { EpochMs } from '../../core/shared/time.js';
import type { Stores } from '../../ports/storage.js';
import type { ProfileLookup, ProfileView } from '../attune-app.js';

/** Finds the profile an outside id points at (following merges, since identifiers move with them). */
export async function resolveLookup(stores: Stores, workspace: WorkspaceId, lookup: ProfileLookup): Promise<ProfileId | null> {
  if (lookup.kind === 'profile_id') return asProfileId(lookup.value);
  const found = await stores.identities.resolveMany(workspace, [{ kind: lookup.kind, value: lookup.value }]);
  return found.get(`${lookup.kind}:${lookup.value}`) ?? null;
}

/** A profile as the faces show it: traits, features at `nowMs`, identities and merge history. */
export async function getProfileView(
  stores: Stores,
  workspace: WorkspaceId,
  input: {
    readonly lookup: ProfileLookup;
    readonly nowMs: EpochMs;
    readonly spec: ProfileSpec;
    /** The writer's not-yet-stored version of a profile, which is newer than the store's. */
    readonly unflushed: (id: ProfileId) => ProfileState | undefined;
    readonly segmentsOf: (state: ProfileState) => ProfileView['segments'];
    readonly predictedOf: (features: ProfileView['features']) => ProfileView['predicted'];
  },
): Promise<ProfileView | null> {
  const profileId = await resolveLookup(stores, workspace, input.lookup);
  if (profileId === null) return null;
  const state = input.unflushed(profileId) ?? (await stores.profiles.getMany(workspace, [profileId])).get(profileId);
  if (state === undefined) return null;
  const [identities, merges] = await Promise.all([
    stores.identities.listForProfile(workspace, profileId),
    stores.identities.listMerges(workspace, profileId),
  ]);
  const features = computeFeatures(state, input.nowMs, input.spec);
  const traits: Record<string, JsonValue> = {};
  for (const [name, entry] of Object.entries(state.traits)) traits[name] = entry.value;
  return { profileId, state, traits, features, computedTraits: features.computedTraits, identities, merges, predicted: input.predictedOf(features), segments: input.segmentsOf(state) };
}
