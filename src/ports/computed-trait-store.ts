import type { ComputedTraitDefinition } from '../core/profiles/computed-trait.js';
import type { WorkspaceId } from '../core/shared/ids.js';

/** User-declared computed traits (aggregates over events), per workspace. */
export interface ComputedTraitStore {
  list(workspace: WorkspaceId): Promise<readonly ComputedTraitDefinition[]>;
  put(workspace: WorkspaceId, definition: ComputedTraitDefinition): Promise<void>;
  delete(workspace: WorkspaceId, name: string): Promise<boolean>;
}
