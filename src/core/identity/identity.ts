import type { ProfileId } from '../shared/ids.js';
import type { EpochMs } from '../shared/time.js';

export type IdentifierKind = 'user_id' | 'anonymous_id';

export interface Identifier {
  readonly kind: IdentifierKind;
  readonly value: string;
}

export function identifierKey(id: Identifier): string {
  return `${id.kind}:${id.value}`;
}

/** Why two profiles became one. */
export type MergeReason =
  /** An event carried both ids, tying an anonymous profile to a known one. */
  | 'identified'
  /** An `alias` call said previousId and userId are the same person. */
  | 'alias';

/** A merge, kept forever so that "why is this one profile?" always has an answer. */
export interface MergeRecord {
  readonly survivorId: ProfileId;
  readonly mergedId: ProfileId;
  readonly reason: MergeReason;
  /** The event that proved it. */
  readonly messageId: string;
  /** The identifiers that linked the two (e.g. the anonymousId seen with the userId). */
  readonly via: readonly Identifier[];
  readonly atMs: EpochMs;
}
