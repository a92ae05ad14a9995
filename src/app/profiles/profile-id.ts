import { createHash } from 'node:crypto';
import type { Identifier } from '../../core/identity/identity.js';
import type { ProfileId, WorkspaceId } from '../../core/shared/ids.js';
import { asProfileId } from '../../core/shared/ids.js';

/**
 * A profile's id is derived from the identifier that first created it, so that `rebuild`, which
 * replays the log and makes the same identity decisions, gives every profile the same id again.
 * Inputs are length-delimited; 96 bits of SHA-256 keep collisions out of reach.
 */
export function deriveProfileId(workspace: WorkspaceId, first: Identifier): ProfileId {
  const hash = createHash('sha256');
  for (const part of ['profile@1', workspace, first.kind, first.value]) hash.update(`${part.length}:${part}|`);
  return asProfileId(`prf_${hash.digest('hex').slice(0, 24)}`);
}
