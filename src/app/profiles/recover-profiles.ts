import type { ProfileSpec } from '../../core/profiles/profile-spec.js';
import type { ProfileId, WorkspaceId } from '../../core/shared/ids.js';
import type { Storage } from '../../ports/storage.js';
import { refoldProfiles } from '../rebuild-workspace.js';

const SCAN_CHUNK_EVENTS = 5_000;

/**
 * Brings the stored profiles of a workspace up to its event log after an unclean stop (or a failed
 * transaction): every profile with an event after the applied-seq watermark is folded again from its
 * whole log, then the watermark moves to the last event. Idempotent: interrupted, it redoes the same
 * work next time. Returns how many profiles it refolded.
 */
export async function recoverProfiles(
  deps: { readonly storage: Storage; readonly spec: ProfileSpec },
  workspace: WorkspaceId,
): Promise<{ readonly profiles: number; readonly events: number }> {
  const { storage } = deps;
  const applied = await storage.read.profiles.getAppliedSeq(workspace);
  const touched = new Set<ProfileId>();
  let afterSeq = applied;
  let events = 0;
  for (;;) {
    const chunk = await storage.read.events.scan(workspace, { afterSeq, limit: SCAN_CHUNK_EVENTS });
    const last = chunk.at(-1);
    if (last === undefined) break;
    for (const event of chunk) touched.add(event.profileId);
    afterSeq = last.seq;
    events += chunk.length;
  }
  if (events === 0) return { profiles: 0, events: 0 };
  await refoldProfiles(deps, workspace, [...touched]);
  await storage.uow.run('profiles:recovered', (stores) => stores.profiles.putAppliedSeq(workspace, afterSeq));
  return { profiles: touched.size, events };
}
