import type { EventType } from '../events/event.js';
import type { ProfileId } from '../shared/ids.js';
import type { Identifier, MergeReason } from './identity.js';

/** What the identity graph says about an event's identifiers right now. */
export interface IdentityFacts {
  /** Profile holding `user_id:<userId>`, if any. */
  readonly byUserId: ProfileId | null;
  /** Profile holding `anonymous_id:<anonymousId>`, if any. */
  readonly byAnonymousId: ProfileId | null;
  /** alias only: profile holding previousId (as a user id, else as an anonymous id), if any. */
  readonly byPreviousId: ProfileId | null;
  /** Whether byAnonymousId already has a user id of its own (then it is a shared device). */
  readonly anonymousProfileIsKnown: boolean;
}

export interface IdentityDecision {
  /** The profile the event belongs to; 'new' when a profile must be created for it. */
  readonly target: ProfileId | 'new';
  /** Identifiers to point at the target. Callers link only those not already held by some profile. */
  readonly links: readonly Identifier[];
  /** A profile to merge into the target, with why, or null. */
  readonly merge: { readonly from: ProfileId; readonly reason: MergeReason; readonly via: readonly Identifier[] } | null;
}

interface EventIds {
  readonly type: EventType;
  readonly userId: string | null;
  readonly anonymousId: string | null;
  readonly previousId: string | null;
}

/**
 * Identity resolution rules (Segment-style stitching, applied in arrival order):
 * - an anonymous profile that meets a userId becomes that user's (or merges into the user's profile);
 * - an anonymousId already tied to a DIFFERENT known user is a shared device: never merged, never stolen;
 * - `alias` is proof: previousId's profile merges into userId's, known or not.
 */
export function decideIdentity(ids: EventIds, facts: IdentityFacts): IdentityDecision {
  const user: Identifier | null = ids.userId === null ? null : { kind: 'user_id', value: ids.userId };
  const anon: Identifier | null = ids.anonymousId === null ? null : { kind: 'anonymous_id', value: ids.anonymousId };

  if (ids.type === 'alias' && user !== null && ids.previousId !== null) {
    const previousIds: Identifier[] = [
      { kind: 'user_id', value: ids.previousId },
      { kind: 'anonymous_id', value: ids.previousId },
    ];
    const links = anon === null ? previousIds : [...previousIds, anon];
    if (facts.byUserId !== null && facts.byPreviousId !== null && facts.byUserId !== facts.byPreviousId) {
      return { target: facts.byUserId, links, merge: { from: facts.byPreviousId, reason: 'alias', via: previousIds } };
    }
    if (facts.byUserId !== null) return { target: facts.byUserId, links, merge: null };
    if (facts.byPreviousId !== null) return { target: facts.byPreviousId, links: [user, ...links], merge: null };
    return { target: 'new', links: [user, ...links], merge: null };
  }

  if (user !== null && anon !== null) {
    const pA = facts.byAnonymousId;
    if (facts.byUserId !== null) {
      if (pA !== null && pA !== facts.byUserId && !facts.anonymousProfileIsKnown) {
        return { target: facts.byUserId, links: [], merge: { from: pA, reason: 'identified', via: [anon] } };
      }
      return { target: facts.byUserId, links: pA === null ? [anon] : [], merge: null };
    }
    if (pA !== null && !facts.anonymousProfileIsKnown) return { target: pA, links: [user], merge: null };
    // pA known (shared device): the user gets a profile of their own; the anonymousId stays where it is.
    return { target: 'new', links: pA === null ? [user, anon] : [user], merge: null };
  }

  if (user !== null) {
    return facts.byUserId !== null ? { target: facts.byUserId, links: [], merge: null } : { target: 'new', links: [user], merge: null };
  }
  if (anon !== null) {
    return facts.byAnonymousId !== null
      ? { target: facts.byAnonymousId, links: [], merge: null }
      : { target: 'new', links: [anon], merge: null };
  }
  // normalizeEvent guarantees an identifier; reaching here is a programmer error.
  throw new Error('decideIdentity: event has no identifier');
}
