import type { ApiKeyId, WorkspaceId } from '../shared/ids.js';
import type { EpochMs } from '../shared/time.js';

/** The scopes that may open a dashboard session: write keys only send events, so they cannot log in. */
export const SESSION_SCOPES = ['read', 'admin'] as const;
export type SessionScope = (typeof SESSION_SCOPES)[number];

export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 1024;
/** Usernames are global (a login names no workspace): lowercase letters, digits, `.`, `_`, `-`, `@`. */
export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._@-]{0,63}$/;

/** A dashboard user. The password is kept only as an encoded scrypt hash (src/app/auth/passwords.ts). */
export interface UserRecord {
  readonly username: string;
  readonly workspaceId: WorkspaceId;
  readonly scope: SessionScope;
  readonly passwordHash: string;
  readonly createdAtMs: EpochMs;
}

/** Who a session logged in as: a user account, or an API key (then the key's name is shown). */
export type SessionPrincipal =
  | { readonly kind: 'user'; readonly username: string }
  | { readonly kind: 'key'; readonly keyId: ApiKeyId; readonly name: string };

/** A dashboard session. Stored under the SHA-256 of its id; the id itself lives only in the browser's cookie. */
export interface SessionRecord {
  readonly idHash: string;
  readonly workspaceId: WorkspaceId;
  readonly scope: SessionScope;
  readonly principal: SessionPrincipal;
  /** Compared with the x-csrf-token header of unsafe requests (not a secret from the session's own page). */
  readonly csrfToken: string;
  readonly createdAtMs: EpochMs;
  readonly expiresAtMs: EpochMs;
}

export function isSessionScope(value: string): value is SessionScope {
  return value === 'read' || value === 'admin';
}

/** The principal's display name: the username, or the key's name. */
export function principalName(principal: SessionPrincipal): string {
  return principal.kind === 'user' ? principal.username : principal.name;
}
