import type { IdentifierKind } from '../../core/identity/identity.js';

/** How a profile is looked up from outside. */
export interface ProfileLookup {
  readonly kind: IdentifierKind | 'profile_id';
  readonly value: string;
}
