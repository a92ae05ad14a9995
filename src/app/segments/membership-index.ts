import type { ProfileId } from '../../core/shared/ids.js';
import type { EpochMs } from '../../core/shared/time.js';

const NO_SEGMENTS: ReadonlySet<string> = new Set();

/**
 * Current memberships of one workspace, in memory, both ways: a decision-time membership check is
 * a map lookup, a segment's size is a Map's size. Reasons live in the store, not here (they would
 * multiply the memory per membership); only the entry time is kept.
 */
export class MembershipIndex {
  private readonly bySegment = new Map<string, Map<ProfileId, EpochMs>>();
  private readonly byProfile = new Map<ProfileId, Set<string>>();

  segmentsOf(profileId: ProfileId): ReadonlySet<string> {
    return this.byProfile.get(profileId) ?? NO_SEGMENTS;
  }

  /**
   * One profile's memberships as evaluation sees them: the index, with the flips of the pass on
   * top (nothing is copied per profile, which matters when a backfill visits millions).
   */
  viewOf(profileId: ProfileId): ProfileMemberships {
    return new ProfileMemberships(this, profileId);
  }

  has(segmentKey: string, profileId: ProfileId): boolean {
    return this.bySegment.get(segmentKey)?.has(profileId) ?? false;
  }

  size(segmentKey: string): number {
    return this.bySegment.get(segmentKey)?.size ?? 0;
  }

  members(segmentKey: string): ReadonlyMap<ProfileId, EpochMs> {
    return this.bySegment.get(segmentKey) ?? new Map();
  }

  enter(segmentKey: string, profileId: ProfileId, atMs: EpochMs): void {
    let members = this.bySegment.get(segmentKey);
    if (members === undefined) {
      members = new Map();
      this.bySegment.set(segmentKey, members);
    }
    members.set(profileId, atMs);
    let segments = this.byProfile.get(profileId);
    if (segments === undefined) {
      segments = new Set();
      this.byProfile.set(profileId, segments);
    }
    segments.add(segmentKey);
  }

  exit(segmentKey: string, profileId: ProfileId): void {
    this.bySegment.get(segmentKey)?.delete(profileId);
    const segments = this.byProfile.get(profileId);
    if (segments === undefined) return;
    segments.delete(segmentKey);
    if (segments.size === 0) this.byProfile.delete(profileId);
  }

  dropSegment(segmentKey: string): void {
    for (const profileId of this.members(segmentKey).keys()) this.exit(segmentKey, profileId);
    this.bySegment.delete(segmentKey);
  }

  clear(): void {
    this.bySegment.clear();
    this.byProfile.clear();
  }
}

/** A profile's memberships during one evaluation pass (see MembershipIndex.viewOf). */
export class ProfileMemberships {
  private readonly index: MembershipIndex;
  private profileId: ProfileId;
  /** The profile's segments in the index, looked up once (a profile is asked about many segments). */
  private current: ReadonlySet<string> | null = null;
  private overlay: Map<string, boolean> | null = null;

  constructor(index: MembershipIndex, profileId: ProfileId) {
    this.index = index;
    this.profileId = profileId;
  }

  /** Points the view at another profile (one view serves a whole pass). */
  reset(profileId: ProfileId): this {
    this.profileId = profileId;
    this.current = null;
    this.overlay = null;
    return this;
  }

  has(segmentKey: string): boolean {
    const flipped = this.overlay?.get(segmentKey);
    if (flipped !== undefined) return flipped;
    this.current ??= this.index.segmentsOf(this.profileId);
    return this.current.has(segmentKey);
  }

  add(segmentKey: string): void {
    (this.overlay ??= new Map()).set(segmentKey, true);
  }

  delete(segmentKey: string): void {
    (this.overlay ??= new Map()).set(segmentKey, false);
  }
}
