import type { EpochMs } from '../../core/shared/time.js';
import type { WorkspaceStore } from '../../ports/workspace-store.js';
import type { AuthContext } from '../attune-app.js';
import { hashSecret } from './api-keys.js';

export interface Authenticator {
  authenticate(secret: string, nowMs: EpochMs): Promise<AuthContext | null>;
  /** Forget cached answers (after a key is revoked or created), so revocation takes effect at once. */
  invalidate(): void;
}

/**
 * Resolves a secret to its key, caching answers briefly: every ingest request authenticates, and a
 * store lookup per request would cost more than the hash. Revocation in this process clears the cache;
 * another process sees a revocation within `ttlMs`.
 */
export function createAuthenticator(deps: {
  readonly workspaces: WorkspaceStore;
  readonly ttlMs: number;
  readonly maxEntries: number;
}): Authenticator {
  const cache = new Map<string, { readonly context: AuthContext | null; readonly expiresAtMs: EpochMs }>();
  return {
    async authenticate(secret, nowMs) {
      if (secret.length === 0 || secret.length > 512) return null;
      const secretHash = hashSecret(secret);
      const hit = cache.get(secretHash);
      if (hit !== undefined && hit.expiresAtMs > nowMs) return hit.context;
      const key = await deps.workspaces.findKeyByHash(secretHash);
      const context: AuthContext | null =
        key === null || key.revokedAtMs !== null ? null : { workspaceId: key.workspaceId, keyId: key.id, scope: key.scope };
      if (cache.size >= deps.maxEntries) cache.clear();
      cache.set(secretHash, { context, expiresAtMs: nowMs + deps.ttlMs });
      return context;
    },
    invalidate() {
      cache.clear();
    },
  };
}
