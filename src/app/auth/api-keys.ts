import { createHash, randomBytes } from 'node:crypto';
import type { ApiKeyRecord, ApiKeyScope } from '../../core/auth/workspace.js';
import type { WorkspaceId } from '../../core/shared/ids.js';
import { asApiKeyId } from '../../core/shared/ids.js';
import type { EpochMs } from '../../core/shared/time.js';

/**
 * Secrets are 192 random bits, so an unsalted SHA-256 is enough to store them (a lookup by hash must
 * stay O(1) on every request). Keys supplied by the operator (ATTUNE_ADMIN_KEY ...) get the same
 * treatment, which is why the docs ask for long random values there.
 */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export function generateSecret(scope: ApiKeyScope): string {
  return `atk_${scope}_${randomBytes(24).toString('base64url')}`;
}

export function makeKeyRecord(input: {
  readonly workspaceId: WorkspaceId;
  readonly name: string;
  readonly scope: ApiKeyScope;
  readonly secret: string;
  readonly nowMs: EpochMs;
}): ApiKeyRecord {
  return {
    id: asApiKeyId(`key_${randomBytes(9).toString('base64url')}`),
    workspaceId: input.workspaceId,
    name: input.name,
    scope: input.scope,
    secretHash: hashSecret(input.secret),
    prefix: input.secret.slice(0, Math.min(12, Math.max(4, input.secret.length - 8))),
    createdAtMs: input.nowMs,
    revokedAtMs: null,
  };
}
