import type { ApiKeyId, WorkspaceId } from '../shared/ids.js';
import type { EpochMs } from '../shared/time.js';

export interface Workspace {
  readonly id: WorkspaceId;
  readonly name: string;
  readonly createdAtMs: EpochMs;
}

/**
 * `write` sends events (the SDK write key); `read` reads profiles and decisions;
 * `admin` does everything, including key management. Scopes do not imply one another except admin.
 */
export const API_KEY_SCOPES = ['write', 'read', 'admin'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

export interface ApiKeyRecord {
  readonly id: ApiKeyId;
  readonly workspaceId: WorkspaceId;
  readonly name: string;
  readonly scope: ApiKeyScope;
  /** SHA-256 of the secret, hex. The secret itself is shown once and never stored. */
  readonly secretHash: string;
  /** The first characters of the secret, to recognise a key in lists without revealing it. */
  readonly prefix: string;
  readonly createdAtMs: EpochMs;
  readonly revokedAtMs: EpochMs | null;
}

/** Whether a key of scope `held` may do something that needs `needed`. */
export function scopeAllows(held: ApiKeyScope, needed: ApiKeyScope): boolean {
  return held === 'admin' || held === needed;
}
