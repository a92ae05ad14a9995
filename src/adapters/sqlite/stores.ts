import type { Stores } from '../../ports/storage.js';
import { createSqliteCatalogStore } from './catalog-store.js';
import { createSqliteComputedTraitStore } from './computed-trait-store.js';
import { createSqliteDecisionStore } from './decision-store.js';
import { createSqliteEventStore } from './event-store.js';
import { createSqliteIdentityStore } from './identity-store.js';
import { createSqliteProfileStore } from './profile-store.js';
import { createSqliteSegmentStore } from './segment-store.js';
import type { SqliteStoreContext } from './store-context.js';
import { createSqliteWorkspaceStore } from './workspace-store.js';

/** Every store over one context: the writer's inside a run, or the reader's for the read view. */
export function createSqliteStores(ctx: SqliteStoreContext): Stores {
  return {
    events: createSqliteEventStore(ctx),
    profiles: createSqliteProfileStore(ctx),
    identities: createSqliteIdentityStore(ctx),
    catalog: createSqliteCatalogStore(ctx),
    workspaces: createSqliteWorkspaceStore(ctx),
    computedTraits: createSqliteComputedTraitStore(ctx),
    segments: createSqliteSegmentStore(ctx),
    decisions: createSqliteDecisionStore(ctx),
  };
}
