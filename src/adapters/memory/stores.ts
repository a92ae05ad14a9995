import type { Stores } from '../../ports/storage.js';
import { createMemoryCatalogStore } from './catalog-store.js';
import { createMemoryComputedTraitStore } from './computed-trait-store.js';
import { createMemoryDecisionStore } from './decision-store.js';
import { createMemoryEventStore } from './event-store.js';
import { createMemoryIdentityStore } from './identity-store.js';
import { createMemoryProfileStore } from './profile-store.js';
import { createMemorySegmentStore } from './segment-store.js';
import type { MemoryStoreContext } from './store-context.js';
import { createMemoryWorkspaceStore } from './workspace-store.js';

/** Every store over one context: a run's (with its undo log) or the read view's. */
export function createMemoryStores(ctx: MemoryStoreContext): Stores {
  return {
    events: createMemoryEventStore(ctx),
    profiles: createMemoryProfileStore(ctx),
    identities: createMemoryIdentityStore(ctx),
    catalog: createMemoryCatalogStore(ctx),
    workspaces: createMemoryWorkspaceStore(ctx),
    computedTraits: createMemoryComputedTraitStore(ctx),
    segments: createMemorySegmentStore(ctx),
    decisions: createMemoryDecisionStore(ctx),
  };
}
