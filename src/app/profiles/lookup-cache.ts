import type { ProfileId, WorkspaceId } from '../../core/shared/ids.js';
import type { Stores } from '../../ports/storage.js';
import { resolveLookup } from './get-profile.js';
import type { ProfileLookup } from './profile-lookup.js';

/**
 * userId / anonymousId → profile, remembered for the serving paths (decide, recommendations), which
 * would otherwise read the identity table on every request. Only found profiles are remembered (a
 * visitor unknown now may arrive with the next event), and a merge forgets the workspace's
 * entries: identifiers move with merges, nothing else moves them.
 */
export class LookupCache {
  private readonly entries = new Map<string, ProfileId>();
  private readonly maxEntries: number;

  constructor(maxEntries: number) {
    this.maxEntries = maxEntries;
  }

  async resolve(stores: Stores, workspace: WorkspaceId, lookup: ProfileLookup): Promise<ProfileId | null> {
    if (lookup.kind === 'profile_id') return resolveLookup(stores, workspace, lookup);
    const key = `${workspace}\u0000${lookup.kind}\u0000${lookup.value}`;
    const hit = this.entries.get(key);
    if (hit !== undefined) return hit;
    const found = await resolveLookup(stores, workspace, lookup);
    if (found !== null) {
      if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
      this.entries.set(key, found);
    }
    return found;
  }

  /** After a merge in the workspace (or a rebuild): identifiers may point elsewhere now. */
  forgetWorkspace(workspace: WorkspaceId): void {
    const prefix = `${workspace}\u0000`;
    for (const key of [...this.entries.keys()]) if (key.startsWith(prefix)) this.entries.delete(key);
  }
}
